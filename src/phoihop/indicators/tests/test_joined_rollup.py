"""PostgreSQL's maintained rollups — the members who joined (records migration 0006, read by
`union.members_admitted`), the referrals and the trainees (migration 0007, read by
`union.outstanding_referred` and the three trainee indicators), the admitted people's columns (migration
0008, read by the admission indicators), and their targets — stay equal to a fresh
count after every kind of write: the record services, a timeline row, a transfer, an enterprise's
ownership, a class's organiser and first day, deletions, the workbook import (COPY and row by row); and
the figures read through them equal the figures read from the records, on the demo for several scopes
and periods (whole years, cut years, a child moved in the middle of a year)."""

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.db.models import Q

from phoihop.indicators.context import Context, at_date, ownership_on, union_on
from phoihop.indicators.definitions import placed_in_python, without_rollups
from phoihop.indicators.registry import REGISTRY
from phoihop.orgs import services as org_services
from phoihop.orgs.models import Enterprise, Unit, UnitClosure
from phoihop.records import rollups, services
from phoihop.records.models import (
    Admission,
    Enrolment,
    Person,
    Program,
    Referral,
    TimelineEntry,
    TrainingClass,
)
from phoihop.reports.assemble import compute_targets
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import base, write_csv


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    if connection.vendor != "postgresql":
        pytest.skip("the rollup and its triggers are PostgreSQL's (SQLite reads the people)")


def stored() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, year, gender, ethnicity, ownership, n FROM records_joined_rollup WHERE n <> 0"
        )
        return {tuple(row[:5]): row[5] for row in cursor.fetchall()}


def stored_records() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, unit_id, own, year, gender, ethnicity, ownership, n FROM records_record_rollup"
            " WHERE n <> 0"
        )
        return {tuple(row[:7]): row[7] for row in cursor.fetchall()}


def _closure(min_depth: int) -> dict[int, list]:
    above: dict[int, list] = {}
    for ancestor, descendant, depth, start, end in UnitClosure.objects.filter(
        depth__gte=min_depth
    ).values_list("ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"):
        above.setdefault(descendant, []).append((ancestor, depth, start, end))
    return above


def fresh_records() -> dict:
    """The referrals and trainees counted from scratch in Python: each record's unit and day, its
    person's gender, ethnicity and workplace ownership on that day, under every unit holding it then."""
    above = _closure(0)
    counts: Counter = Counter()
    for kind, qs, unit, day in [
        ("referral", Referral.objects.unscoped(), "referring_unit_id", "referred_on"),
        (
            "enrolment",
            Enrolment.objects.unscoped(),
            "training_class__organiser_id",
            "training_class__starts_on",
        ),
    ]:
        rows = (
            at_date(qs, "person__", day)
            .annotate(o=ownership_on("person__", day))
            .values_list(unit, day, "person__gender", "person__ethnicity", "o")
        )
        for unit_id, on, gender, ethnicity, ownership in rows:
            for ancestor, depth, start, end in above.get(unit_id, ()):
                if start <= on < end:
                    key = (
                        kind,
                        ancestor,
                        depth == 0,
                        on.year,
                        gender,
                        ethnicity,
                        "-" if ownership is None else ownership,
                    )
                    counts[key] += 1
    return dict(counts)


def fresh() -> dict:
    """The rollup counted from scratch in Python: each person's union and workplace on the day they
    joined (the indicators' own timeline expressions), placed under every ancestor of depth >= 1 that
    held that union on that day."""
    people = (
        at_date(Person.objects.unscoped().filter(union_joined_on__isnull=False), "", "union_joined_on")
        .annotate(u=union_on("", "union_joined_on"), o=ownership_on("", "union_joined_on"))
        .values_list("u", "union_joined_on", "gender", "ethnicity", "o")
    )
    above = _closure(1)
    counts: Counter = Counter()
    for union, day, gender, ethnicity, ownership in people:
        for ancestor, _depth, start, end in above.get(union, ()):
            if start <= day < end:
                counts[(ancestor, day.year, gender, ethnicity, ownership or "")] += 1
    return dict(counts)


def stored_admitted() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id, gender, ethnicity, enterprise_id, is_business_owner FROM records_admitted_person"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def fresh_admitted() -> dict:
    """The admitted people's columns (records migration 0008) read from the people themselves."""
    people = Person.objects.unscoped().filter(admission__isnull=False)
    return {
        row[0]: row[1:]
        for row in people.values_list("pk", "gender", "ethnicity", "enterprise_id", "is_business_owner")
    }


def assert_equal_to_fresh():
    now, expected = stored(), fresh()
    assert now == expected
    records, expected_records = stored_records(), fresh_records()
    assert records == expected_records
    assert stored_admitted() == fresh_admitted()
    return len(now) + len(records)


def test_service_writes_timeline_rows_transfers_ownership_and_deletions_keep_it_equal(world):
    admin = world.users["admin_a"]
    u = world.unit
    assert assert_equal_to_fresh() > 0
    person = services.create_record(
        actor=admin,
        instance=Person(
            code="R-1",
            full_name="Phạm Thị Ba",
            gender="nu",
            ethnicity="Kinh",
            grassroots_union=u("CDCS-BAC-1"),
            enterprise=world.enterprises["DN-BAC"],
            union_joined_on=date(2019, 5, 1),
        ),
    )
    assert_equal_to_fresh()
    referral = services.create_record(
        actor=admin,
        instance=Referral(person=person, referred_on=date(2021, 6, 1), referring_unit=u("CDCS-BAC-1")),
    )
    course = TrainingClass.objects.create(
        code="L-1", name="Lớp 1", organiser=u("DUK-A"), starts_on=date(2021, 9, 1)
    )
    Enrolment.objects.create(training_class=course, person=person)
    Enrolment.objects.create(training_class=course, person=world.people["P-NAM-1"])
    Admission.objects.create(person=person, admitted_on=date(2022, 5, 1), party_unit=u("CB-DN-BAC"))
    Admission.objects.create(
        person=world.people["P-NAM-1"], admitted_on=date(2021, 5, 1), party_unit=u("CB-DN-BAC")
    )
    assert len(stored_admitted()) == 2
    assert_equal_to_fresh()
    person.union_joined_on, person.ethnicity = date(2020, 2, 1), "Tày"
    services.update_record(actor=admin, instance=person)
    assert_equal_to_fresh()
    # A timeline row: from 2021 in Nam Sơn's union; the base row the service adds keeps 2020 in Bắc Hà.
    services.create_record(
        actor=admin,
        instance=TimelineEntry(
            person=person,
            starts_on=date(2021, 1, 1),
            grassroots_union=u("CDCS-NAM-1"),
            enterprise=world.enterprises["DN-NAM"],
        ),
    )
    assert TimelineEntry.objects.unscoped().filter(person=person).count() == 2
    assert_equal_to_fresh()
    # Joined (by correction) after the move: now counted in Nam Sơn, with its state-owned workplace.
    person.refresh_from_db()
    person.union_joined_on = date(2022, 6, 1)
    services.update_record(actor=admin, instance=person)
    assert_equal_to_fresh()
    # A transfer: from 2022 Bắc Hà's union stands under Nam Sơn's district.
    org_services.transfer_unit(
        actor=None, unit=u("CDCS-BAC-1"), new_parent=u("LDLD-A-NAM"), on=date(2022, 1, 1)
    )
    assert_equal_to_fresh()
    enterprise = world.enterprises["DN-NAM"]
    enterprise.ownership = Enterprise.Ownership.FDI
    enterprise.save()
    assert_equal_to_fresh()
    # The class moves to another organiser and day; a referral is moved and another deleted.
    course.organiser, course.starts_on = u("CB-DN-BAC"), date(2022, 3, 1)
    course.save()
    assert_equal_to_fresh()
    referral.referred_on, referral.referring_unit = date(2023, 2, 1), u("CDCS-NAM-1")
    services.update_record(actor=admin, instance=referral)
    assert_equal_to_fresh()
    TimelineEntry.objects.unscoped().filter(person=person, starts_on=date(2021, 1, 1)).delete()
    assert_equal_to_fresh()
    Enrolment.objects.unscoped().filter(person=world.people["P-NAM-1"]).delete()
    Admission.objects.unscoped().filter(person=world.people["P-NAM-1"]).delete()
    assert_equal_to_fresh()
    Person.objects.unscoped().filter(pk=person.pk).delete()
    assert_equal_to_fresh()
    TrainingClass.objects.unscoped().filter(pk=course.pk).delete()
    assert_equal_to_fresh()
    # A bulk update through the ORM (one statement for many rows), and one that changes nothing counted.
    Person.objects.unscoped().update(gender="nam")
    Person.objects.unscoped().update(full_name="X")
    assert_equal_to_fresh()


PEOPLE_HEAD = [
    "ma_nguoi",
    "ho_ten",
    "ngay_sinh",
    "gioi_tinh",
    "dan_toc",
    "ma_cdcs",
    "ma_doanh_nghiep",
    "ngay_vao_cong_doan",
]


def _people(count: int, *, shift: int = 0) -> list[list]:
    rows = [PEOPLE_HEAD]
    for i in range(count):
        rows.append(
            [
                f"N{i:04d}",
                f"Người Thử {i}",
                "1980-01-01",
                "nu" if i % 3 else "nam",
                "Kinh" if i % 4 else "Tày",
                "CS-1" if i % 2 else "CS-2",
                "DN-1" if i % 2 else "",
                f"{2010 + (i + shift) % 12}-0{1 + i % 9}-1{i % 10}",
            ]
        )
    return rows


# Person N0003 moves between the two grassroots unions: their joining is placed by their timeline.
TIMELINE = [
    ["ma_nguoi", "tu_ngay", "ma_cdcs", "ma_doanh_nghiep", "ly_do"],
    ["N0003", "2010-01-01", "CS-2", "", "vào công đoàn"],
    ["N0003", "2016-04-01", "CS-1", "DN-1", "chuyển sinh hoạt"],
]


def test_the_workbook_import_by_copy_and_row_by_row_keeps_it_equal(db, tmp_path):
    first = import_workbook(write_csv(tmp_path / "a", base(nguoi=_people(450), qua_trinh=TIMELINE)))
    assert first.ok, [e.render() for e in first.errors]
    assert Person.objects.unscoped().count() == 450
    assert_equal_to_fresh()
    # Again with every joining date moved (updates) and a few more people (a small batch: row by row).
    again = import_workbook(write_csv(tmp_path / "b", base(nguoi=_people(460, shift=5), qua_trinh=TIMELINE)))
    assert again.ok, [e.render() for e in again.errors]
    assert again.summary["nguoi"]["created"] == 10
    assert_equal_to_fresh()


def test_a_load_that_doubles_the_people_counts_the_rollups_once_afterwards(db, tmp_path, monkeypatch):
    """A province's first import (here 450 people into an empty database, with the bulk threshold
    lowered to 100) holds the rollup triggers back and counts the rollups once at the end: equal to a
    fresh count, the same as when every trigger ran (the row-by-row import above)."""
    from phoihop.workbook import write

    monkeypatch.setattr(write, "BULK_FROM", 100)
    entered = []
    original = rollups.counted_afterwards

    def spy(enabled=True):
        entered.append(enabled)
        return original(enabled)

    monkeypatch.setattr(rollups, "counted_afterwards", spy)
    first = import_workbook(write_csv(tmp_path / "a", base(nguoi=_people(450), qua_trinh=TIMELINE)))
    assert first.ok, [e.render() for e in first.errors]
    assert entered == [True]
    assert assert_equal_to_fresh() > 0
    # 260 people into 450 (250 changed, 10 new): not a doubling, the triggers count as they go.
    people = _people(460, shift=5)
    again = import_workbook(
        write_csv(tmp_path / "b", base(nguoi=[people[0], *people[201:]], qua_trinh=TIMELINE))
    )
    assert again.ok, [e.render() for e in again.errors]
    assert again.summary["nguoi"]["created"] == 10
    assert entered == [True, False]
    assert_equal_to_fresh()


def test_held_back_triggers_change_nothing_until_the_recount(world):
    """Inside `counted_afterwards` a write leaves the rollups as they were (the triggers' guard), the
    recount at the end makes them equal to a fresh count; an error skips the recount and marks the
    transaction for rollback, so nothing written without the triggers can be committed."""
    from django.db import transaction

    admin = world.users["admin_a"]
    before = stored()
    with transaction.atomic():
        with rollups.counted_afterwards():
            services.create_record(
                actor=admin,
                instance=Person(
                    code="R-9",
                    full_name="Lò Văn Chín",
                    gender="nam",
                    ethnicity="Thái",
                    grassroots_union=world.unit("CDCS-BAC-1"),
                    union_joined_on=date(2019, 5, 1),
                ),
            )
            assert stored() == before
        assert stored() != before
        assert_equal_to_fresh()
    with transaction.atomic():
        with pytest.raises(ValueError), rollups.counted_afterwards():
            raise ValueError("hỏng")
        assert transaction.get_rollback()
    assert_equal_to_fresh()


def _figures(result) -> dict:
    return {
        "value": result.value,
        "by_year": result.by_year,
        "by_unit": result.by_unit,
        "breakdowns": result.breakdowns,
    }


ROLLED_UP = (
    "union.members_admitted",
    "union.referred_admitted",
    "party.members_admitted_in_enterprises",
    "party.business_owners_admitted",
    "union.outstanding_referred",
    "party.trainees",
    "party.trainees_from_enterprises",
    "party.trainees_from_non_state",
)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_province")
def test_demo_figures_through_the_rollup_equal_the_people_read_directly():
    assert_equal_to_fresh()
    program = Program.objects.unscoped().get(code="CTPH-2021-2025")
    roots = [program.union_root, program.party_root]
    # A scope's child moved on 1 July 2022: that year is read from the people, the others from the rollup.
    district = Unit.objects.filter(kind="ldld_huyen").order_by("code").first()
    union = Unit.objects.filter(kind="cdcs", parent=district).order_by("code").first()
    checked = 0
    for start, end in [
        (date(2017, 1, 1), date(2020, 12, 31)),
        (date(2021, 1, 1), date(2025, 12, 31)),
        (date(2019, 3, 15), date(2023, 8, 31)),
        (date(2022, 1, 1), date(2022, 12, 31)),
    ]:
        for scope in ([roots[0]], [district], [union], [Unit.objects.get(code="LDLD-LC")], [roots[1]]):
            for code in ROLLED_UP:
                ctx = Context(start, end, scope, scope)
                with placed_in_python():
                    reference = _figures(REGISTRY[code].compute(ctx))
                with without_rollups():
                    assert _figures(REGISTRY[code].compute(ctx)) == reference, code
                assert _figures(REGISTRY[code].compute(Context(start, end, scope, scope))) == reference, code
                checked += 1
    assert checked == 4 * 5 * len(ROLLED_UP)
    # Targets: every target unit and year in one read, equal to reading the people.
    for code in ("CTPH-2017-2020", "CTPH-2021-2025"):
        program = Program.objects.unscoped().get(code=code)
        ctx = Context(program.starts_on, program.ends_on, [program.union_root], [program.party_root])
        with without_rollups():
            reference = compute_targets(ctx, program)
        assert compute_targets(ctx, program) == reference


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_province")
def test_a_child_moved_in_the_middle_of_a_year_is_placed_by_day():
    province = Unit.objects.get(code="LDLD-LC")
    standing = Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=date(2022, 7, 1))
    districts = list(Unit.objects.filter(standing, parent=province, kind="ldld_huyen").order_by("code")[:2])
    unions = Unit.objects.filter(standing, kind="cdcs", parent=districts[0])
    union = max(unions, key=lambda u: (u.members.filter(union_joined_on__year=2022).count(), u.code))
    assert union.members.filter(union_joined_on__year=2022).exists()
    org_services.transfer_unit(actor=None, unit=union, new_parent=districts[1], on=date(2022, 7, 1))
    assert_equal_to_fresh()
    for scope in (province, districts[0], districts[1]):
        for code in ROLLED_UP:
            ctx = Context(date(2021, 1, 1), date(2025, 12, 31), [scope], [scope])
            with placed_in_python():
                reference = _figures(REGISTRY[code].compute(ctx))
            assert _figures(REGISTRY[code].compute(ctx)) == reference, code
