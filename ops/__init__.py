"""What ops staff click: the connection wizard (``wizard/``), the connection page (``connection_admin``), its
health page (``health``), the admin of the engine's runs, outcomes, links and heartbeats (``admin``), the run
page and chart, the admin index's order and status block, and their templates and static files. It sits above
the engine: it may import every layer below, and nothing below imports it."""
