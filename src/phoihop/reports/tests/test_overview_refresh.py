"""Where a worker keeps the shared cache, an overview viewed just after a change shows the figures of the
report built before it at once, says so, and a queued job builds the current ones (reports.cache
.overview_report); without a shared cache, or with nothing built before, the overview is always current."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from phoihop.jobs.worker import run_worker
from phoihop.records.models import WelfareContribution
from phoihop.reports import cache as report_cache
from phoihop.reports.dashboard import build_dashboard
from phoihop.reports.warm import forget_done_refreshes
from phoihop.testing.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)  # the report cache is bypassed inside a transaction

NOTICE = "trước thay đổi mới nhất"


@pytest.fixture
def running():
    world = build_world()
    program = world.program_running_today()
    cache.clear()
    return world, program


def contributions(board) -> int:
    return next(c.value for c in board.cards if c.code == "welfare.contributions_vnd")


def give(world, code: str, amount: int) -> None:
    WelfareContribution.objects.create(
        code=code, unit=world.unit("CDCS-BAC-1"), date=timezone.localdate(), amount_vnd=amount
    )


def queued() -> int:
    return DBTaskResult.objects.filter(task_path="phoihop.reports.cache.refresh_report").count()


def test_after_a_change_the_earlier_figures_are_shown_at_once_and_a_worker_brings_the_current(
    running, settings, client
):
    settings.WARM_REPORTS = True  # a shared cache (Redis) and workers, the several-server layout
    world, program = running
    leader = world.users["manager_a"]
    before = contributions(build_dashboard(user=leader, program=program))

    give(world, "W-1", 2_000_000)
    board = build_dashboard(user=leader, program=program)
    assert not board.current and contributions(board) == before  # the earlier report, said to be so
    assert queued() == 1
    client.force_login(leader)
    page = client.get("/chi-tieu/tong-quan/", {"chuong_trinh": "CT-A"}).content.decode()
    assert NOTICE in page and 'role="status"' in page
    assert queued() == 1  # one refresh per change, however many views wait for it

    run_worker(batch=True, interval=0)  # what `phoihop worker` does, until the queue is empty
    board = build_dashboard(user=leader, program=program)
    assert board.current and contributions(board) == before + 2_000_000
    assert NOTICE not in client.get("/chi-tieu/tong-quan/", {"chuong_trinh": "CT-A"}).content.decode()


def test_without_a_shared_cache_the_overview_is_always_current(running, settings):
    settings.WARM_REPORTS = False  # each process its own cache: a worker's build would serve nobody
    world, program = running
    leader = world.users["manager_a"]
    before = contributions(build_dashboard(user=leader, program=program))
    give(world, "W-1", 3_000_000)
    board = build_dashboard(user=leader, program=program)
    assert board.current and contributions(board) == before + 3_000_000
    assert queued() == 0


def test_nothing_built_before_is_built_at_once(running, settings):
    settings.WARM_REPORTS = True
    world, program = running
    give(world, "W-1", 1_000_000)
    board = build_dashboard(user=world.users["manager_a"], program=program)
    assert board.current and contributions(board) >= 1_000_000
    assert queued() == 0


def test_a_refresh_no_worker_took_is_built_by_the_next_view(running, settings, monkeypatch):
    settings.WARM_REPORTS = True
    world, program = running
    leader = world.users["manager_a"]
    before = contributions(build_dashboard(user=leader, program=program))
    give(world, "W-1", 4_000_000)
    assert not build_dashboard(user=leader, program=program).current
    monkeypatch.setattr(report_cache, "REFRESH_GRACE", -1)  # the grace is over; no worker came
    board = build_dashboard(user=leader, program=program)
    assert board.current and contributions(board) == before + 4_000_000


def test_a_worker_forgets_refreshes_done_over_an_hour_ago(running, settings):
    settings.WARM_REPORTS = True
    world, program = running
    leader = world.users["manager_a"]
    build_dashboard(user=leader, program=program)
    give(world, "W-1", 1_000_000)
    build_dashboard(user=leader, program=program)
    run_worker(batch=True, interval=0)
    give(world, "W-2", 1_000_000)
    build_dashboard(user=leader, program=program)  # a second refresh, not yet run
    assert queued() == 2
    assert forget_done_refreshes() == 0  # the done one ended just now
    DBTaskResult.objects.filter(status="SUCCESSFUL").update(finished_at=timezone.now() - timedelta(hours=2))
    assert forget_done_refreshes() == 1
    assert queued() == 1  # the one waiting for a worker stays
