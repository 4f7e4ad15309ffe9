"""Jobs the background worker runs every so often (reminders, digests, retries).

Apps register them in their AppConfig.ready(), as they register menu entries, so core
imports none of them. Each worker process runs the jobs that are due from its heartbeat
thread; a job must therefore be safe to run twice at once (the notifications jobs are:
what they send is keyed, so nothing goes out twice). ``kenesh manage kenesh_periodic``
runs them once, for a deployment that prefers cron.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    run: Callable[[], object]
    every: int
    last_run: float = field(default=0.0)


_jobs: dict[str, Job] = {}


def register(name: str, run: Callable[[], object], *, every: int) -> None:
    if name not in _jobs:
        _jobs[name] = Job(name=name, run=run, every=every)


def jobs() -> list[Job]:
    return list(_jobs.values())


def run_due(*, now: float | None = None, everything: bool = False) -> list[str]:
    """Run each job whose interval has passed since this process last ran it; a job
    that fails is logged and does not stop the others. Returns the names run."""
    now = time.monotonic() if now is None else now
    ran = []
    for job in _jobs.values():
        if not everything and job.last_run and now - job.last_run < job.every:
            continue
        job.last_run = now
        try:
            job.run()
        except Exception:
            logger.exception("The periodic job %s failed; it runs again later.", job.name)
        ran.append(job.name)
    return ran
