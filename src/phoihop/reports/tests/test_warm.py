"""A worker's heartbeat rebuilds the whole reports of the programs running today once per data version, so
a leader's overview reads its report from the cache even just after a change (reports.warm)."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from phoihop.jobs import hooks
from phoihop.records.models import Program, WelfareContribution
from phoihop.reports import cache as report_cache
from phoihop.reports.dashboard import build_dashboard
from phoihop.testing.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)  # the report cache is bypassed inside a transaction


def beat() -> None:
    """What the worker's heartbeat does after each beat."""
    for work in hooks.AFTER_BEAT:
        work()


def test_without_a_shared_cache_nothing_is_built(settings, monkeypatch):
    settings.WARM_REPORTS = False  # no Redis: the worker's cache would serve nobody else
    build_world()
    monkeypatch.setattr(report_cache, "build_report", lambda **kw: pytest.fail("built"))
    beat()


def test_each_change_is_followed_by_one_rebuild_of_the_running_programs_reports(monkeypatch, settings):
    settings.WARM_REPORTS = True  # a shared cache (Redis), as every several-server layout has
    world = build_world()
    today = timezone.localdate()
    running = world.program_running_today()
    Program.objects.create(  # ended: nobody's overview opens on it
        code="CT-A-CU",
        name="Chương trình phối hợp An Phú giai đoạn trước",
        starts_on=date(2015, 1, 1),
        ends_on=date(2019, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )
    cache.clear()
    built = []
    real = report_cache.build_report
    monkeypatch.setattr(
        report_cache, "build_report", lambda **kw: built.append(kw["program_code"]) or real(**kw)
    )

    beat()
    assert built == ["CT-A"]
    beat()
    assert built == ["CT-A"]  # nothing changed: nothing built
    board = build_dashboard(user=world.users["manager_a"], program=running)  # a leader's overview
    assert built == ["CT-A"] and board.report["program"] == "CT-A"  # read from the cache

    WelfareContribution.objects.create(
        code="W-1", unit=world.unit("CDCS-BAC-1"), date=today, amount_vnd=1_000_000
    )  # a change (the data version moves)
    beat()
    assert built == ["CT-A", "CT-A"]
    build_dashboard(user=world.users["manager_a"], program=running)
    assert built == ["CT-A", "CT-A"]

    running.ends_on = today - timedelta(days=1)  # none runs now: the overview opens on the one ended last
    running.save()
    beat()
    assert built == ["CT-A", "CT-A", "CT-A"]
