"""Reads shaped for the API, always through the caller's scope. Person reads go through
records.selectors (people_for, person_detail), which own the party-data rule and the read log."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from phoihop.accounts.scope import Scope
from phoihop.audit.services import log_read
from phoihop.core import paging
from phoihop.orgs import selectors as orgs
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Person
from phoihop.records.selectors import PERSON_MODEL, PersonDetail, people_for


def unit_ref(unit: Unit | None) -> dict | None:
    return None if unit is None else {"code": unit.code, "name": unit.name, "kind": unit.kind}


def visible_ref(scope: Scope, unit: Unit | None) -> dict | None:
    """A reference to a unit only when the scope covers it (a parent or merger target may lie outside)."""
    return unit_ref(unit) if unit is not None and scope.covers_unit(unit) else None


def enterprise_ref(enterprise: Enterprise | None) -> dict | None:
    return None if enterprise is None else {"code": enterprise.code, "name": enterprise.name}


def unit_out(scope: Scope, unit: Unit) -> dict:
    today = timezone.localdate()
    return {
        **unit_ref(unit),
        "kind_label": str(unit.get_kind_display()),
        "tree": str(unit.tree),
        "founded_on": unit.founded_on,
        "dissolved_on": unit.dissolved_on,
        "exists_today": unit.exists_on(today),
        "area": unit.area,
        "enterprise": enterprise_ref(unit.enterprise),
        "parent": visible_ref(scope, orgs.parent_on(unit, on=today)),
        "merged_into": visible_ref(scope, unit.merged_into),
    }


def children_out(scope: Scope, unit: Unit, *, on: date) -> dict:
    children = (
        orgs.children_on(unit, on=on)
        .filter(pk__in=scope.visible_unit_ids())
        .select_related("enterprise")
        .order_by("kind", "search_name")
    )
    return {
        "unit": unit_ref(unit),
        "on": on,
        "children": [
            {
                **unit_ref(c),
                "founded_on": c.founded_on,
                "dissolved_on": c.dissolved_on,
                "enterprise": enterprise_ref(c.enterprise),
            }
            for c in children
        ],
    }


def people_of_unit(scope: Scope, unit: Unit, *, on: date | None, query: str = "") -> QuerySet[Person]:
    """People whose grassroots union stands in the unit's subtree: on any day when `on` is None (as scope
    reads it), otherwise on that day and with a union membership running that day."""
    people = people_for(scope=scope, query=query, unit_code=unit.code)
    if on is not None:
        people = people.filter(
            grassroots_union__in=orgs.units_under(unit, on=on).values("pk"),
        ).filter(
            Q(union_joined_on__isnull=True) | Q(union_joined_on__lte=on),
            Q(union_left_on__isnull=True) | Q(union_left_on__gte=on),
        )
    return people


def person_item(person: Person) -> dict:
    return {
        "code": person.code,
        "full_name": person.full_name,
        "grassroots_union": unit_ref(person.grassroots_union),
        "enterprise": enterprise_ref(person.enterprise),
        "union_joined_on": person.union_joined_on,
        "union_left_on": person.union_left_on,
    }


def page_of_people(
    people: QuerySet[Person], *, page: int, page_size: int, actor, ip_address: str | None
) -> dict:
    """One page of a people list; the names on it are personal data, so the read is logged."""
    # An exact count over a national scope would read every row; it stops past 10,000 (core.paging).
    count = paging.capped_count(people)
    rows = list(people[(page - 1) * page_size : page * page_size])
    if rows:
        log_read(
            actor=actor,
            model=PERSON_MODEL,
            object_codes=[p.code for p in rows],
            detail="api: danh sách",
            ip_address=ip_address,
        )
    return {
        "count": count,
        "count_capped": count > paging.COUNT_CAP,
        "page": page,
        "page_size": page_size,
        "items": [person_item(p) for p in rows],
    }


def move_out(move) -> dict:
    return {
        "id": move.pk,
        "person": move.person.code,
        "moved_on": move.moved_on,
        "from_union": unit_ref(move.from_union),
        "to_union": unit_ref(move.to_union),
        "status": move.status,
        "refusal_reason": move.refusal_reason,
    }


def person_out(detail: PersonDetail) -> dict:
    """Shape `records.selectors.person_detail` for the API, keeping its party-data rule."""
    p = detail.person
    personal = detail.show_personal
    admission = None
    if detail.admission_access == "full" and detail.admission is not None:
        a = detail.admission
        admission = {
            "access": "full",
            "admitted": True,
            "admitted_on": a.admitted_on,
            "party_unit": unit_ref(a.party_unit),
            "decision_no": a.decision_no,
            "full_member_on": a.full_member_on,
        }
    elif detail.admission_access == "fact" and detail.admitted_on is not None:
        admission = {"access": "fact", "admitted": True, "admitted_on": detail.admitted_on}
    return {
        "code": p.code,
        "full_name": p.full_name,
        "personal_data_shown": personal,
        "birth_date": p.birth_date if personal else None,
        "gender": (p.gender or None) if personal else None,
        "ethnicity": (p.ethnicity or None) if personal else None,
        "cccd": (p.cccd or None) if personal else None,
        "is_business_owner": p.is_business_owner,
        # A former union does not learn where the person went (records.selectors.PersonDetail.former_only).
        "enterprise": None if detail.former_only else enterprise_ref(p.enterprise),
        "grassroots_union": None if detail.former_only else unit_ref(p.grassroots_union),
        "history": [
            {
                "starts_on": e.starts_on,
                "grassroots_union": unit_ref(e.grassroots_union),
                "enterprise": enterprise_ref(e.enterprise),
                "reason": e.reason,
            }
            for e in detail.history
        ],
        "moves": [move_out(m) for m in detail.moves],
        "union_joined_on": p.union_joined_on,
        "union_left_on": p.union_left_on,
        "referrals": [
            {
                "referred_on": r.referred_on,
                "referring_unit": unit_ref(r.referring_unit),
                "receiving_party_unit": unit_ref(r.receiving_party_unit),
            }
            for r in detail.referrals
        ],
        "trainings": [
            {
                "code": e.training_class.code,
                "name": e.training_class.name,
                "organiser": unit_ref(e.training_class.organiser),
                "starts_on": e.training_class.starts_on,
                "ends_on": e.training_class.ends_on,
            }
            for e in detail.enrolments
        ],
        "admission": admission,
    }


def enterprise_out(scope: Scope, enterprise: Enterprise) -> dict:
    units = scope.units().filter(enterprise=enterprise).order_by("kind", "search_name")
    return {
        "code": enterprise.code,
        "name": enterprise.name,
        "tax_code": enterprise.tax_code,
        "ownership": enterprise.ownership,
        "ownership_label": str(enterprise.get_ownership_display()),
        "is_non_state": enterprise.is_non_state,
        "area": enterprise.area,
        "workforce": enterprise.workforce,
        "units": [unit_ref(u) for u in units],
    }
