import os

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


@pytest.fixture(autouse=os.environ.get("PHOIHOP_TEST_SPILL_EVERY_SHEET") == "1")
def _spill_every_sheet(settings, monkeypatch):
    """With PHOIHOP_TEST_SPILL_EVERY_SHEET=1 (a leg of .ci/run), every import keeps no parsed row in
    memory: each sheet goes to temporary files three rows at a time (workbook.rowstore), so the import
    tests prove that path reports and writes what the usual one does."""
    from phoihop.workbook import rowstore

    settings.PHOIHOP_IMPORT_ROWS_IN_MEMORY = 0
    monkeypatch.setattr(rowstore, "CHUNK", 3)
