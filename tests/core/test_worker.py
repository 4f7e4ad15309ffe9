"""The background worker: abandoned tasks are retried, and /healthz tells how work stands."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from kenesh.core import worker
from kenesh.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(*, status=TaskResultStatus.READY, worker_ids=(), waited=timedelta(0)):
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="kenesh.deliberation.tasks.analyse_conversation",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=list(worker_ids),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def heartbeat(worker_id, *, seconds_ago=0):
    now = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, pid=1, hostname="test", started_at=now, seen_at=now
    )


def test_a_task_left_running_by_a_dead_worker_is_queued_again():
    heartbeat("dead", seconds_ago=worker.STALE_SECONDS + 5)
    heartbeat("alive")
    abandoned = queued(status=TaskResultStatus.RUNNING, worker_ids=["dead"])
    busy = queued(status=TaskResultStatus.RUNNING, worker_ids=["alive"])
    assert worker.recover_abandoned_tasks() == (1, 0)
    abandoned.refresh_from_db()
    busy.refresh_from_db()
    assert abandoned.status == TaskResultStatus.READY and abandoned.started_at is None
    assert busy.status == TaskResultStatus.RUNNING


def test_a_task_that_keeps_killing_workers_is_given_up():
    task = queued(status=TaskResultStatus.RUNNING, worker_ids=["a", "b", "c"])
    assert worker.recover_abandoned_tasks() == (0, 1)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert "stopped 3 times" in task.traceback


def test_healthz_needs_no_worker_when_tasks_run_in_the_request(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and "worker" not in body


def test_healthz_is_degraded_without_a_live_worker(client, database_queue):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["worker"]["alive"] == 0


def test_healthz_is_ok_with_a_live_worker_and_a_fresh_queue(client, database_queue):
    heartbeat("w1", seconds_ago=2)
    queued(waited=timedelta(seconds=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()["worker"]
    assert body["alive"] == 1 and body["waiting"] == 1
    assert 9 <= body["oldest_waiting_seconds"] <= 12


def test_healthz_reports_a_task_waiting_too_long(client, database_queue):
    heartbeat("w1")
    queued(waited=timedelta(seconds=worker.MAX_WAIT_SECONDS + 60))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["oldest_waiting_seconds"] > worker.MAX_WAIT_SECONDS


def test_healthz_reports_an_abandoned_task(client, database_queue):
    heartbeat("w1")
    queued(status=TaskResultStatus.RUNNING, worker_ids=["gone"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["abandoned"] == 1


def test_a_task_cut_off_by_the_database_is_queued_again_by_its_own_worker():
    heartbeat("mine")
    heartbeat("other")
    mine = queued(status=TaskResultStatus.RUNNING, worker_ids=["earlier", "mine"])
    others = queued(status=TaskResultStatus.RUNNING, worker_ids=["other"])
    assert worker.release_tasks_of(worker_id="mine") == 1
    mine.refresh_from_db()
    others.refresh_from_db()
    assert mine.status == TaskResultStatus.READY and mine.started_at is None
    assert others.status == TaskResultStatus.RUNNING


def test_the_worker_waits_out_a_database_outage_instead_of_exiting(monkeypatch):
    """The task library's loop raises when the database goes away; the worker waits for
    it, queues its cut-off task again and goes on, rather than leaving the queue with no
    worker until someone restarts it."""
    from django.db import OperationalError
    from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

    from kenesh.core.management.commands import kenesh_worker

    cut_off = queued(status=TaskResultStatus.RUNNING, worker_ids=["w1"])
    runs = []

    def task_loop(self, *args, **options):
        runs.append(options["worker_id"])
        if len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(DbWorkerCommand, "handle", task_loop)
    monkeypatch.setattr(kenesh_worker, "RECONNECT_SECONDS", 0)
    monkeypatch.setattr(kenesh_worker.Command, "_keep_beating", lambda self, **kwargs: None)
    # The test's transaction holds its rows: keep its connection open.
    monkeypatch.setattr(kenesh_worker.connections, "close_all", lambda: None)
    kenesh_worker.Command().handle(worker_id="w1")
    assert runs == ["w1", "w1"]
    cut_off.refresh_from_db()
    assert cut_off.status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.filter(worker_id="w1").exists()
