"""Timing a page: a warm-up request, then the median of measured ones, with the SQL query count."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connections.models import Connection
from syncengine.choices import RunStatus
from syncengine.models import SyncRun, WorkerHeartbeat

from .pages import Page, admin_pages
from .progress import Log

REPEATS = 3


@dataclass(frozen=True)
class Timing:
    """A page's figures: median milliseconds of the measured requests, SQL queries, HTTP status."""

    page: Page
    median_ms: float
    queries: int
    status: int


def _request(client: Client, page: Page):
    if page.post is None:
        return client.get(page.url)
    return client.post(page.url, page.post)


def _reset_after(page: Page) -> None:
    """Undo what a POST did, so that every measured request does the same work (*Run now* queues a run:
    the next one would find it queued and queue nothing)."""
    if page.post is not None:
        from django_q.models import OrmQ

        SyncRun.objects.filter(status=RunStatus.QUEUED).delete()
        OrmQ.objects.all().delete()


def measure(client: Client, page: Page, repeats: int = REPEATS) -> Timing:
    """One warm-up request, then ``repeats`` measured ones: the median time and the last one's queries."""
    _request(client, page)
    _reset_after(page)
    times, queries, status = [], 0, 0
    for _ in range(repeats):
        with CaptureQueriesContext(db) as captured:
            start = time.perf_counter()
            response = _request(client, page)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(captured), response.status_code
        _reset_after(page)
    return Timing(page, statistics.median(times), queries, status)


def superuser_client() -> Client:
    """A client logged in as a superuser made for the measurements (with an email: alerts reach someone)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username="admin_timings").first()
    if user is None:
        user = user_model.objects.create_superuser("admin_timings", "ops@example.com", "admin-timings-pw")
    client = Client()
    client.force_login(user)
    return client


def time_pages(connection: Connection, log: Log) -> list[Timing]:
    """Every page of :func:`admin_pages`, measured."""
    client = superuser_client()
    WorkerHeartbeat.objects.get_or_create(
        cluster="admin_timings", defaults={"host": "localhost", "last_seen": timezone.now()}
    )
    timings = []
    for page in admin_pages(connection):
        timing = measure(client, page)
        log(f"  {timing.median_ms:8.1f} ms {timing.queries:4d} q  {page.label}")
        timings.append(timing)
    return timings
