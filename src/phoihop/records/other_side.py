"""Counts that never contradict the report, for records whose details belong to the other side.

A union unit refers its outstanding members to the Party; the admission itself (decision, admitting
party unit), the training classes and who sat in them are party records, visible only to the party units
(accounts.scope). So a province federation's records page counted 0 admissions next to a report of 4.884
"đoàn viên ưu tú được kết nạp Đảng". The report counts the people its units referred and the Party
admitted (indicators `union.referred_admitted`: referred on or before the admission); this module counts
the same, through the same scope predicate (`Scope.filter` on the referrals), and the pages say that the
details belong to the party side. Likewise, a party unit learns how many of the people it admitted had
been referred, whose referral rows belong to the union side.

Nothing here reveals a detail: only a number, of rows whose existence the other side's report publishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from phoihop.accounts.scope import Scope
from phoihop.core.paging import capped_count

from .models import Admission, Enrolment, Referral, TrainingClass


@dataclass(frozen=True)
class OtherSide:
    count: int
    what: str  # what is counted, one sentence
    holder: str  # who keeps the details
    short: str = ""  # what is counted, for a card
    side: str = ""  # who keeps the details, for a card


def _referred_by_scope(scope: Scope, person: str, on_or_before: str | None = None):
    """Referrals made by a unit of the scope (the same predicate as the referral list) of the person in
    column `person` of the outer query, on or before its date column `on_or_before`."""
    referrals = scope.filter(Referral.objects.all(), paths=("referring_unit",)).filter(
        person=OuterRef(person)
    )
    if on_or_before:
        referrals = referrals.filter(referred_on__lte=OuterRef(on_or_before))
    return Exists(referrals)


def count_for(scope: Scope, slug: str, *, year: int | None = None) -> OtherSide | None:
    """The count to show for kind `slug` when its details belong to the other side of this scope."""
    found = _counted(scope, slug)
    if found is None:
        return None
    rows, dated_by, texts = found
    if year:
        rows = rows.filter(**{f"{dated_by}__year": year})
    return OtherSide(capped_count(rows), *texts)


def _counted(scope: Scope, slug: str):
    """(the rows counted, the date their year is, the words of OtherSide) for kind `slug`, or None."""
    sides = scope.trees
    if sides == {"union"}:
        party = _("bên Đảng (tổ chức đảng kết nạp, tổ chức lớp)")
        if slug == "ket-nap":
            rows = Admission.objects.unscoped().filter(_referred_by_scope(scope, "person", "admitted_on"))
            return (
                rows,
                "admitted_on",
                (
                    _("đoàn viên do các đơn vị trong phạm vi của bạn giới thiệu đã được kết nạp Đảng"),
                    party,
                    _("Người do đơn vị bạn giới thiệu"),
                    _("bên Đảng"),
                ),
            )
        if slug == "hoc-vien":
            rows = Enrolment.objects.unscoped().filter(_referred_by_scope(scope, "person"))
            return (
                rows,
                "training_class__starts_on",
                (
                    _("lượt học lớp bồi dưỡng của người do các đơn vị trong phạm vi của bạn giới thiệu"),
                    party,
                    _("Lượt học của người do đơn vị bạn giới thiệu"),
                    _("bên Đảng"),
                ),
            )
        if slug == "lop-boi-duong":
            attended = Enrolment.objects.unscoped().filter(
                training_class=OuterRef("pk"), person__in=_referred_people(scope)
            )
            rows = TrainingClass.objects.unscoped().filter(Exists(attended))
            return (
                rows,
                "starts_on",
                (
                    _("lớp bồi dưỡng có người do các đơn vị trong phạm vi của bạn giới thiệu theo học"),
                    party,
                    _("Lớp có người do đơn vị bạn giới thiệu"),
                    _("bên Đảng"),
                ),
            )
    if sides == {"party"} and slug == "gioi-thieu":
        admitted = scope.filter(Admission.objects.all()).filter(
            person=OuterRef("person"), admitted_on__gte=OuterRef("referred_on")
        )
        rows = Referral.objects.unscoped().filter(Exists(admitted))
        return (
            rows,
            "referred_on",
            (
                _("lượt giới thiệu của công đoàn cho những người được kết nạp trong phạm vi của bạn"),
                _("bên công đoàn (đơn vị giới thiệu)"),
                _("Giới thiệu người được kết nạp trong phạm vi"),
                _("bên công đoàn"),
            ),
        )
    return None


def _referred_people(scope: Scope):
    return scope.filter(Referral.objects.all(), paths=("referring_unit",)).values("person_id")
