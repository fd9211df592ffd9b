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
