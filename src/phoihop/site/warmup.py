"""A web process loads its pages' code before it serves anyone.

Django imports the URLconf — and through it every app's views, forms and their helpers — on the first
request a process answers: about 0.2 s, paid by whoever comes first after each start or restart (the
people list of a national user answered in 0.47 s instead of 0.1 s, BENCHMARKS.md "National scale").
`phoihop serve` calls `warm_up()` in gunicorn's master before it forks the workers, which then share
the loaded modules; `phoihop.wsgi` (other WSGI servers, docs/deploy.md) calls it when it is imported.
"""

from django.urls import get_resolver


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - importing the URLconf imports every page's code
