"""`phoihop worker`: runs queued jobs (imports, report documents, reminders) one at a time.

Built on django-tasks-db's worker (claiming with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, an
exclusive transaction on SQLite, so two workers never take the same job), plus:
- a heartbeat thread writing `WorkerBeat` every BEAT_SECONDS;
- recovery: a job marked running whose worker has not beaten for DEAD_AFTER seconds is put back in the
  queue (at most MAX_ATTEMPTS runs, then failed). Jobs are written to be re-run safely: an import's
  transaction rolled back with its process, so nothing of it was written.
- the cycle collector is frozen once start-up is done (objects alive then are never scanned again):
  the worker is a batch process; web processes never pause it (see workbook.reader.paused_gc).
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.db import connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult

from . import hooks
from .models import WorkerBeat

log = logging.getLogger(__name__)


BEAT_SECONDS = 5
DEAD_AFTER = timedelta(seconds=45)
MAX_ATTEMPTS = 3
LOST = "phoihop.jobs.worker.WorkerLost"


class WorkerLost(RuntimeError):
    """The job's worker stopped beating MAX_ATTEMPTS times in a row while running it."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def beat(worker_id: str, *, started) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started,
            "seen_at": now,
        },
    )


def recover_orphans(now=None) -> int:
    """Put back in the queue the jobs whose worker died. Returns how many were touched."""
    now = now or timezone.now()
    alive = set(WorkerBeat.objects.filter(seen_at__gte=now - DEAD_AFTER).values_list("worker_id", flat=True))
    touched = 0
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        owner = job.worker_ids[-1] if job.worker_ids else None
        if owner in alive or (job.started_at and job.started_at > now - DEAD_AFTER):
            continue  # its worker is alive (or only just started it and has not beaten yet)
        running = DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, worker_ids=job.worker_ids
        )
        if len(job.worker_ids) >= MAX_ATTEMPTS:
            touched += running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=LOST,
                traceback=f"{WorkerLost.__doc__} Workers: {', '.join(job.worker_ids)}",
            )
        else:
            touched += running.update(status=TaskResultStatus.READY, started_at=None)
            log.warning("job %s of dead worker %s put back in the queue", job.pk, owner)
    WorkerBeat.objects.filter(seen_at__lt=now - DEAD_AFTER * 20).delete()
    return touched


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        rounds = 0
        try:
            while not self.stopping.is_set():
                try:
                    beat(self.worker_id, started=self.started)
                    if rounds % 6 == 0:
                        recover_orphans()
                except Exception:  # a database hiccup must not stop the beat for good
                    log.exception("worker heartbeat failed")
                for work in hooks.AFTER_BEAT:
                    try:
                        work()
                    except Exception:
                        log.exception("work after the heartbeat failed: %s", getattr(work, "__name__", work))
                rounds += 1
                self.stopping.wait(BEAT_SECONDS)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=BEAT_SECONDS * 2)


def run_worker(
    *,
    batch: bool = False,
    interval: float = 1.0,
    max_tasks: int | None = None,
    worker_id: str | None = None,
    signals: bool = False,
    freeze_gc: bool = False,
) -> str:
    """Run jobs until stopped (or, with batch, until the queue is empty). Returns the worker id."""
    worker_id = worker_id or new_worker_id()
    worker = DbWorker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    beat(worker_id, started=timezone.now())
    recover_orphans()
    heartbeat = Heartbeat(worker_id)
    heartbeat.start()
    if signals:
        worker.configure_signals()
    if freeze_gc:
        gc.collect()
        gc.freeze()
    try:
        worker.run()
    finally:
        heartbeat.stop()
        WorkerBeat.objects.filter(worker_id=worker_id).delete()
    return worker_id
