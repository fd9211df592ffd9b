"""Settings for the test suite: the production settings plus what tests need, chosen by pytest's ini
(`DJANGO_SETTINGS_MODULE`) before Django starts, so plain `pytest`, `pytest -n` and `scripts/test` all run
against the same database and storage."""

import os

from phoihop.settings import *  # noqa: F403
from phoihop.settings import DATA_DIR, DATABASES, STATIC_ROOT, STORAGES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file per test process, not shared-cache memory: background-thread tests then meet WAL and the
    # busy timeout, as production does, instead of shared-cache table locks.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}

# Argon2 is the production hasher; tests sign in hundreds of times, MD5 keeps them fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Pages rendered in tests find static files through the finders, not a collectstatic manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
