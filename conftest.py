import os

os.environ.setdefault("PHOIHOP_TESTING", "1")

import pytest  # noqa: E402


@pytest.fixture
def world(db):
    """The small named world (see phoihop.testing.world)."""
    from phoihop.testing.world import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher; tests sign in hundreds of times, MD5 keeps them fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # pytest-django imports the settings before this file sets PHOIHOP_TESTING, so pages rendered in
    # tests would look static files up in a collectstatic manifest (absent, or stale in var/static).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker):
    """The Lào Cai demo province, loaded once per test module through `phoihop demo` (about 5 s) and
    flushed afterwards so that no other module sees it."""
    import io

    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
