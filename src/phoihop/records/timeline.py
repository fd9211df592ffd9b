"""A person's union and workplace over time (sheet `qua_trinh`), read and kept consistent in one place.

The rule (workbook.md): on a date D a person belongs to the union, and works at the enterprise, of
their latest timeline row on or before D; before their first row, those of the first row; a person
without rows has the `nguoi` columns on every date. Each row stores the interval it governs
(`valid_from` .. `valid_to`, exclusive; far past / far future at the ends), so the rule is one range
join in SQL: `row.person_id = p.id AND row.valid_from <= D AND D < row.valid_to`, falling back to the
person's own columns when no row matches (`at_date` + `value_on` build exactly that for the ORM).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, F, FilteredRelation, Q, When
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from .models import FAR_FUTURE, FAR_PAST, Person, TimelineEntry
from .rules import after_birth

CHUNK = 5000


def rebuild_intervals(person_ids: Iterable[int] | None = None) -> int:
    """Recompute `valid_from`/`valid_to` of the rows of these people (all people: None). Returns how
    many rows changed."""
    rows = TimelineEntry.objects.unscoped().order_by("person_id", "starts_on")
    ids = None if person_ids is None else sorted(set(person_ids))
    chunks = [None] if ids is None else [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    changed = []
    for chunk in chunks:
        selected = rows if chunk is None else rows.filter(person_id__in=chunk)
        by_person: dict[int, list] = defaultdict(list)
        for row in selected.only("pk", "person_id", "starts_on", "valid_from", "valid_to"):
            by_person[row.person_id].append(row)
        for entries in by_person.values():
            for i, row in enumerate(entries):
                start = FAR_PAST if i == 0 else row.starts_on
                end = entries[i + 1].starts_on if i + 1 < len(entries) else FAR_FUTURE
                if (row.valid_from, row.valid_to) != (start, end):
                    row.valid_from, row.valid_to = start, end
                    changed.append(row)
    TimelineEntry.objects.unscoped().bulk_update(changed, ["valid_from", "valid_to"], batch_size=1000)
    return len(changed)


def _alias(day_path: str) -> str:
    return "standing_" + day_path.replace("__", "_")


def at_date(queryset, person_path: str, day_path: str):
    """The queryset with the person's timeline row governing the date at `day_path` LEFT JOINed
    (a FilteredRelation: `row.person_id = p.id AND row.valid_from <= D AND D < row.valid_to`). Read
    its values with `value_on`. `person_path`: "" when the queryset is Person, "person__" for records
    naming a person. Applying it twice for the same date is harmless."""
    alias = _alias(day_path)
    if alias in queryset.query._filtered_relations:
        return queryset
    relation = f"{person_path}timeline"
    condition = Q(**{f"{relation}__valid_from__lte": F(day_path), f"{relation}__valid_to__gt": F(day_path)})
    return queryset.alias(**{alias: FilteredRelation(relation, condition=condition)})


def value_on(person_path: str, day_path: str, field: str):
    """The person's `field` ("grassroots_union_id", "enterprise_id", "enterprise__ownership") on the
    date at `day_path`, for a queryset passed through `at_date`: the governing row's value, or the
    person's own column when they have no rows (no row joined)."""
    alias = _alias(day_path)
    return Case(
        When(**{f"{alias}__pk__isnull": True}, then=F(f"{person_path}{field}")),
        default=F(f"{alias}__{field}"),
    )


def base_row_for(person: Person, day: date) -> TimelineEntry | None:
    """For a person without rows about to get one dated `day`: the row their nguoi columns stood for
    (dated when they joined, else the day before), so the time before `day` keeps its union and
    workplace. One row equal to nguoi means what no rows mean, so adding it changes nothing."""
    if TimelineEntry.objects.unscoped().filter(person=person).exists():
        return None
    start = person.union_joined_on
    if start is None or start >= day:
        start = day - timedelta(days=1)
    return TimelineEntry(
        person=person,
        starts_on=start,
        grassroots_union_id=person.grassroots_union_id,
        enterprise_id=person.enterprise_id,
        reason=gettext("vào công đoàn"),
    )


def after_row_saved(row: TimelineEntry) -> dict | None:
    """After a timeline row is written by hand: the intervals again, and nguoi follows the last row
    (it is "where they are now"). Returns {"before": …, "after": …} of nguoi when it changed."""
    rebuild_intervals([row.person_id])
    last = TimelineEntry.objects.unscoped().filter(person_id=row.person_id).order_by("-starts_on").first()
    person = Person.objects.unscoped().get(pk=row.person_id)
    now = (person.grassroots_union_id, person.enterprise_id)
    if last is None or now == (last.grassroots_union_id, last.enterprise_id):
        return None
    person.grassroots_union_id, person.enterprise_id = last.grassroots_union_id, last.enterprise_id
    person.save(update_fields=["grassroots_union", "enterprise", "search_name"])
    keys = ("grassroots_union_id", "enterprise_id")
    return {"before": dict(zip(keys, now, strict=True)), "after": {k: getattr(person, k) for k in keys}}


# ---- one person, in Python (pages, services) -------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    union_id: int | None
    enterprise_id: int | None


def entries_of(person: Person) -> list[TimelineEntry]:
    return list(
        TimelineEntry.objects.unscoped()
        .filter(person=person)
        .select_related("grassroots_union", "enterprise")
        .order_by("starts_on")
    )


def standing_on(person: Person, day: date, entries: list[TimelineEntry] | None = None) -> Standing:
    """Where the person stood on `day` (the rule above)."""
    entries = entries_of(person) if entries is None else entries
    if not entries:
        return Standing(person.grassroots_union_id, person.enterprise_id)
    chosen = entries[0]
    for entry in entries:
        if entry.starts_on <= day:
            chosen = entry
    return Standing(chosen.grassroots_union_id, chosen.enterprise_id)


# ---- checks shared by the import and the staff site ----------------------------------------------


@dataclass(frozen=True)
class RowIn:
    """One timeline row as given (import row or form): `no` names it in messages."""

    no: int | str
    starts_on: date
    union: str | None  # code
    enterprise: str | None  # code


EMPTY = gettext_lazy("trống")  # a missing code, as a message shows it


def problems(
    *, rows: list[RowIn], birth_date: date | None, union: str | None, enterprise: str | None
) -> list[tuple[RowIn, str, dict]]:
    """(row, message, params) for each broken rule among one person's rows — a row before birth, two
    rows on one date, a last row that disagrees with the person's `nguoi` columns. The message is a
    gettext msgid (Vietnamese; its English in the catalogue), rendered by the caller in its language."""
    found = []
    seen: dict[date, RowIn] = {}
    for row in rows:
        broken = after_birth("starts_on", row.starts_on, birth_date)
        if broken is not None:
            found.append((row, broken.msgid, broken.params))
        if row.starts_on in seen:
            found.append((row, gettext_noop("trùng ngày với dòng %(row)s"), {"row": seen[row.starts_on].no}))
        else:
            seen[row.starts_on] = row
    if rows:
        last = max(rows, key=lambda r: r.starts_on)
        if (last.union or None, last.enterprise or None) != (union or None, enterprise or None):
            found.append(
                (
                    last,
                    gettext_noop(
                        "dòng cuối không khớp với trang nguoi (Mã CĐCS %(union)s, Mã doanh nghiệp %(enterprise)s)"
                    ),
                    {"union": union or EMPTY, "enterprise": enterprise or EMPTY},
                )
            )
    return found
