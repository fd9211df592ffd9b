"""The job queue: jobs survive the process that queued them, a worker runs them, and a worker that
died has its job put back — while a job whose worker is alive (another server's) is never touched."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from phoihop.jobs.models import WorkerBeat
from phoihop.jobs.worker import DEAD_AFTER, MAX_ATTEMPTS, beat, recover_orphans, run_worker
from phoihop.records.models import Program
from phoihop.reports.tasks import render_report_document
from phoihop.workbook.models import ImportJob
from phoihop.workbook.tasks import import_job

pytestmark = pytest.mark.django_db


def _running(job_id: str, worker: str, *, started_ago: timedelta, attempts: int = 1) -> None:
    DBTaskResult.objects.filter(pk=job_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=[f"old-{i}" for i in range(attempts - 1)] + [worker],
    )


def test_a_dead_workers_job_goes_back_to_the_queue_and_a_live_one_is_left_alone(world):
    owner = world.users["editor_bac"]
    cut_off = ImportJob.objects.create(owner=owner, file_name="a.xlsx", status="running")
    elsewhere = ImportJob.objects.create(owner=owner, file_name="b.xlsx", status="running")
    dead = import_job.enqueue(cut_off.pk)
    alive = import_job.enqueue(elsewhere.pk)
    long_ago = DEAD_AFTER * 3
    _running(dead.id, "server-a-111", started_ago=long_ago)
    _running(alive.id, "server-b-222", started_ago=long_ago)
    beat("server-b-222", started=timezone.now() - long_ago)  # server B's worker is still beating
    WorkerBeat.objects.create(  # server A's last beat is old: it was restarted or crashed
        worker_id="server-a-111",
        host="a",
        pid=111,
        started_at=timezone.now() - long_ago,
        seen_at=timezone.now() - long_ago,
    )

    assert recover_orphans() == 1
    assert DBTaskResult.objects.get(pk=dead.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=alive.id).status == TaskResultStatus.RUNNING


def test_a_job_whose_workers_kept_dying_is_failed_not_retried_for_ever(world):
    job = ImportJob.objects.create(owner=world.users["editor_bac"], file_name="a.xlsx", status="running")
    result = import_job.enqueue(job.pk)
    _running(result.id, "gone", started_ago=DEAD_AFTER * 3, attempts=MAX_ATTEMPTS)
    assert recover_orphans() == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED


def test_a_job_just_started_is_not_taken_for_an_orphan(world):
    job = ImportJob.objects.create(owner=world.users["editor_bac"], file_name="a.xlsx", status="running")
    result = import_job.enqueue(job.pk)
    _running(result.id, "new-worker", started_ago=timedelta(seconds=1))
    assert recover_orphans() == 0


@pytest.mark.django_db(transaction=True)  # the worker manages its own transactions, as in production
def test_a_report_document_is_made_by_the_worker(settings, tmp_path):
    from datetime import date

    from phoihop.testing.world import build_world

    world = build_world()
    settings.MEDIA_ROOT = tmp_path
    Program.objects.create(
        code="CT-1",
        name="Chương trình 1",
        starts_on=date(2020, 1, 1),
        ends_on=date(2020, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )
    queued = render_report_document.enqueue(program_code="CT-1", fmt="xlsx")
    assert DBTaskResult.objects.get(pk=queued.id).status == TaskResultStatus.READY
    run_worker(batch=True, interval=0)
    done = DBTaskResult.objects.get(pk=queued.id)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    made = Path(done.return_value["path"])
    assert made.read_bytes()[:2] == b"PK" and done.return_value["name"].endswith(".xlsx")
    assert not WorkerBeat.objects.exists()  # a stopped worker leaves no heartbeat behind


@pytest.mark.django_db(transaction=True)  # the worker closes connections between jobs, as in production
def test_the_daily_reminders_run_as_a_job_and_reach_the_unit_that_is_late(world, settings):
    from phoihop.periods.models import Notification
    from phoihop.periods.tasks import send_reminders
    from phoihop.periods.tests.helpers import make_program

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_program(world)  # 2023–2025, yearly: every period is overdue today
    queued = send_reminders.enqueue()
    run_worker(batch=True, interval=0)
    done = DBTaskResult.objects.get(pk=queued.id)
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    late = Notification.objects.filter(user=world.users["editor_bac"])
    assert late.exists() and any("quá hạn" in n.text for n in late)
    assert done.return_value == Notification.objects.count()
