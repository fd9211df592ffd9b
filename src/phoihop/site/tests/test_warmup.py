"""A served process has loaded its pages' code before the first request (phoihop.site.warmup)."""

import os
import subprocess
import sys

PAGES = ("phoihop.records.views", "phoihop.reports.views", "phoihop.portal.views", "phoihop.orgs.views")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {PAGES!r} if m in sys.modules))"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "phoihop.settings"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_wsgi_application_is_built_with_every_pages_code_loaded():
    assert _loaded_after("import django; django.setup()") == set()  # Django alone loads no page
    assert _loaded_after("import phoihop.wsgi") == set(PAGES)
