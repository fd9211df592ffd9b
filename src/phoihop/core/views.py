from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The staff site's start page after sign-in."""
    return render(request, "core/home.html")


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
