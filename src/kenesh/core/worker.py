"""The background worker's health: heartbeats, abandoned tasks, and what `/healthz` says.

A worker (``kenesh manage kenesh_worker``, started by ``kenesh serve``) writes a heartbeat
every few seconds from a thread of its own, so a long task does not look like a dead
worker. A task left "running" by a worker whose heartbeat stopped was abandoned (the
process was killed, the machine restarted): it is put back in the queue, at most
``MAX_ATTEMPTS`` times in all, then marked failed so that one poisonous task cannot kill
workers forever.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kenesh.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# A worker not heard from for this long is taken for dead (KENESH_WORKER_STALE_SECONDS in
# the environment; tests and the fault benchmark shorten it). Keep it well above
# HEARTBEAT_SECONDS, or a busy worker is taken for dead and its task run twice.
STALE_SECONDS = getattr(settings, "KENESH_WORKER_STALE_SECONDS", 30)
# A task that has waited this long with no worker taking it makes the platform degraded.
MAX_WAIT_SECONDS = 300
MAX_ATTEMPTS = 3


def uses_worker() -> bool:
    """Whether background tasks need a worker process (the database queue)."""
    backend = settings.TASKS["default"]["BACKEND"]
    return backend.startswith("django_tasks_db.")


def beat(*, worker_id: str, started_at) -> None:
    """Record that the worker ``worker_id`` is alive now."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "pid": os.getpid(),
            "hostname": socket.gethostname()[:255],
            "started_at": started_at,
            "seen_at": now,
        },
    )


def forget(*, worker_id: str) -> None:
    """A worker that stops cleanly takes its heartbeat with it."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_workers():
    return WorkerHeartbeat.objects.filter(
        seen_at__gte=timezone.now() - timedelta(seconds=STALE_SECONDS)
    )


class AbandonedTask(RuntimeError):
    def __init__(self, attempts: int):
        super().__init__(
            f"The worker running this task stopped {attempts} times before it finished; "
            "it is not tried again."
        )


@transaction.atomic
def recover_abandoned_tasks() -> tuple[int, int]:
    """Requeue tasks whose worker died while running them; fail those tried too often.

    Returns (requeued, failed)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    alive = set(live_workers().values_list("worker_id", flat=True))
    requeued = failed = 0
    running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
    for task in running:
        worker = task.worker_ids[-1] if task.worker_ids else None
        if worker in alive:
            continue
        if len(task.worker_ids) >= MAX_ATTEMPTS:
            task.set_failed(AbandonedTask(len(task.worker_ids)))
            failed += 1
            logger.error(
                "Task %s (%s) was abandoned %d times; marked failed.",
                task.id,
                task.task_path,
                len(task.worker_ids),
            )
            continue
        task.status = TaskResultStatus.READY
        task.started_at = None
        task.save(update_fields=["status", "started_at"])
        requeued += 1
        logger.warning(
            "Task %s (%s) was abandoned by its worker; queued again.", task.id, task.task_path
        )
    WorkerHeartbeat.objects.filter(
        seen_at__lt=timezone.now() - timedelta(seconds=STALE_SECONDS * 20)
    ).delete()
    return requeued, failed


@transaction.atomic
def release_tasks_of(*, worker_id: str) -> int:
    """Queue again the tasks this worker had claimed and could not finish because the
    database went away under it; it lives on, so ``recover_abandoned_tasks`` would not
    take them for abandoned. Returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    released = 0
    running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
    for task in running:
        if not task.worker_ids or task.worker_ids[-1] != worker_id:
            continue
        task.status = TaskResultStatus.READY
        task.started_at = None
        task.save(update_fields=["status", "started_at"])
        released += 1
        logger.warning("Task %s (%s) was cut off by the database; queued again.", task.id,
                       task.task_path)  # fmt: skip
    return released


@dataclass(frozen=True)
class WorkerHealth:
    needed: bool
    alive: int
    last_seen_seconds: int | None
    waiting: int
    oldest_waiting_seconds: int | None
    abandoned: int

    @property
    def degraded(self) -> bool:
        if not self.needed:
            return False
        stuck = self.oldest_waiting_seconds is not None and (
            self.oldest_waiting_seconds > MAX_WAIT_SECONDS
        )
        return self.alive == 0 or stuck or self.abandoned > 0

    def as_dict(self) -> dict:
        return {
            "alive": self.alive,
            "last_seen_seconds": self.last_seen_seconds,
            "waiting": self.waiting,
            "oldest_waiting_seconds": self.oldest_waiting_seconds,
            "abandoned": self.abandoned,
        }


def worker_health() -> WorkerHealth:
    """How the background work stands, in a handful of small queries."""
    if not uses_worker():
        return WorkerHealth(False, 0, None, 0, None, 0)
    from django.db.models import Max, Min
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    alive = set(live_workers().values_list("worker_id", flat=True))
    last_seen = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    ready = DBTaskResult.objects.ready()
    # A task queued to run at once waits from when it was queued; a delayed one from
    # when it became due.
    due_now = ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    due_later = ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]
    oldest = min((at for at in (due_now, due_later) if at is not None), default=None)
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    abandoned = sum(
        1
        for worker_ids in running.values_list("worker_ids", flat=True)
        if not worker_ids or worker_ids[-1] not in alive
    )
    return WorkerHealth(
        needed=True,
        alive=len(alive),
        last_seen_seconds=None if last_seen is None else int((now - last_seen).total_seconds()),
        waiting=ready.count(),
        oldest_waiting_seconds=None if oldest is None else int((now - oldest).total_seconds()),
        abandoned=abandoned,
    )
