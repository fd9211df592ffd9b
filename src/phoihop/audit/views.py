"""The audit log page: every change and every read of a person's record, filtered and paginated.

Only the admin role (and superusers) may open it. An admin sees the entries of accounts held on units
in their scope; entries written by the system (imports from the command line, the demo) are shown to
admins of a root unit only.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.core import params

from .models import AuditEntry

PAGE_SIZE = 50


def entries_for(user) -> QuerySet[AuditEntry]:
    scope = scope_for(user)
    entries = AuditEntry.objects.select_related("actor")
    if scope.everything:
        return entries
    visible = Q(actor__unit__in=scope.visible_unit_ids())
    if scope.holds_root:
        visible |= Q(actor__isnull=True)
    return entries.filter(visible)


def _parse_day(raw: str, label: str, problems: list[str]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    day = params.read_day(raw)  # dd/mm/yyyy as typed here, or ISO
    if day is None:
        problems.append(_("%(label)s: '%(raw)s' không phải ngày hợp lệ.") % {"label": label, "raw": raw})
    return day


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
def log(request):
    if not request.user.can("audit"):
        raise PermissionDenied(_("Chỉ quản trị được xem nhật ký."))
    entries = entries_for(request.user)
    g = request.GET
    problems: list[str] = []
    # NUL cannot reach PostgreSQL in a query; nobody types it, so it is dropped.
    filters = {
        key: g.get(key, "").replace("\x00", "").strip()[:200]
        for key in ("user", "model", "action", "object_code", "from", "to")
    }
    models = sorted(set(entries.values_list("model", flat=True).distinct()))
    if filters["user"]:
        entries = entries.filter(actor_name__iexact=filters["user"])
    if filters["model"]:
        entries = entries.filter(model=filters["model"])
    if filters["action"]:
        if filters["action"] in AuditEntry.Action.values:
            entries = entries.filter(action=filters["action"])
        else:
            problems.append(_("Hành động: giá trị không hợp lệ."))
    if filters["object_code"]:
        entries = entries.filter(object_code=filters["object_code"])
    day_from = _parse_day(filters["from"], _("Từ ngày"), problems)
    day_to = _parse_day(filters["to"], _("Đến ngày"), problems)
    if day_from:
        entries = entries.filter(at__gte=_start_of(day_from))
    if day_to:
        entries = entries.filter(at__lt=_start_of(day_to + timedelta(days=1)))
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(params.page_number(request, "page"))
    query = g.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "filters": filters,
            "problems": problems,
            "models": models,
            "actions": AuditEntry.Action.choices,
            "query": query.urlencode(),
        },
    )
