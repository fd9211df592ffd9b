from django.conf import settings
from django.http import QueryDict
from django.utils import translation


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if _private(request):
            # Staff pages, API answers and exported files may hold personal data: no browser, proxy or
            # shared-computer cache may keep them (issue 11).
            response.headers["Cache-Control"] = "no-store, private"
        return response


def _private(request) -> bool:
    if request.path.startswith("/api/"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise. Staff in Vietnamese offices often run browsers set
    to English, so the browser's Accept-Language is not asked; only the language cookie set by the
    language switch (/i18n/setlang/) is. Replaces Django's LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class StripNulMiddleware:
    """NUL characters are dropped from the query string. Django's form fields refuse NUL already; this
    covers views that read `request.GET` directly (search boxes), where PostgreSQL would otherwise fail
    on the text and answer 500. What is left is searched as typed: a harmless result."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            clean = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            clean._mutable = False
            request.GET = clean
        return self.get_response(request)
