"""django-q2 schedules, created idempotently by name (never at import time)."""

from __future__ import annotations

from django_q.models import Schedule

HEARTBEAT = "worker heartbeat"


def ensure_heartbeat_schedule() -> Schedule:
    """Run :func:`syncengine.tasks.heartbeat` every minute."""
    schedule, _ = Schedule.objects.update_or_create(
        name=HEARTBEAT,
        defaults={"func": "syncengine.tasks.heartbeat", "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
    return schedule
