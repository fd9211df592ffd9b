import pytest


@pytest.fixture
def world(db):
    """The small named world (see phoihop.testing.world)."""
    from phoihop.testing.world import build_world

    return build_world()


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
