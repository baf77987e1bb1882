"""What ops staff click: the connection wizard today; the connection pages, run and outcome admin and
health pages join it (issue 16, item 3). It sits above the engine: it may import every layer below, and
nothing below imports it."""
