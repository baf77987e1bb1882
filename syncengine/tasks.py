"""django-q2 task functions. They take ids (or nothing), never model instances."""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django.utils import timezone

from .models import WorkerHeartbeat


def heartbeat() -> str:
    """Record that a worker of this cluster is alive; returns the cluster name."""
    name = settings.Q_CLUSTER["name"]
    WorkerHeartbeat.objects.update_or_create(
        cluster=name,
        defaults={"host": socket.gethostname(), "pid": os.getpid(), "last_seen": timezone.now()},
    )
    return name
