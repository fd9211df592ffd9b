"""The dated closure kept up to date by each change: only the moved subtree is rewritten, the result is
the same as a whole rebuild, edits that move nothing leave it alone, and two transfers committed at
the same moment on PostgreSQL end with the right closure (the tree lock serialises them)."""

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection, connections

from phoihop.orgs import services
from phoihop.orgs.closure import compute_closure, parent_intervals
from phoihop.orgs.models import Transfer, Unit, UnitClosure


def table_rows() -> Counter:
    return Counter(
        UnitClosure.objects.values_list("ancestor_id", "descendant_id", "depth", "valid_from", "valid_to")
    )


def rebuilt_rows() -> Counter:
    units = list(Unit.objects.values_list("id", "parent_id", "founded_on"))
    transfers = list(Transfer.objects.values_list("unit_id", "effective_on", "new_parent_id"))
    return Counter(compute_closure([u for u, _, _ in units], parent_intervals(units, transfers)))


def test_transfers_mergers_and_new_units_keep_the_closure_equal_to_a_rebuild(world):
    u = world.unit
    services.transfer_unit(actor=None, unit=u("CDCS-BAC-1"), new_parent=u("LDLD-A-NAM"), on=date(2019, 7, 1))
    services.create_unit(
        actor=None,
        parent=u("LDLD-A-BAC"),
        code="CDCS-BAC-2",
        name="CĐCS 2",
        kind="cdcs",
        founded_on=date(2020, 1, 1),
    )
    services.transfer_unit(actor=None, unit=u("CDCS-X-1"), new_parent=u("LDLD-A-BAC"), on=date(2021, 1, 1))
    services.merge_unit(actor=None, unit=u("LDLD-A-BAC"), target=u("LDLD-A-NAM"), on=date(2022, 6, 30))
    services.transfer_unit(actor=None, unit=u("CDCS-BAC-1"), new_parent=u("LDLD-A"), on=date(2023, 1, 1))
    assert table_rows() == rebuilt_rows()
    # Spot check from the user's side: in 2022 the unit taken in from Xa Xôi stands under Nam Sơn.
    nam_2023 = set(
        UnitClosure.objects.filter(
            ancestor=u("LDLD-A-NAM"), valid_from__lte=date(2023, 1, 1), valid_to__gt=date(2023, 1, 1)
        ).values_list("descendant__code", flat=True)
    )
    assert nam_2023 == {"LDLD-A-NAM", "CDCS-NAM-1", "CDCS-X-1", "CDCS-BAC-2"}


def test_only_the_moved_subtree_is_rewritten(world):
    u = world.unit
    untouched = set(
        UnitClosure.objects.exclude(descendant__code__in=["LDLD-A-BAC", "CDCS-BAC-1"]).values_list(
            "pk", flat=True
        )
    )
    services.transfer_unit(actor=None, unit=u("LDLD-A-BAC"), new_parent=u("LDLD-X"), on=date(2020, 1, 1))
    assert untouched <= set(UnitClosure.objects.values_list("pk", flat=True))
    assert table_rows() == rebuilt_rows()


def test_renaming_or_dissolving_a_unit_leaves_the_closure_alone(world):
    u = world.unit
    before = set(
        UnitClosure.objects.values_list("pk", "ancestor_id", "descendant_id", "valid_from", "valid_to")
    )
    services.update_unit(actor=None, unit=u("CDCS-NAM-1"), name="Tên mới", founded_on=date(2010, 1, 1))
    services.dissolve_unit(actor=None, unit=u("CDCS-NAM-1"), on=date(2024, 1, 1))
    assert (
        set(UnitClosure.objects.values_list("pk", "ancestor_id", "descendant_id", "valid_from", "valid_to"))
        == before
    )


def test_a_transfer_under_its_own_descendant_is_refused_and_writes_nothing(world):
    from django.core.exceptions import ValidationError

    before = table_rows()
    with pytest.raises(ValidationError, match="vòng lặp"):
        services.transfer_unit(
            actor=None,
            unit=world.unit("LDLD-A-BAC"),
            new_parent=world.unit("CDCS-BAC-1"),
            on=date(2020, 1, 1),
        )
    assert table_rows() == before


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transfers_on_postgresql_end_with_the_right_closure():
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite serialises writers by its own write lock")
    from phoihop.testing.world import build_world

    world = build_world()
    u = world.unit
    # Both moves touch CDCS-BAC-1's rows: one moves it, the other moves the district above it.
    jobs = [
        (u("CDCS-BAC-1"), u("LDLD-A-NAM"), date(2019, 1, 1)),
        (u("LDLD-A-BAC"), u("LDLD-X"), date(2021, 1, 1)),
    ]
    start = threading.Barrier(len(jobs))
    errors = []

    def run(unit, parent, on):
        try:
            start.wait()
            services.transfer_unit(actor=None, unit=unit, new_parent=parent, on=on)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Transfer.objects.count() == 2
    rows = table_rows()
    assert max(rows.values()) == 1  # no row written twice
    assert rows == rebuilt_rows()
