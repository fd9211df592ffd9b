import logging

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from phoihop.core.params import BadParameter
from phoihop.portal import selectors as portal

from .menu import landing_url

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """After sign-in: the role's landing page (site.menu.landing_url) — the program overview, or the
    newsroom for a news editor; the plain start page only when no page fits the account."""
    url = landing_url(request.user)
    if url:
        return redirect(url)
    return render(request, "site/home.html")


def forbidden(request, exception=None):
    """403 in Vietnamese, saying why (the reason a view gave with PermissionDenied, or the role's)."""
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    """Visitors of the public portal get the portal's own page; staff get the staff one."""
    if not request.user.is_authenticated:
        try:
            context = {"site_name": portal.site_name(), "nav_categories": portal.categories()}
            return render(request, "portal/404.html", context, status=404)
        except Exception:  # noqa: BLE001 - a 404 must never become a 500; fall back to the plain page
            logger.exception("portal 404 page failed")
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    """A malformed request: the page says what was wrong (core.params.BadParameter carries it)."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request):
    return render(request, "500.html", status=500)
