"""What several servers share besides the data: worker heartbeats (which worker processes are alive,
on which machine) and the data version cached reports are keyed by.

Jobs themselves are django-tasks-db's `DBTaskResult` rows (status, arguments, result, the ids of the
workers that ran them). A worker writes its row here every few seconds; a job still marked running whose
worker stopped beating was cut off (a crash, a restart, a killed machine) and goes back to the queue
(`phoihop.jobs.worker.recover_orphans`). A worker never touches a job whose worker is alive, so one
server restarting never kills or loses another server's job.
"""

from django.db import models


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class DataVersion(models.Model):
    """One row: a number every committed change to the records bumps (phoihop.jobs.dataversion). Cached
    reports are keyed by it, so a write on any server retires every cached report at once; it lives in
    the database so that every process and server — with or without Redis — reads the same number."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)
