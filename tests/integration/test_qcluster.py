"""A task enqueued through the app completes in a real qcluster process,
with the ORM broker (on the suite's database) and with the Redis broker."""

from __future__ import annotations

import os
import time
import uuid

import pytest
import redis
from django_q.models import Success

from syncengine.models import WorkerHeartbeat

from .processes import child_env, manage, start_qcluster, stop

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")


def _require_redis() -> None:
    try:
        redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:  # a missing service is a failure, not a skip
        pytest.fail(f"Redis is needed at {REDIS_URL} ({exc}); start it or set REDIS_URL_FOR_TESTS.")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["orm", "redis"])
def test_enqueued_task_completes_in_a_real_qcluster(broker, tmp_path):
    cluster = f"test-{broker}-{uuid.uuid4().hex[:8]}"
    extra = {"Q_CLUSTER_NAME": cluster, "Q_WORKERS": "1"}
    if broker == "redis":
        _require_redis()
        extra["REDIS_URL"] = REDIS_URL
    env = child_env(**extra)

    enqueue = manage(
        "shell", "-c", "from django_q.tasks import async_task; print(async_task('syncengine.tasks.heartbeat'))", env=env
    )
    assert enqueue.returncode == 0, enqueue.stderr
    task_id = enqueue.stdout.strip().splitlines()[-1]

    process = start_qcluster(env, tmp_path / "qcluster.log")
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not Success.objects.filter(id=task_id).exists():
            assert process.poll() is None, (tmp_path / "qcluster.log").read_text()
            time.sleep(0.5)
    finally:
        stop(process)
    log = (tmp_path / "qcluster.log").read_text()
    task = Success.objects.filter(id=task_id).first()
    assert task is not None, f"the task did not complete; qcluster log:\n{log}"
    assert task.result == cluster
    beat = WorkerHeartbeat.objects.get(cluster=cluster)
    assert beat.pid is not None and beat.pid != os.getpid()
