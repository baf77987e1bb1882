"""Where the measurement's progress lines go (the command's standard output, or nowhere)."""

from __future__ import annotations

from collections.abc import Callable

Log = Callable[[str], None]
