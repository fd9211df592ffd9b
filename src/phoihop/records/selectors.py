"""Reads of the records, always through a user's Scope.

`person_detail` is the one read of a person's record (pages and API call it): it applies the
party-data rule and writes the read to the audit log.

The party-data rule:
- party-side data (decision number, admitting party unit, full-membership date, training classes)
  is shown only when the scope covers the party unit holding the admission (or organising the class);
- a union unit that referred the person learns only that the person was admitted and on which date;
- personal fields (birth date, gender, ethnicity — sensitive personal data, Decree 13/2023) are shown
  to the units keeping the person's file: their grassroots union's line or the admitting party unit's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from phoihop.accounts.scope import Scope, scope_for, sees_personal_data
from phoihop.audit.services import log_read
from phoihop.core.paging import capped_count
from phoihop.core.text import fold
from phoihop.orgs.models import Unit
from phoihop.orgs.selectors import ever_under_ids

from .models import Admission, Enrolment, Move, Person, Referral, TimelineEntry

PERSON_MODEL = Person._meta.label  # "records.Person", as the importer writes it in the audit log


def _scope(scope_or_user) -> Scope:
    return scope_or_user if isinstance(scope_or_user, Scope) else scope_for(scope_or_user)


def people_for(
    *,
    scope,
    query: str = "",
    unit_code: str | None = None,
    enterprise_code: str | None = None,
    joined_year: int | None = None,
    order: str = "code",
) -> QuerySet[Person]:
    """People in scope, searched without diacritics on name and code ("nguyen thi" finds "Nguyễn Thị"),
    optionally those of one grassroots union (or any union under `unit_code`) or one enterprise."""
    scope = _scope(scope)
    people = scope.filter(Person.objects.all()).select_related("grassroots_union", "enterprise")
    if query:
        folded = fold(query)
        people = people.filter(Q(search_name__contains=folded) | Q(code__icontains=query.strip()))
    if unit_code:
        unit = scope.get_unit_or_404(unit_code)
        people = people.filter(grassroots_union__in=ever_under_ids([unit.pk]))
    if enterprise_code:
        people = people.filter(enterprise__code=enterprise_code)
    if joined_year:
        people = people.filter(union_joined_on__year=joined_year)
    allowed = {"code", "full_name", "union_joined_on", "grassroots_union__code"}
    key = order.lstrip("-")
    if key == "full_name":
        people = people.order_by(("-" if order.startswith("-") else "") + "search_name", "code")
    elif key in allowed:
        people = people.order_by(order, "code")
    return people


# ---- one person's record ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    on: date | None
    kind: str  # joined | referred | trained | admitted | full_member | left
    label: str
    unit: Unit | None = None
    detail: str = ""


@dataclass
class PersonDetail:
    person: Person
    show_personal: bool  # birth date, gender, ethnicity
    admission_access: str  # "full" | "fact" (admitted + date only) | "none"
    admitted_on: date | None = None
    admission: Admission | None = None  # only when admission_access == "full"
    referrals: list[Referral] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    # Rows of `qua_trinh` the scope may see: a former union sees only its own stretch of the history.
    history: list[TimelineEntry] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    # The viewer sees the person only as a former member: where they are now is not theirs to see.
    former_only: bool = False
    left_on: date | None = None  # for a former-only viewer: when the person left its unions

    @property
    def is_admitted(self) -> bool:
        return self.admitted_on is not None

    @property
    def sees_party_side(self) -> bool:
        return self.admission_access == "full"


def person_detail(*, user, code: str, ip_address: str | None = None) -> PersonDetail:
    """The record of person `code` as `user` may see it; Http404 when it is outside their scope.
    Every call writes one read row to the audit log."""
    if not getattr(user, "is_authenticated", False) or not user.can("read"):
        raise Http404
    scope = scope_for(user)
    person = scope.get_or_404(Person.objects.select_related("grassroots_union", "enterprise"), code=code)
    referrals = list(
        scope.filter(Referral.objects.filter(person=person)).select_related(
            "referring_unit", "receiving_party_unit"
        )
    )
    enrolments = list(
        scope.filter(Enrolment.objects.filter(person=person)).select_related(
            "training_class", "training_class__organiser"
        )
    )
    admission = Admission.objects.unscoped().filter(person=person).select_related("party_unit").first()

    access = "none"
    if admission is not None:
        if scope.covers_unit(admission.party_unit_id):
            access = "full"
        elif any(scope.covers_unit(r.referring_unit_id) for r in referrals):
            access = "fact"
    show_personal = sees_personal_data(scope, person)  # the export's rule too (accounts.scope)

    detail = PersonDetail(
        person=person,
        show_personal=show_personal,
        admission_access=access,
        admitted_on=admission.admitted_on if access != "none" else None,
        admission=admission if access == "full" else None,
        referrals=referrals,
        enrolments=enrolments,
    )
    _add_history(detail, scope)
    detail.timeline = _timeline(detail)
    log_read(actor=user, model=PERSON_MODEL, object_codes=[person.code], ip_address=ip_address)
    return detail


def _add_history(d: PersonDetail, scope: Scope) -> None:
    """The visible timeline rows and moves; whether the viewer only knew the person as a former member."""
    p = d.person
    every = list(
        TimelineEntry.objects.unscoped()
        .filter(person=p)
        .select_related("grassroots_union", "enterprise")
        .order_by("starts_on")
    )
    visible = set(scope.filter(TimelineEntry.objects.filter(person=p)).values_list("pk", flat=True))
    d.history = [e for e in every if e.pk in visible]
    d.moves = list(
        scope.filter(Move.objects.filter(person=p))
        .select_related("from_union", "to_union")
        .order_by("moved_on")
    )
    current = p.grassroots_union_id is not None and scope.covers_unit(p.grassroots_union_id)
    d.former_only = not (
        current or scope.everything or d.admission_access != "none" or d.referrals or d.enrolments
    )
    if d.former_only and d.history:
        last = every.index(d.history[-1])
        d.left_on = every[last + 1].starts_on if last + 1 < len(every) else None


def _timeline(d: PersonDetail) -> list[TimelineEvent]:
    from django.utils.translation import gettext as _

    p = d.person
    events: list[TimelineEvent] = []
    if p.union_joined_on:
        joined_at = _union_on(d, p.union_joined_on)
        events.append(TimelineEvent(p.union_joined_on, "joined", _("Vào công đoàn"), joined_at))
    for e in d.history[1:]:
        label = _("Chuyển sinh hoạt") if e.grassroots_union else _("Thôi sinh hoạt công đoàn")
        events.append(TimelineEvent(e.starts_on, "moved", label, e.grassroots_union, detail=e.reason))
    for r in d.referrals:
        events.append(
            TimelineEvent(r.referred_on, "referred", _("Được giới thiệu cho Đảng"), r.referring_unit)
        )
    for e in d.enrolments:
        c = e.training_class
        events.append(
            TimelineEvent(c.starts_on, "trained", _("Học lớp bồi dưỡng"), c.organiser, detail=c.name)
        )
    if d.admitted_on:
        a = d.admission
        events.append(
            TimelineEvent(
                d.admitted_on,
                "admitted",
                _("Được kết nạp vào Đảng"),
                a.party_unit if a else None,
                detail=(a.decision_no and _("Quyết định số %s") % a.decision_no) if a else "",
            )
        )
        if a and a.full_member_on:
            events.append(
                TimelineEvent(a.full_member_on, "full_member", _("Chuyển đảng viên chính thức"), a.party_unit)
            )
    if p.union_left_on and not d.former_only:
        events.append(TimelineEvent(p.union_left_on, "left", _("Rời công đoàn"), p.grassroots_union))
    if d.former_only:  # what came after the person left the viewer's unions is not theirs to see
        events = [e for e in events if d.left_on is None or (e.on and e.on < d.left_on)]
    order = {"joined": 0, "moved": 1, "referred": 2, "trained": 3, "admitted": 4, "full_member": 5, "left": 6}
    events.sort(key=lambda e: (e.on or date.max, order[e.kind]))
    return events


def _union_on(d: PersonDetail, day: date) -> Unit | None:
    """The union of the visible history on `day` (the timeline rule), else the current one if visible."""
    if d.history:
        chosen = d.history[0]
        for e in d.history:
            if e.starts_on <= day:
                chosen = e
        return chosen.grassroots_union
    return None if d.former_only else d.person.grassroots_union


# ---- any kind of record, as the generic list pages show them ------------------------------------


def records_for(
    *,
    scope,
    kind,
    query: str = "",
    unit_code: str | None = None,
    year: int | None = None,
    sort: str = "",
) -> QuerySet:
    """Records of one kind (see records.kinds) in scope, searched, filtered and sorted.
    An unknown sort key falls back to the kind's default order."""
    scope = _scope(scope)
    # The people list is "where they are now": a former union finds its former members through their
    # timeline rows (qua-trinh) and its moves, not among its people (Person.export_scope_paths).
    rows = scope.filter(kind.model.objects.all(), paths=getattr(kind.model, "export_scope_paths", None))
    if kind.related:
        rows = rows.select_related(*kind.related)
    if unit_code and kind.unit_path:
        unit = scope.get_unit_or_404(unit_code)
        # A subquery, so a multi-valued path (an enterprise's units) cannot repeat rows.
        under = kind.model._base_manager.filter(**{f"{kind.unit_path}__in": ever_under_ids([unit.pk])})
        rows = rows.filter(pk__in=under.values("pk"))
    if year and kind.year:
        rows = rows.filter(kind.year(year))
    if query.strip():
        rows = rows.filter(_search_q(rows, kind.search, query))
    sortable = {c.sort for c in kind.columns if c.sort}
    if sort.lstrip("-") in sortable:
        rows = rows.order_by(sort, "pk")
    elif kind.default_order:
        rows = rows.order_by(*kind.default_order, "pk")
    else:
        rows = rows.order_by(*(kind.model._meta.ordering or ["pk"]), "pk")
    return rows


def _search_q(rows: QuerySet, paths: tuple[str, ...], query: str) -> Q:
    folded, typed = fold(query), query.strip()
    q = Q()
    python_paths = []
    for path in paths:
        if path.endswith("search_name"):
            q |= Q(**{f"{path}__contains": folded})
        elif path.endswith("code") or path.endswith("_no"):
            q |= Q(**{f"{path}__icontains": typed})
        else:
            python_paths.append(path)
    if python_paths:
        # No folded column for these texts: fold them here. Only short lists (works, classes, programs)
        # search such columns, and the rows are already narrowed to the user's scope and filters.
        ids = [
            pk
            for pk, *texts in rows.values_list("pk", *python_paths).iterator(chunk_size=2000)
            if any(folded in fold(t or "") for t in texts)
        ]
        q |= Q(pk__in=ids)
    return q


def kind_counts(*, scope) -> list[tuple[object, int]]:
    """(kind, number of its records in scope, stopping past COUNT_CAP) for every kind, in declaration order."""
    from .kinds import KINDS

    scope = _scope(scope)
    return [
        (
            kind,
            capped_count(
                scope.filter(kind.model.objects.all(), paths=getattr(kind.model, "export_scope_paths", None))
            ),
        )
        for kind in KINDS
    ]


# ---- units and enterprises offered in forms and filters -----------------------------------------


def units_for(*, scope, kinds=None) -> QuerySet[Unit]:
    units = _scope(scope).units()
    if kinds:
        units = units.filter(kind__in=kinds)
    return units.order_by("code")
