"""The staff menu and each role's landing page, from the same answers the views give: User.can() over
User.PERMISSIONS and accounts.scope (a menu never offers a page that would answer 403)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from phoihop.accounts.scope import scope_for
from phoihop.portal.services import can_edit_news


def _has_scope(user) -> bool:
    """What the overview and the targets grid ask before they open (a user without units gets a 403)."""
    scope = scope_for(user)
    return bool(scope.everything or scope.unit_ids)


# (url name, label, who may open it) — in the order of the menu.
ENTRIES = [
    ("reports:dashboard", _("Tổng quan"), _has_scope),
    ("orgs:tree", _("Đơn vị"), lambda u: u.can("read")),
    ("records:index", _("Hồ sơ"), lambda u: u.can("read")),
    ("workbook:upload", _("Sổ dữ liệu"), lambda u: u.can("read")),
    ("indicators:targets", _("Chỉ tiêu"), lambda u: u.can("read") and _has_scope(u)),
    ("reports:index", _("Báo cáo"), lambda u: u.can("report")),
    ("periods:index", _("Báo cáo định kỳ"), lambda u: u.can("report")),
    ("portal:editor_index", _("Tin tức"), can_edit_news),
    ("audit:log", _("Nhật ký"), lambda u: u.can("audit")),
    ("accounts:users", _("Tài khoản"), lambda u: u.can("manage_users")),
]


def staff_menu(user) -> list[tuple[str, str]]:
    """(url, label) of each page the user may open; pages whose app is not installed are left out."""
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for name, label, allowed in ENTRIES:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if allowed(user):
            links.append((url, str(label)))
    return links


def landing_url(user) -> str | None:
    """Where the user starts after signing in: the news editor in the newsroom, everyone else with a
    scope on the program overview (the one "Tổng quan"); None when no page fits (the plain start page)."""
    if can_edit_news(user) and not user.can("read"):
        preferred = ["portal:editor_index"]
    else:
        preferred = ["reports:dashboard", "orgs:tree"]
    menu = dict((url, label) for url, label in staff_menu(user))
    for name in preferred:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url in menu:
            return url
    return None
