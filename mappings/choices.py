"""Named choices of the mappings app (compare with these, never bare strings)."""

from django.db import models


class Direction(models.TextChoices):
    """Which way a field mapping copies values.

    ``TWO_WAY`` is the union of both one-way directions, and is only offered
    when both are allowed (see :func:`mappings.compatibility.allowed_directions`).
    """

    TWO_WAY = "two_way", "Two-way (NetSuite ⇄ app)"
    TO_APP = "to_app", "One-way, NetSuite → app"
    TO_NETSUITE = "to_netsuite", "One-way, app → NetSuite"
