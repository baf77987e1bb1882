"""Models of the sync engine."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life of a django-q2 cluster, written by a task the
    cluster runs every minute: tells ops staff whether background work runs."""

    cluster = models.CharField(max_length=100, unique=True)
    host = models.CharField(max_length=255, blank=True, default="")
    pid = models.IntegerField(null=True, blank=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["cluster"]

    def __str__(self) -> str:
        return f"{self.cluster} @ {self.host}"
