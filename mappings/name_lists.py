"""Several names in one text (pure): how a list of choices is written into a text field and read back.

Used by the converters (:mod:`mappings.converters`) between multi selects or groups and text fields.
"""

from __future__ import annotations

# "Hiking; Music": a semicolon reads well in a contact's field and is rarer in a
# list value than a comma ("Acme, Inc."). A name that contains one (or a
# backslash) is written with a backslash before it, so the text always reads
# back into the same names.
NAME_SEPARATOR = ";"
_ESCAPE = "\\"


def join_names(names: list[str]) -> str:
    """Names as one text, ``"; "``-separated, escaping ``;`` and ``\\`` in a name with a backslash."""
    escaped = (name.replace(_ESCAPE, _ESCAPE * 2).replace(NAME_SEPARATOR, _ESCAPE + NAME_SEPARATOR) for name in names)
    return f"{NAME_SEPARATOR} ".join(escaped)


def split_names(text: str) -> list[str]:
    """The names of a text written by :func:`join_names` (or typed the same way): trimmed, blanks dropped.

    ``\\;`` is a semicolon inside a name and ``\\\\`` a backslash; a backslash
    before any other character is kept as typed.
    """
    names, current, chars = [], [], iter(text)
    for char in chars:
        if char == _ESCAPE:
            following = next(chars, "")
            if following in (NAME_SEPARATOR, _ESCAPE):
                current.append(following)
            else:
                current.append(char + following)
        elif char == NAME_SEPARATOR:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip()]
