"""Who reports in a period of a two-level program: the roots' children on the period's last day and
their children, each under the parent it stood under that day, existing that day, by code — as the
board lists them (a superuser's board lists both trees)."""

from datetime import date

import pytest

from phoihop.accounts.models import User
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Transfer, Unit
from phoihop.periods.selectors import board, period_of

from .helpers import make_program


@pytest.fixture
def two_levels(world):
    program = make_program(world, levels=2)
    # Nam Sơn's grassroots union moves to Bắc Hà from 2024-07-01
    Transfer.objects.create(
        unit=world.unit("CDCS-NAM-1"), new_parent=world.unit("LDLD-A-BAC"), effective_on=date(2024, 7, 1)
    )
    # a grassroots union of Bắc Hà founded in 2025, one of Nam Sơn dissolved in mid-2024
    for code, founded, dissolved in (
        ("CDCS-BAC-0", date(2025, 3, 1), None),
        ("CDCS-NAM-2", date(2010, 1, 1), date(2024, 6, 30)),
    ):
        Unit.objects.create(
            code=code,
            name=f"Công đoàn cơ sở {code}",
            kind="cdcs",
            parent=world.unit("LDLD-A-BAC" if "BAC" in code else "LDLD-A-NAM"),
            founded_on=founded,
            dissolved_on=dissolved,
        )
    rebuild_closure()
    User.objects.create(username="root", role="admin", is_superuser=True, is_staff=True)
    return world, program


def rows(world, program, code):
    out = board(user=User.objects.get(username="root"), program=program, period=period_of(program, code))
    return [(r.reporter.unit.code, r.reporter.reports_to.code, r.reporter.level) for r in out]


@pytest.mark.django_db
def test_each_level_lists_the_children_standing_under_their_parent_on_the_periods_last_day(two_levels):
    world, program = two_levels
    top = [
        ("CDN-A-GD", "LDLD-A", 1),
        ("LDLD-A-BAC", "LDLD-A", 1),
        ("LDLD-A-NAM", "LDLD-A", 1),
        ("CB-DN-BAC", "DUK-A", 1),
    ]
    assert rows(world, program, "2023") == top + [
        ("CDCS-BAC-1", "LDLD-A-BAC", 2),
        ("CDCS-NAM-1", "LDLD-A-NAM", 2),
        ("CDCS-NAM-2", "LDLD-A-NAM", 2),
    ]
    # 31/12/2024: CDCS-NAM-1 stands under Bắc Hà, CDCS-NAM-2 no longer exists
    assert rows(world, program, "2024") == top + [
        ("CDCS-BAC-1", "LDLD-A-BAC", 2),
        ("CDCS-NAM-1", "LDLD-A-BAC", 2),
    ]
    assert rows(world, program, "2025") == top + [
        ("CDCS-BAC-0", "LDLD-A-BAC", 2),
        ("CDCS-BAC-1", "LDLD-A-BAC", 2),
        ("CDCS-NAM-1", "LDLD-A-BAC", 2),
    ]
    out = board(user=User.objects.get(username="root"), program=program, period=period_of(program, "2025"))
    children = {r.reporter.unit.code: r.reporter.children for r in out}
    pks = dict(Unit.objects.values_list("code", "pk"))
    assert children["LDLD-A-BAC"] == [pks["CDCS-BAC-0"], pks["CDCS-BAC-1"], pks["CDCS-NAM-1"]]
    assert children["LDLD-A-NAM"] == []


@pytest.mark.django_db
def test_a_district_user_sees_only_the_reporters_of_their_district(two_levels):
    world, program = two_levels
    out = board(user=world.users["viewer_nam"], program=program, period=period_of(program, "2023"))
    assert [r.reporter.unit.code for r in out] == ["LDLD-A-NAM", "CDCS-NAM-1", "CDCS-NAM-2"]
