"""Staff pages of the records: the index of kinds, one generic list / create / edit for every kind
declared in records.kinds, and the person page. Views parse, authorise and call selectors/services."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from phoihop.accounts.scope import scope_for
from phoihop.core import params
from phoihop.core.client_ip import client_ip
from phoihop.core.paging import CappedPaginator, shown_count
from phoihop.orgs.models import Unit

from . import selectors, services
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
    counts = selectors.kind_counts(scope=request.user)
    cards = [(kind, shown_count(n)) for kind, n in counts]  # 13.876, as Vietnamese write it; hơn 10.000
    return render(request, "records/index.html", {"counts": counts, "cards": cards})


@login_required
def record_list(request, slug: str):
    kind = _kind(slug)
    _require(request, "read")
    scope = scope_for(request.user)
    query = request.GET.get("q", "").strip()[:100]
    unit_code = request.GET.get("don_vi", "").strip() or None
    year = params.year(request, "nam")  # malformed or out of range: 400 with a message
    sort = request.GET.get("sap_xep", "")
    rows = selectors.records_for(
        scope=scope, kind=kind, query=query, unit_code=unit_code, year=year, sort=sort
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(params.page_number(request))
    may_write = request.user.can("write")
    services.log_list_view(
        actor=request.user,
        model=kind.model._meta.label,
        filters={"q": query, "don_vi": unit_code, "nam": year, "sap_xep": sort, "trang": page.number},
        rows=len(page.object_list),
        ip_address=_client_ip(request),
    )

    kept = {k: v for k, v in {"q": query, "don_vi": unit_code, "nam": year, "sap_xep": sort}.items() if v}
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
    filter_units = selectors.units_for(scope=scope).exclude(kind__in=Unit.GRASSROOTS_KINDS)
    return render(
        request,
        "records/list.html",
        {
            "kind": kind,
            "page": page,
            "total": page.paginator.shown_count,
            "headers": headers,
            "table": table,
            "query": query,
            "unit_code": unit_code or "",
            "year": year or "",
            "filter_units": filter_units,
            "page_query": urlencode({k: v for k, v in kept.items()}),
            "may_write": may_write,
        },
    )


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
    _require(request, "write")
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
