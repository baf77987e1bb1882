"""django-q2 schedules, created, updated and removed idempotently by name
(never at import time)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_q.models import Schedule

HEARTBEAT = "worker heartbeat"
REAPER = "reap stale runs"


def connection_schedule_name(connection_id: int) -> str:
    return f"sync connection {connection_id}"


def ensure_heartbeat_schedule() -> Schedule:
    """Run :func:`syncengine.tasks.heartbeat` every minute."""
    schedule, _ = Schedule.objects.update_or_create(
        name=HEARTBEAT,
        defaults={"func": "syncengine.tasks.heartbeat", "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )
    return schedule


def ensure_reaper_schedule() -> Schedule:
    schedule, _ = Schedule.objects.update_or_create(
        name=REAPER,
        defaults={
            "func": "syncengine.tasks.reap_stale_runs",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    return schedule


def sync_connection_schedule(connection) -> Schedule | None:
    """Make the connection's schedule match it: every ``interval_minutes`` while
    it is not paused, none while it is paused or deleted."""
    name = connection_schedule_name(connection.pk)
    if connection.paused:
        Schedule.objects.filter(name=name).delete()
        return None
    schedule, _ = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": "syncengine.tasks.scheduled_run",
            "args": repr((connection.pk,)),
            "schedule_type": Schedule.MINUTES,
            "minutes": connection.interval_minutes,
            "repeats": -1,
        },
        # The first scheduled run comes one interval from now: a new or resumed
        # connection gets its immediate run from "Run now" / the initial run.
        create_defaults={
            "func": "syncengine.tasks.scheduled_run",
            "args": repr((connection.pk,)),
            "schedule_type": Schedule.MINUTES,
            "minutes": connection.interval_minutes,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=connection.interval_minutes),
        },
    )
    return schedule


def remove_connection_schedule(connection_id: int) -> None:
    Schedule.objects.filter(name=connection_schedule_name(connection_id)).delete()


def ensure_all_schedules() -> None:
    from connections.models import Connection

    ensure_heartbeat_schedule()
    ensure_reaper_schedule()
    for connection in Connection.objects.all():
        sync_connection_schedule(connection)
