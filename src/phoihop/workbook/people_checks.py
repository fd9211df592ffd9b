"""Checks of a workbook's people that span sheets and the database: the `qua_trinh` timeline against
`nguoi` (records.timeline.problems), the uniqueness of `so_cccd`, and the scope of timeline rows."""

from __future__ import annotations

from collections import defaultdict

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from phoihop.records.models import Person, TimelineEntry
from phoihop.records.timeline import RowIn, problems

from .gating import not_found
from .rowstore import column_values, row_numbers
from .sheets import BY_KEY

CHUNK = 5000


def _chunks(values: list):
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def check_people(validator) -> None:
    _check_cccd(validator)
    _check_timeline(validator)


def _check_cccd(v) -> None:
    sheet = BY_KEY["nguoi"]
    column = sheet.column("so_cccd")
    people = v.rows.get("nguoi", [])
    # The first row of each number (its row number and person), and the later rows holding it: a million
    # people, one dict entry per number, read column by column (workbook.rowstore).
    given: dict[str, tuple[int, str]] = {}
    repeated: list[tuple[int, int, str]] = []
    for no, number, code in zip(
        row_numbers(people), column_values(people, "so_cccd"), column_values(people, "ma_nguoi"), strict=True
    ):
        if number and code:
            first = given.setdefault(number, (no, code))
            if first[0] != no:
                repeated.append((first[0], no, number))
    repeated.sort()  # number by number, as the rows come
    for first, no, number in repeated:
        v.error(sheet, no, column, number, gettext_noop("số CCCD trùng với dòng %(line)s"), line=first)
    numbers = list(given) if Person.objects.unscoped().exists() else []  # nobody stored: no holder
    holders: dict[str, str] = {}
    for chunk in _chunks(numbers):
        holders.update(Person.objects.unscoped().filter(cccd__in=chunk).values_list("cccd", "code"))
    if not holders:
        return
    # A number may pass from one person to another within the same workbook (a correction).
    in_book = dict(zip(column_values(people, "ma_nguoi"), column_values(people, "so_cccd"), strict=True))
    for number, (no, code) in given.items():
        holder = holders.get(number)
        if holder and holder != code and in_book.get(holder, number) == number:
            v.error(
                sheet,
                no,
                column,
                number,
                # No code in the words: a citizen ID must not tell who holds it (issue 11, no oracle).
                gettext_noop("số CCCD đã dùng cho người khác"),
            )


def _check_timeline(v) -> None:
    sheet = BY_KEY["qua_trinh"]
    given = v.rows.get("qua_trinh", [])
    by_person: dict[str, dict] = defaultdict(dict)
    for row in given:
        code, day = row.values.get("ma_nguoi"), row.values.get("tu_ngay")
        if code and day:
            by_person[code].setdefault(day, []).append(row)
    # People whose nguoi row changes while they keep timeline rows in the database are checked too. No
    # timeline row stored anywhere (a first import): only the workbook's own timeline rows are checked,
    # with the nguoi rows of their people (not a dict of a million people for nothing).
    any_stored = TimelineEntry.objects.unscoped().exists()
    if not by_person and not any_stored:
        return
    # Of each nguoi row, what the timeline is checked against: (row number, birth, union, enterprise).
    people = v.rows.get("nguoi", [])
    people_rows = {
        code: (no, birth, union, enterprise)
        for no, code, birth, union, enterprise in zip(
            row_numbers(people),
            column_values(people, "ma_nguoi"),
            column_values(people, "ngay_sinh"),
            column_values(people, "ma_cdcs"),
            column_values(people, "ma_doanh_nghiep"),
            strict=True,
        )
        if code and (any_stored or code in by_person)
    }
    codes = sorted(set(by_person) | set(people_rows))
    stored: dict[str, dict] = defaultdict(dict)
    for chunk in _chunks(codes) if any_stored else ():
        for code, day, union, enterprise in (
            TimelineEntry.objects.unscoped()
            .filter(person__code__in=chunk)
            .values_list("person__code", "starts_on", "grassroots_union__code", "enterprise__code")
        ):
            stored[code][day] = (union, enterprise)
    db_people: dict[str, tuple] = {}
    for chunk in _chunks([c for c in codes if c not in people_rows or c in by_person]):
        for code, birth, union, enterprise in (
            Person.objects.unscoped()
            .filter(code__in=chunk)
            .values_list("code", "birth_date", "grassroots_union__code", "enterprise__code")
        ):
            db_people[code] = (birth, union, enterprise)
    visible = _visible_people(v, list(by_person))
    nguoi = BY_KEY["nguoi"]
    for code in codes:
        if code not in by_person and code not in stored:
            continue
        if code not in people_rows and code not in db_people:
            continue  # an unknown person: already an error of the reference check
        if visible is not None and code in by_person and code not in visible:
            # A person outside the scope: worded exactly like a code that does not exist, and checked
            # against nothing stored (their birth date or history must not show through the messages).
            vi, en = not_found("nguoi")
            for wb_rows in by_person[code].values():
                for row in wb_rows:
                    v.error(sheet, row.no, sheet.column("ma_nguoi"), code, vi, en)
            continue
        if code in people_rows:
            _, birth, union, enterprise = people_rows[code]
        elif code in db_people:
            birth, union, enterprise = db_people[code]
        else:
            continue  # an unknown person: already an error of the reference check
        rows: dict = {
            day: RowIn(f"({day:%d/%m/%Y}, đã lưu)", day, u, e) for day, (u, e) in stored[code].items()
        }
        for day, wb_rows in by_person.get(code, {}).items():
            for row in wb_rows:  # two workbook rows on one date are a duplicate key, reported elsewhere
                rows[day] = RowIn(row.no, day, row.values.get("ma_cdcs"), row.values.get("ma_doanh_nghiep"))
        for found, message, params in problems(
            rows=list(rows.values()), birth_date=birth, union=union, enterprise=enterprise
        ):
            if isinstance(found.no, int):
                column = sheet.column("tu_ngay")
                v.error(sheet, found.no, column, found.starts_on.isoformat(), message, **params)
            elif code in people_rows:  # the stored timeline disagrees with the workbook's nguoi row
                v.error(
                    nguoi,
                    people_rows[code][0],
                    nguoi.column("ma_cdcs"),
                    union,
                    gettext_noop("không khớp với dòng quá trình cuối đã lưu %(stored)s: %(problem)s"),
                    stored=found.no,
                    problem=_rendered(message, params),
                )


def _visible_people(v, codes: list[str]) -> set[str] | None:
    """Codes of the people the importing scope may give a timeline: those it sees now, and those the
    workbook's own nguoi rows bring (their union is checked by the nguoi sheet). None: no limit."""
    scope = v.scope
    if scope is None or scope.everything:
        return None
    seen = set(column_values(v.rows.get("nguoi", []), "ma_nguoi"))
    for chunk in _chunks(codes):
        seen.update(scope.filter(Person.objects.filter(code__in=chunk)).values_list("code", flat=True))
    return seen


def _rendered(message: str, params: dict):
    """A message with its params, rendered in the language active when it is shown (a lazy string)."""
    return lazy(lambda: gettext(message) % params, str)()
