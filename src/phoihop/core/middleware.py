import json

from django.conf import settings
from django.http import QueryDict
from django.http.request import RawPostDataException
from django.utils import translation

from .text import clean_text


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


class CleanTextMiddleware:
    """Text arrives in Unicode NFC on every way in (issue 14): the query string, form fields and JSON
    bodies are normalised here, once, by `core.text.clean_text`, before any view, form or API schema
    reads them — "Thái" typed decomposed (some keyboards, macOS) is then the same string as "Thái"
    composed in every unique key, search and breakdown. The workbook import normalises its cells in its
    reader. Nothing is copied unless some value needs it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.META.get("QUERY_STRING", "").isascii() or "%" in request.META.get("QUERY_STRING", ""):
            request.GET = _clean_query(request.GET)
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                request.POST = _clean_query(request.POST)
            elif content_type == "application/json":
                _clean_json_body(request)
        return self.get_response(request)


def _needs_cleaning(value: str) -> bool:
    return clean_text(value) is not value


def _clean_query(query: QueryDict) -> QueryDict:
    if not any(_needs_cleaning(k) or any(_needs_cleaning(v) for v in vs) for k, vs in query.lists()):
        return query
    clean = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        clean.setlist(clean_text(key), [clean_text(v) for v in values])
    clean._mutable = False
    return clean


def _clean_json_body(request) -> None:
    try:
        body = request.body
    except RawPostDataException:  # the stream was read already: nothing to change
        return
    if body.isascii() and b"\\u" not in body:
        return
    try:
        data = json.loads(body)
    except ValueError:
        return  # the API answers the malformed body itself
    clean = _clean_json(data)
    if clean != data:
        request._body = json.dumps(clean, ensure_ascii=False).encode()


def _clean_json(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): _clean_json(v) for k, v in value.items()}
    return value
