"""The rules of each record kind, in one place: sane dates and years (the policy of `core.dates`), the
order of a record's own dates, and the fields one value makes necessary. The staff forms
(`records.forms`), the workbook import (`workbook.validate`, per row, with sheet, row and column) and
the API (through the same forms) all call these functions, so a record one of them accepts the others
accept too, and a refusal reads the same everywhere.

Each rule is a pure function over the record's values, keyed by model field name (a reference is any
non-empty value: a model instance, a pk or a code), and returns the broken rules: no queries, so the
import checks a million rows without one per row. Two rules read one fact of a record a row names, given
by the caller: a person's row not before their birth (`after_birth`) and the unit kinds a reference may
name (`UNIT_KINDS`, `unit_kind`). The other cross-record checks (codes unique, references existing, the
rows of a person's timeline together, scope) stay with the code that holds those facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from django.utils.translation import gettext_noop, pgettext_lazy

from phoihop.core import dates
from phoihop.core.dates import Day
from phoihop.core.rules import Broken
from phoihop.orgs.models import Unit

from . import models as r

Values = Mapping[str, object]
Rule = Callable[..., list[Broken]]

# The order messages: a later date that may not precede an earlier one (equal is allowed).
LEFT_AFTER_JOINED = gettext_noop("Ngày rời phải sau ngày vào công đoàn.")
JOINED_AFTER_BIRTH = gettext_noop("Ngày vào công đoàn phải sau ngày sinh.")
JOINED_NEEDS_UNION = gettext_noop("Có ngày vào công đoàn thì cần công đoàn cơ sở.")
END_AFTER_START = gettext_noop("Ngày kết thúc phải sau ngày bắt đầu.")
FULL_AFTER_ADMITTED = gettext_noop("Ngày chuyển chính thức phải sau ngày kết nạp.")
AWARD_NEEDS_ENTERPRISE = gettext_noop("Khen thưởng doanh nghiệp thì cần mã doanh nghiệp.")
AWARD_NEEDS_PERSON = gettext_noop("Khen thưởng cá nhân thì cần mã người.")
# A person's dated row (a timeline row, a move) set before their birth.
BEFORE_BIRTH = gettext_noop("Trước ngày sinh của người này (%(day)s).")
# A reference to a unit of a kind the field does not accept (UNIT_KINDS).
WRONG_UNIT_KIND = gettext_noop("Đơn vị %(code)s (%(kind)s) không phải %(what)s.")


def _days(values: Values, names: tuple[str, ...], *, planned: bool, on: date | None) -> list[Broken]:
    current = on or dates.today()
    last = dates.latest_plan(current) if planned else current
    found = []
    for name in names:
        day = values.get(name)
        if day is None or (dates.EARLIEST <= day <= last if type(day) is date else True):
            continue  # the usual case, decided without building a message (a million import rows)
        problem = dates.check_day(day, planned=planned, on=current)
        if problem:
            found.append(Broken(name, *problem))
    return found


def _year(values: Values, *, on: date | None) -> list[Broken]:
    year = values.get("year")
    problem = dates.check_year(year, on=on) if isinstance(year, int) else None
    return [Broken("year", *problem)] if problem else []


def _order(values: Values, first: str, then: str, msgid: str, found: list[Broken]) -> list[Broken]:
    """`then` may not precede `first`; said only when both dates are sane (one message at a time)."""
    a, b = values.get(first), values.get(then)
    if isinstance(a, date) and isinstance(b, date) and b < a:
        if not any(x.field in (first, then) for x in found):
            return [Broken(then, msgid)]
    return []


PERSON_DATES = ("birth_date", "union_joined_on", "union_left_on")


def reads(*fields: str):
    """Declares the fields a rule reads (`rule.reads`), so that a caller checking a million rows (the
    import) hands it those values only; `tests/test_rules.py` holds every rule to its declaration."""

    def mark(rule: Rule) -> Rule:
        rule.reads = fields
        return rule

    return mark


# ---- rules over a record and a fact it names ----------------------------------------------------


def after_birth(field: str, day: date | None, birth_date: date | None) -> Broken | None:
    """A person's dated row (`qua_trinh`'s start, a move) is not before their birth (equal is allowed).
    Called by `records.timeline.problems` (the import and the timeline form) and `records.moves`."""
    if day and birth_date and day < birth_date:
        return Broken(field, BEFORE_BIRTH, {"day": Day(birth_date)})
    return None


_GRASSROOTS = frozenset({"cdcs"})
_WANTS_GRASSROOTS = pgettext_lazy("workbook expects", "công đoàn cơ sở (loại cdcs)")
_WANTS_UNION = pgettext_lazy("workbook expects", "đơn vị công đoàn")
_WANTS_PARTY = pgettext_lazy("workbook expects", "tổ chức đảng")

# Which unit kinds a reference may name, beyond existing (and being in scope: the callers' check):
# (model, field) -> (the kinds it accepts, what it needs, as a message says it). The record forms take
# their kinds from here (so the API does too), the import its sheets' columns (by the column's field).
UNIT_KINDS: dict[tuple[type, str], tuple[frozenset[str], object]] = {
    (r.Person, "grassroots_union"): (_GRASSROOTS, _WANTS_GRASSROOTS),
    (r.TimelineEntry, "grassroots_union"): (_GRASSROOTS, _WANTS_GRASSROOTS),
    (r.Move, "to_union"): (_GRASSROOTS, _WANTS_GRASSROOTS),
    (r.Referral, "referring_unit"): (Unit.UNION_KINDS, _WANTS_UNION),
    (r.Referral, "receiving_party_unit"): (Unit.PARTY_KINDS, _WANTS_PARTY),
    (r.TrainingClass, "organiser"): (Unit.PARTY_KINDS, _WANTS_PARTY),
    (r.Admission, "party_unit"): (Unit.PARTY_KINDS, _WANTS_PARTY),
    (r.Program, "union_root"): (Unit.UNION_KINDS, _WANTS_UNION),
    (r.Program, "party_root"): (Unit.PARTY_KINDS, _WANTS_PARTY),
}


def unit_kind(model: type, field: str, code: str, kind: str) -> Broken | None:
    """The unit `code` of `kind` named by `model.field` is of a kind the field accepts (UNIT_KINDS)."""
    rule = UNIT_KINDS.get((model, field))
    if rule is None or kind in rule[0]:
        return None
    label = Unit.Kind(kind).label if kind in Unit.Kind.values else kind
    return Broken(field, WRONG_UNIT_KIND, {"code": code, "kind": label, "what": rule[1]})


# ---- one function per kind ----------------------------------------------------------------------


@reads(*PERSON_DATES, "grassroots_union")
def person(values: Values, *, on: date | None = None, has_timeline: bool = False) -> list[Broken]:
    """nguoi: birth, joining and leaving are facts (not ahead of today), in that order; a joining date
    needs the grassroots union joined — unless the person has a timeline (qua_trinh), whose last row the
    nguoi columns follow: a last row without a union means they left it (docs/timeline.md)."""
    found = _days(values, PERSON_DATES, planned=False, on=on)
    birth, joined = values.get("birth_date"), values.get("union_joined_on")
    left = values.get("union_left_on")
    if not found:  # the orders are said once the dates themselves are sane (written out: the hot path)
        if joined and left and left < joined:
            found.append(Broken("union_left_on", LEFT_AFTER_JOINED))
        if birth and joined and joined < birth:
            found.append(Broken("union_joined_on", JOINED_AFTER_BIRTH))
    if joined and not values.get("grassroots_union") and not has_timeline:
        found.append(Broken("grassroots_union", JOINED_NEEDS_UNION))
    return found


@reads("starts_on")
def timeline_entry(values: Values, *, on: date | None = None) -> list[Broken]:
    """qua_trinh: the row's start is a fact (the rows of one person together: `records.timeline`)."""
    return _days(values, ("starts_on",), planned=False, on=on)


@reads("moved_on")
def move(values: Values, *, on: date | None = None) -> list[Broken]:
    """A move between grassroots unions is recorded once it has happened."""
    return _days(values, ("moved_on",), planned=False, on=on)


@reads("referred_on")
def referral(values: Values, *, on: date | None = None) -> list[Broken]:
    return _days(values, ("referred_on",), planned=False, on=on)


@reads("starts_on", "ends_on")
def training_class(values: Values, *, on: date | None = None) -> list[Broken]:
    """lop_boi_duong: a class may be planned ahead; it ends on or after its start."""
    found = _days(values, ("starts_on", "ends_on"), planned=True, on=on)
    return found + _order(values, "starts_on", "ends_on", END_AFTER_START, found)


@reads("admitted_on", "full_member_on")
def admission(values: Values, *, on: date | None = None) -> list[Broken]:
    """ket_nap: admission and full membership are facts; full membership on or after admission."""
    found = _days(values, ("admitted_on", "full_member_on"), planned=False, on=on)
    return found + _order(values, "admitted_on", "full_member_on", FULL_AFTER_ADMITTED, found)


@reads("year")
def yearly(values: Values, *, on: date | None = None) -> list[Broken]:
    """Works, initiatives, contest entries, culture recognitions, democracy reports: a sane year."""
    return _year(values, on=on)


@reads("year", "target", "enterprise", "person")
def award(values: Values, *, on: date | None = None) -> list[Broken]:
    """khen_thuong: a sane year; an award to an enterprise names it, an award to a person names them."""
    found = _year(values, on=on)
    target = values.get("target")
    if target == r.Award.Target.ENTERPRISE and not values.get("enterprise"):
        found.append(Broken("enterprise", AWARD_NEEDS_ENTERPRISE))
    if target == r.Award.Target.PERSON and not values.get("person"):
        found.append(Broken("person", AWARD_NEEDS_PERSON))
    return found


@reads("date")
def welfare_contribution(values: Values, *, on: date | None = None) -> list[Broken]:
    return _days(values, ("date",), planned=False, on=on)


@reads("starts_on", "ends_on")
def program(values: Values, *, on: date | None = None) -> list[Broken]:
    """chuong_trinh: a program may be planned ahead; it ends on or after its start."""
    found = _days(values, ("starts_on", "ends_on"), planned=True, on=on)
    return found + _order(values, "starts_on", "ends_on", END_AFTER_START, found)


@reads()
def no_rules(values: Values, *, on: date | None = None) -> list[Broken]:
    return []


RULES: dict[type, Rule] = {
    r.Person: person,
    r.TimelineEntry: timeline_entry,
    r.Move: move,
    r.Referral: referral,
    r.TrainingClass: training_class,
    r.Enrolment: no_rules,
    r.Admission: admission,
    r.Work: yearly,
    r.Initiative: yearly,
    r.ContestEntry: yearly,
    r.Award: award,
    r.CultureRecognition: yearly,
    r.DemocracyReport: yearly,
    r.WelfareContribution: welfare_contribution,
    r.Program: program,
}


def check(model: type, values: Values, *, on: date | None = None, **facts) -> list[Broken]:
    """The broken rules of a record of `model` with these values (none for a kind without rules).
    `facts`: what a kind's rule reads beyond the record (a person's `has_timeline`)."""
    rule = RULES.get(model)
    return rule(values, on=on, **facts) if rule else []


def model_values(instance) -> dict[str, object]:
    """A saved or unsaved record's values as the rules read them (references by their id)."""
    values = {}
    for f in instance._meta.concrete_fields:
        values[f.name] = getattr(instance, f.attname)
    return values
