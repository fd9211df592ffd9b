"""Staff pages of the records: the index of kinds, one generic list / create / edit for every kind
declared in records.kinds, and the person page. Views parse, authorise and call selectors/services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.accounts.scope import may_add, scope_for
from phoihop.core import params
from phoihop.core.client_ip import client_ip
from phoihop.core.paging import CappedPaginator, shown_count

from . import listing, other_side, selectors, services, unit_picker
from .kinds import BY_SLUG, Kind

PAGE_SIZE = 50


def _require(request, action: str) -> None:
    if not request.user.can(action):
        raise PermissionDenied


def _kind(slug: str) -> Kind:
    try:
        return BY_SLUG[slug]
    except KeyError as missing:
        raise Http404 from missing


def _client_ip(request) -> str | None:
    return client_ip(request)  # X-Forwarded-For only from a trusted proxy (core.client_ip)


def _row_url(kind: Kind, obj, may_write: bool) -> str | None:
    if kind.slug == "nguoi":
        return reverse("records:person", args=[obj.code])
    if may_write:
        return reverse("records:edit", args=[kind.slug, kind.key_of(obj)])
    return None


@login_required
def index(request):
    _require(request, "read")
    scope = scope_for(request.user)
    counts = selectors.kind_counts(scope=scope)
    cards = []
    for kind, n in counts:
        # Details held by the other side (admissions for a union unit): the count the report counts.
        other = other_side.count_for(scope, kind.slug) if n == 0 else None
        shown = shown_count(other.count if other else n)  # 13.876, as Vietnamese write it; hơn 10.000
        cards.append({"kind": kind, "count": shown, "other": other})
    # A dissolved unit's users keep its records (scope covers what stood under it on any day): say so.
    unit = request.user.unit
    ended = (
        unit if unit is not None and unit.dissolved_on and unit.dissolved_on < timezone.localdate() else None
    )
    return render(request, "records/index.html", {"counts": counts, "cards": cards, "ended_unit": ended})


@login_required
def record_list(request, slug: str):
    kind = _kind(slug)
    _require(request, "read")
    scope = scope_for(request.user)
    filters = listing.Filters.of(request)  # a malformed year: 400 with a message (core.params)
    rows = filters.rows(scope, kind)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(params.page_number(request))
    may_write = may_add(request.user, kind.model, trees=kind.trees)  # as record_create decides
    services.log_list_view(
        actor=request.user,
        model=kind.model._meta.label,
        filters={
            "q": filters.query,
            "don_vi": filters.unit_code,
            "nam": filters.year,
            "sap_xep": filters.sort,
            "trang": page.number,
        },
        rows=len(page.object_list),
        ip_address=_client_ip(request),
    )

    kept, sort = filters.kept, filters.sort
    headers = []
    for col in kind.columns:
        header = {"label": col.label, "num": col.money, "url": None, "arrow": ""}
        if col.sort:
            descending = sort == col.sort
            header["url"] = "?" + urlencode(kept | {"sap_xep": f"-{col.sort}" if descending else col.sort})
            header["arrow"] = "▲" if sort == col.sort else "▼" if sort == f"-{col.sort}" else ""
        headers.append(header)
    table = [
        {
            "url": _row_url(kind, obj, may_write),
            "cells": [{"text": c.value(obj), "num": c.money} for c in kind.columns],
        }
        for obj in page.object_list
    ]
    unit_search = request.GET.get("tim_don_vi", "").replace("\x00", "").strip()[:100]
    this_year = timezone.localdate().year
    years = list(range(this_year + 1, 1999, -1))
    if filters.year and filters.year not in years:
        years = sorted({*years, filters.year}, reverse=True)
    return render(
        request,
        "records/list.html",
        {
            "kind": kind,
            "page": page,
            "total": page.paginator.shown_count,
            "headers": headers,
            "table": table,
            "query": filters.query,
            "unit_code": filters.unit_code or "",
            "year": filters.year or "",
            "years": years,
            "has_year": kind.year is not None,
            "unit_groups": unit_picker.build(scope, search=unit_search) if kind.unit_path else [],
            "unit_search": unit_search,
            "page_query": filters.query_string,
            "filtered": bool(filters.query or filters.unit_code or filters.year),
            "other": _other(scope, kind, filters) if not page.object_list else None,
            "may_write": may_write,
            "may_export": bool(page.object_list),
        },
    )


def _other(scope, kind: Kind, filters) -> dict | None:
    """An empty list whose details belong to the other side: the count the report counts, and who holds
    the details (records.other_side)."""
    if filters.query or filters.unit_code:
        return None  # searched or narrowed to a unit: that count is not one the report gives
    found = other_side.count_for(scope, kind.slug, year=filters.year)
    if found is None:
        return None
    return {"count": shown_count(found.count), "what": found.what, "holder": found.holder}


@login_required
def record_export(request, slug: str):
    """The filtered list as .xlsx: the list's scope, filters and order; personal fields emptied where
    the person page hides them; audited like the list view."""
    kind = _kind(slug)
    _require(request, "read")
    scope = scope_for(request.user)
    filters = listing.Filters.of(request)
    data = listing.table(filters.rows(scope, kind), scope, kind, cap=listing.EXPORT_CAP)
    listing.log_export(
        actor=request.user, kind=kind, filters=filters, rows=len(data.rows), fmt="xlsx",
        ip_address=_client_ip(request),
    )  # fmt: skip
    unit = scope.get_unit_or_404(filters.unit_code) if filters.unit_code else None
    subtitle = listing.describe(kind, filters, unit.name if unit else None) or _("Tất cả trong phạm vi")
    body = listing.xlsx(
        kind,
        data,
        title=kind.title,
        subtitle=_("%(filters)s · xuất ngày %(day)s")
        % {"filters": subtitle, "day": timezone.localdate().strftime("%d/%m/%Y")},
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{listing.file_name(kind, filters, "xlsx")}"'
    return response


@login_required
def record_print(request, slug: str):
    """The filtered list, printable (PDF, A4): the unit's heading, a title, the table, signature lines."""
    kind = _kind(slug)
    _require(request, "read")
    render_pdf = listing.printer()
    if render_pdf is None:  # the reports app is not installed
        raise Http404
    scope = scope_for(request.user)
    filters = listing.Filters.of(request)
    unit = scope.get_unit_or_404(filters.unit_code) if filters.unit_code else None
    data = listing.table(filters.rows(scope, kind), scope, kind, cap=listing.PRINT_CAP)
    listing.log_export(
        actor=request.user, kind=kind, filters=filters, rows=len(data.rows), fmt="pdf",
        ip_address=_client_ip(request),
    )  # fmt: skip
    body = render_pdf(
        kind=kind,
        data=data,
        unit=unit or request.user.unit,
        subtitle=listing.describe(kind, filters, unit.name if unit else None),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{listing.file_name(kind, filters, "pdf")}"'
    return response


def _form_page(request, kind: Kind, instance=None):
    scope = scope_for(request.user)
    data = request.POST if request.method == "POST" else None
    form = kind.form(data, instance=instance, scope=scope)
    for name, field in form.fields.items():
        if getattr(field, "suggestions", None):
            field.widget.attrs["list"] = f"goi-y-{name}"
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        authors = form.cleaned_data.get("authors")
        try:
            if instance is None:
                services.create_record(actor=request.user, instance=record, authors=authors)
                messages.success(request, _("Đã thêm %(what)s.") % {"what": kind.label_one})
            else:
                services.update_record(actor=request.user, instance=record, authors=authors)
                messages.success(request, _("Đã lưu thay đổi."))
        except PermissionDenied as refused:
            if not str(refused):
                raise
            # A refusal with a reason (a locked period, say) is shown on the form; nothing was written.
            form.add_error(None, str(refused))
        else:
            if kind.slug == "nguoi":
                return redirect("records:person", record.code)
            return redirect("records:list", kind.slug)
    return render(
        request,
        "records/form.html",
        {"kind": kind, "form": form, "instance": instance},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def record_create(request, slug: str):
    kind = _kind(slug)
    if not may_add(request.user, kind.model, trees=kind.trees):
        raise PermissionDenied  # as the list shows no add button (a union's staff: no admissions)
    return _form_page(request, kind)


@login_required
def record_edit(request, slug: str, key: str):
    kind = _kind(slug)
    _require(request, "read")
    if kind.key == "pk" and not key.isdigit():
        raise Http404
    scope = scope_for(request.user)
    instance = scope.get_or_404(kind.model.objects.all(), **{kind.key: key})
    _require(request, "write")
    if kind.slug == "nguoi":
        # The form shows personal fields: only those who may see them may edit them (the read is logged).
        detail = selectors.person_detail(user=request.user, code=key, ip_address=_client_ip(request))
        if not detail.show_personal:
            raise PermissionDenied
    return _form_page(request, kind, instance)


@login_required
def person(request, code: str):
    detail = selectors.person_detail(user=request.user, code=code, ip_address=_client_ip(request))
    return render(
        request,
        "records/person.html",
        {
            "d": detail,
            "p": detail.person,
            "may_edit": request.user.can("write") and detail.show_personal,
            # Chuyển đi is recorded by the person's union (or a unit above it).
            "may_move": request.user.can("write")
            and detail.person.grassroots_union_id is not None
            and scope_for(request.user).covers_unit(detail.person.grassroots_union_id),
        },
    )
