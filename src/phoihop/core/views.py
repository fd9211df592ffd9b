import logging

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .params import BadParameter

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """The staff site's start page after sign-in."""
    return render(request, "core/home.html")


def not_found(request, exception=None):
    """Visitors of the public portal get the portal's own page; staff get the staff one."""
    if not request.user.is_authenticated:
        try:
            from phoihop.portal import selectors

            context = {"site_name": selectors.site_name(), "nav_categories": selectors.categories()}
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
