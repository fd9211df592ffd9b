"""The subject-access download: an admin fetches, for one person of their scope, the file of everything
phoihop holds about them and who read it (privacy.subject_access)."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from phoihop.core.client_ip import client_ip

from .subject_access import subject_access_file


def _require_admin(request) -> None:
    if not request.user.can("audit"):
        raise PermissionDenied(_("Chỉ quản trị được trích xuất dữ liệu cá nhân."))


@login_required
def lookup(request):
    """A person code typed in → the download; the page explains what the file holds."""
    _require_admin(request)
    code = request.GET.get("ma", "").replace("\x00", "").strip()[:64]
    if code:
        return redirect("privacy:download", code=code)
    return render(request, "privacy/lookup.html")


@login_required
def download(request, code: str):
    _require_admin(request)
    data = subject_access_file(actor=request.user, code=code, ip_address=client_ip(request))
    body = json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"du-lieu-ca-nhan-{code}.json")
    response["Cache-Control"] = "no-store"
    return response
