"""``kenesh manage kenesh_worker``: django-tasks-db's worker, with a heartbeat.

Beside the tasks, a thread of its own writes the worker's heartbeat every few seconds,
requeues tasks abandoned by dead workers, and ends the worker when the process that
started it (``kenesh serve``) is gone, so no worker is left orphaned. Another thread runs
the periodic jobs apps register (``core.periodic``: reminders, digests, mail retries).
When the database goes away (a restart, a failover), the worker waits for it and goes
on, with the task it was running queued again, rather than exiting.
"""

import contextlib
import logging
import os
import threading
import time

from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kenesh.core import periodic, worker
from kenesh.supervisor import die_with_parent

logger = logging.getLogger("kenesh.worker")
# Seconds between attempts to reach a database that went away.
RECONNECT_SECONDS = 2
# Seconds between looks at which periodic jobs are due (each has its own interval).
PERIODIC_SECONDS = 15


class Command(DbWorkerCommand):
    help = "Run background tasks from the database queue, with a heartbeat."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--parent-pid",
            type=int,
            default=None,
            help="Stop when this process (the server that started the worker) is gone.",
        )

    def configure_logging(self, verbosity: int) -> None:
        """A line per task only when asked (``-v 2``): every mail is a task, and a
        demo's start would otherwise fill the console. Failures are still shown."""
        super().configure_logging(verbosity)
        if verbosity == 1:
            for name in (TASKS_LOGGER, "django_tasks_db"):
                logging.getLogger(name).setLevel(logging.WARNING)

    def handle(self, *args, worker_id: str, parent_pid: int | None = None, **options):
        if parent_pid is not None:
            die_with_parent(parent_pid)
        started_at = timezone.now()
        stop = threading.Event()
        worker.beat(worker_id=worker_id, started_at=started_at)
        worker.recover_abandoned_tasks()
        thread = threading.Thread(
            target=self._keep_beating,
            kwargs={
                "worker_id": worker_id,
                "started_at": started_at,
                "parent_pid": parent_pid,
                "stop": stop,
            },
            name="kenesh-heartbeat",
            daemon=True,
        )
        thread.start()
        periodic_thread = threading.Thread(
            target=self._run_periodic_jobs, kwargs={"stop": stop}, name="kenesh-periodic",
            daemon=True,
        )  # fmt: skip
        periodic_thread.start()
        try:
            while True:
                try:
                    super().handle(*args, worker_id=worker_id, **options)
                    break
                except DatabaseError as error:
                    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    logger.warning(
                        "The database cannot be reached (%s); the worker waits for it.",
                        first_line[:200],
                    )
                    self._wait_for_database(worker_id)
        finally:
            stop.set()
            thread.join(timeout=worker.HEARTBEAT_SECONDS + 1)
            # With the database gone, the heartbeat goes stale and is swept later.
            with contextlib.suppress(DatabaseError):
                worker.forget(worker_id=worker_id)

    def _wait_for_database(self, worker_id):
        """Return once the database answers, with this worker's cut-off task queued
        again."""
        while True:
            connections.close_all()
            time.sleep(RECONNECT_SECONDS)
            try:
                worker.release_tasks_of(worker_id=worker_id)
            except DatabaseError:
                continue
            logger.warning("The database answers again; the worker goes on.")
            return

    def _run_periodic_jobs(self, *, stop):
        """Reminders, digests and mail retries, from a thread of their own so that a
        long round of digests never delays the heartbeat."""
        while not stop.wait(PERIODIC_SECONDS):
            close_old_connections()
            try:
                periodic.run_due()
            except Exception:  # a busy or absent database: try again next round
                logger.exception("Periodic jobs could not run; trying again later.")
            finally:
                connection.close()

    def _keep_beating(self, *, worker_id, started_at, parent_pid, stop):
        while not stop.wait(worker.HEARTBEAT_SECONDS):
            if parent_pid is not None and os.getppid() != parent_pid:
                # The server is gone: end the whole worker, not just this thread.
                os._exit(0)
            close_old_connections()
            try:
                worker.beat(worker_id=worker_id, started_at=started_at)
                # Every beat: a dead worker's task is queued again as soon as its
                # heartbeat is stale, not up to a sweep interval later.
                worker.recover_abandoned_tasks()
            except Exception:  # a busy database must not kill the heartbeat
                time.sleep(1)
            finally:
                connection.close()
