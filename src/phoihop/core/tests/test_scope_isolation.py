"""Scope isolation, generated — not listed by hand.

Every staff route of the URL conf that takes an argument, and every path of the OpenAPI document, is
opened for an object of province A by a user who sees it (must work: 200, so this test cannot pass
vacuously), then for the mirror object of the outsider province X (must be 404, the same as a code that
does not exist) — by that user and by the district editor of A. Values come from the pairs in
`pairs.py` and from links found by crawling the staff pages as the insider (so a route added later, say
`/ho-so/<kind>/<key>/sua/`, is reached with real kinds and keys without editing this file).

A route that no pair opens fails the test with a message: add a pair for its object to `pairs.py`, or
add it to `EXCLUDED` with the reason.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from phoihop.accounts.models import ApiToken

from .pairs import Pair, build_pairs

# ---- what is not checked, and why ------------------------------------------------------------------
EXCLUDED_NAMESPACES = {
    # Django's admin: superusers only, behind its own permission checks.
    "admin",
    # The API's routes are checked below from the OpenAPI document, with bearer tokens.
    "api",
}
EXCLUDED_ROUTES = {
    # Public pages: the portal publishes articles and categories to everyone by slug, and serves
    # public media files; they are meant to be seen from outside any scope.
    "portal:article",
    "portal:category",
    "portal:media",
    "portal:home",
    "portal:search",
}
# Parameters that pick a kind of page, a format or a period rather than an object: they are filled
# from links found on the pages (records' `<slug>` names a record kind) or from these defaults.
SELECTOR_PARAMS = {"slug", "kind", "fmt", "format", "ext", "year", "on", "page", "lang", "sheet"}
DEFAULTS = {"year": ["2024", "2022"], "on": ["2024-01-01"], "fmt": ["html", "json", "csv", "xlsx"]}
DISTRICT_EDITOR = "editor_bac"  # the district user of LDLD-A the brief names
CRAWL_LIMIT = 250
VISITS_PER_ROUTE = 4
PARAM_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")


@dataclass
class Route:
    key: str  # namespace:name
    template: str  # "/ho-so/<slug:slug>/<str:key>/sua/"
    params: list[tuple[str, str]]  # (name, converter)
    seen: list[dict] = field(default_factory=list)  # kwargs of links found while crawling

    @property
    def object_params(self) -> list[str]:
        return [n for n, _ in self.params if n not in SELECTOR_PARAMS]

    def url(self, kwargs: dict) -> str:
        return "/" + PARAM_RE.sub(lambda m: str(kwargs[m.group("name")]), self.template)


def staff_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x) or None
                if (p.namespace or "") in EXCLUDED_NAMESPACES:
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                key = f"{namespace}:{p.name}" if namespace else str(p.name)
                template = prefix + str(p.pattern)
                if key in EXCLUDED_ROUTES or "<" not in template and "(?P" not in template:
                    continue
                if template.startswith("^") or "(?P" in template:
                    raise AssertionError(f"{key}: regex route {template!r}; exclude it or give it a path()")
                params = [(m.group("name"), m.group("conv") or "str") for m in PARAM_RE.finditer(template)]
                routes[key] = Route(key, template, params)

    walk(get_resolver().url_patterns, "", None)
    return routes


def signed_in(username: str, users) -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def crawl(client: Client, routes: dict[str, Route]) -> None:
    """Follow links from every parameterless staff page, recording the arguments of links that hit a
    parameterised route (a list page links to its records' pages)."""
    starts = _parameterless()
    queue, seen = list(starts), set(starts)
    visits: dict[str, int] = defaultdict(int)
    by_name = {r.key: r for r in routes.values()}
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"]+)"', response.content.decode(errors="replace")):
            parts = urlsplit(html.unescape(href))
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            key = ":".join(match.namespaces + [match.url_name or ""])
            if key in by_name and match.kwargs and match.kwargs not in by_name[key].seen:
                by_name[key].seen.append(match.kwargs)
            if parts.path in seen or key in EXCLUDED_ROUTES or key.startswith(("admin", "api:")):
                continue
            if "logout" in key or visits[key] >= VISITS_PER_ROUTE:
                continue  # a few pages of each kind show its links; all of them would only cost time
            visits[key] += 1
            seen.add(parts.path)
            queue.append(parts.path)


def _parameterless() -> list[str]:
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if (p.namespace or "") in EXCLUDED_NAMESPACES:
                    continue
                ns = ":".join(x for x in (namespace, p.namespace) if x) or None
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                template = prefix + str(p.pattern)
                if "<" in template or "(?P" in template or template.startswith("^"):
                    continue
                if "logout" in str(p.name) or template.endswith((".xml", ".txt")):
                    continue
                found.append("/" + template)

    walk(get_resolver().url_patterns, "", None)
    return found


def candidate_kwargs(route: Route, pairs: list[Pair]) -> list[tuple[Pair, str, dict]]:
    """(pair, object param, kwargs with the pair's inside value) to try on `route`."""
    selector_values = defaultdict(set)
    for kwargs in route.seen:
        for name, value in kwargs.items():
            if name in SELECTOR_PARAMS:
                selector_values[name].add(str(value))
    for name, _conv in route.params:
        if name in SELECTOR_PARAMS and not selector_values[name]:
            selector_values[name].update(DEFAULTS.get(name, []))
    out = []
    inside_values = {v: p for p in pairs for v in p.values("inside")}
    # Links found on the pages first: real combinations of kind and key.
    for kwargs in route.seen:
        for name in route.object_params:
            pair = inside_values.get(str(kwargs.get(name)))
            if pair is not None:
                out.append((pair, name, dict(kwargs)))
    if out:
        return out  # links give real combinations; guessing more would only multiply requests
    # Otherwise every pair's values in every object parameter, with selector values from links or defaults.
    selectors = [n for n, _ in route.params if n in SELECTOR_PARAMS]
    combos = list(itertools.product(*(sorted(selector_values[n]) for n in selectors))) or [()]
    for pair in pairs:
        for name in route.object_params:
            conv = dict(route.params)[name]
            values = [str(pair.inside.pk)] if conv == "int" else pair.values("inside")
            for value, combo in itertools.product(values, combos):
                kwargs = dict(zip(selectors, combo, strict=True))
                for other in route.object_params:
                    kwargs[other] = value
                out.append((pair, name, kwargs))
    return out


def missing_kwargs(route: Route, name: str, kwargs: dict) -> dict:
    conv = dict(route.params)[name]
    return {**kwargs, name: "999999999" if conv == "int" else "KHONG-CO-MA-NAY"}


def outside_kwargs(pair: Pair, name: str, kwargs: dict) -> dict:
    inside, outside = pair.values("inside"), pair.values("outside")
    value = str(kwargs[name])
    swapped = dict(kwargs)
    for other, v in kwargs.items():
        if str(v) == value:
            swapped[other] = outside[inside.index(value)]
    return swapped


def opens(client: Client, url: str) -> tuple[bool, int, str]:
    """Whether an in-scope user gets the page: 200 on GET; for a POST-only route, any answer but
    403/404/500 to an empty POST (a form error is fine)."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
        return response.status_code not in (403, 404, 405, 500), response.status_code, "POST"
    return response.status_code == 200, response.status_code, "GET"


def status_of(client: Client, url: str, method: str) -> int:
    return (client.get(url) if method == "GET" else client.post(url, {})).status_code


@pytest.fixture
def pairs(world):
    return build_pairs(world)


@pytest.mark.django_db
def test_every_staff_route_with_an_argument_hides_the_outsider_province(world, pairs, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    routes = staff_routes()
    assert routes, "no staff route with an argument was found"
    clients = {u: signed_in(u, world.users) for u in {p.insider for p in pairs} | {DISTRICT_EDITOR}}
    for username in {p.insider for p in pairs}:
        crawl(clients[username], routes)

    problems, proven, refused_by_role = [], defaultdict(list), set()
    for route in routes.values():
        if not route.object_params:
            continue  # e.g. /bao-cao/tai-ve.<fmt>: no object named, nothing to hide
        tried = set()
        for pair, name, kwargs in candidate_kwargs(route, pairs):
            url = route.url(kwargs)
            if (pair.kind, url) in tried:
                continue
            tried.add((pair.kind, url))
            ok, _status, method = opens(clients[pair.insider], url)
            if not ok:
                continue
            outside_url = route.url(outside_kwargs(pair, name, kwargs))
            got = status_of(clients[pair.insider], outside_url, method)
            if got != 404:
                problems.append(f"{route.key}: {pair.insider} {method} {outside_url} → {got}, expected 404")
            # The district editor may lack the route's role; a refusal that does not depend on the object
            # (the same status for a number that exists nowhere) reveals nothing either.
            got = status_of(clients[DISTRICT_EDITOR], outside_url, method)
            missing_url = route.url(missing_kwargs(route, name, kwargs))
            if got != 404 and got != status_of(clients[DISTRICT_EDITOR], missing_url, method):
                problems.append(
                    f"{route.key}: {DISTRICT_EDITOR} {method} {outside_url} → {got}, expected 404"
                )
            elif got != 404:
                refused_by_role.add(route.key)
            proven[route.key].append(f"{pair.kind}: {url}")
        if route.key not in proven:
            problems.append(
                f"{route.key} ({route.template}): no in-scope object opened it (200) — add a pair for its "
                f"object to core/tests/pairs.py or exclude it in EXCLUDED_ROUTES with the reason"
            )
    assert not problems, "\n".join(problems)
    assert "orgs:unit" not in refused_by_role  # staff pages of units answer 404 before any role check
    # The checks above really ran: the unit, enterprise and form pages are among the proven routes.
    assert {"orgs:unit", "orgs:enterprise", "orgs:transfer"} <= set(proven)


# ---- the API, from its OpenAPI document ---------------------------------------------------------------


def _example(schema: dict, components: dict):
    """A value of the right type for a request body field (the content does not matter: the object in
    the path is looked up first)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], components)
    kind = schema.get("type")
    if kind == "object":
        return {k: _example(v, components) for k, v in schema.get("properties", {}).items()}
    if schema.get("format") == "date":
        return date(2024, 1, 1).isoformat()
    return {"integer": 1, "number": 1, "boolean": False, "array": []}.get(kind, "x")


def api_operations(document: dict):
    components = document.get("components", {}).get("schemas", {})
    for path, item in document["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        if not names:
            continue
        for method, operation in item.items():
            body = None
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                body = _example(content["schema"], components)
            yield path, names, method.upper(), body


def api_call(client: Client, token: str, method: str, url: str, body) -> int:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "GET":
        return client.get(url, **headers).status_code
    return client.generic(
        method, url, data=_json(body), content_type="application/json", **headers
    ).status_code


def _json(body) -> str:
    import json

    return json.dumps(body if body is not None else {})


@pytest.mark.django_db
def test_every_api_path_hides_the_outsider_province(world, pairs):
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    tokens = {u: ApiToken.issue(world.users[u]) for u in {p.insider for p in pairs} | {DISTRICT_EDITOR}}
    problems, proven = [], set()
    operations = list(api_operations(document))
    assert operations, "the OpenAPI document lists no path with a parameter"
    for path, names, method, body in operations:
        for pair in pairs:
            for value in pair.values("inside"):
                url = path
                for name in names:
                    url = url.replace("{" + name + "}", pair.named_values("inside").get(name, value))
                status = api_call(client, tokens[pair.insider], method, url, body)
                works = status == 200 if method == "GET" else status not in (401, 403, 404, 405, 500)
                if not works:
                    continue
                outside = pair.values("outside")[pair.values("inside").index(value)]
                outside_url = path
                for name in names:
                    outside_url = outside_url.replace(
                        "{" + name + "}", pair.named_values("outside").get(name, outside)
                    )
                for username in (pair.insider, DISTRICT_EDITOR):
                    got = api_call(client, tokens[username], method, outside_url, body)
                    if got != 404:
                        problems.append(f"{method} {outside_url} as {username} → {got}, expected 404")
                proven.add((path, method))
        if (path, method) not in proven:
            problems.append(
                f"{method} {path}: no in-scope object opened it — add a pair to core/tests/pairs.py"
            )
    assert not problems, "\n".join(problems)
    assert ("/api/v1/people/{code}", "GET") in proven and ("/api/v1/units/{code}", "GET") in proven


@pytest.mark.django_db
def test_outsider_object_gets_the_same_404_body_as_a_missing_one(world, pairs):
    token = ApiToken.issue(world.users[DISTRICT_EDITOR])
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for path in ("/api/v1/units/{}", "/api/v1/people/{}", "/api/v1/enterprises/{}"):
        outsider = client.get(
            path.format("CDCS-X-9" if "units" in path else "P-X-9" if "people" in path else "DN-X-9"),
            **headers,
        )
        missing = client.get(path.format("KHONG-CO-MA-NAY"), **headers)
        assert outsider.status_code == missing.status_code == 404
        assert outsider.content == missing.content
