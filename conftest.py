import os

import pytest


@pytest.fixture
def world(db):
    """The small named world (see phoihop.testing.world)."""
    from phoihop.testing.world import build_world

    return build_world()


_demo = {"counts": None}  # the rows of each table just after this process loaded the demo; None: not loaded
_next = {"item": None}  # the test this process runs after the one being torn down (None: the last)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    _next["item"] = nextitem


def _may_commit(item) -> bool:
    """Whether a test may commit to the database (not only inside the transaction rolled back after it)."""
    from pytest_django.fixtures import validate_django_db

    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames):
        return True
    if "django_db_blocker" in item._fixtureinfo.argnames:  # asked by the test itself (demo_province asks too)
        return True
    marker = item.get_closest_marker("django_db")
    return marker is not None and validate_django_db(marker)[0]  # (transaction, reset_sequences, …)


def _row_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our tables
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="module")
def demo_province(request, django_db_setup, django_db_blocker):
    """The Lào Cai demo province, loaded through `phoihop demo` (about 5 s) for the tests of a module and
    flushed afterwards so that no other module sees it — unless the next module this process runs starts
    with a test that asks for it too: then it stays loaded for that module, as `phoihop demo` would load
    it again, when no test of this module could commit (transactional tests, the blocker) and every table
    still holds the rows it held after the load (the tests' own writes are rolled back)."""
    import io

    from django.core.management import call_command

    with django_db_blocker.unblock():
        if _demo["counts"] is None:
            call_command("demo", stdout=io.StringIO())
            _demo["counts"] = _row_counts()
    yield
    nextitem = _next["item"]
    tests = [item for item in request.session.items if item.nodeid.startswith(request.node.nodeid + "::")]
    with django_db_blocker.unblock():
        if (
            nextitem is not None
            and "demo_province" in nextitem.fixturenames
            and not any(_may_commit(item) for item in tests)
            and _row_counts() == _demo["counts"]
        ):
            return
        _demo["counts"] = None
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=os.environ.get("PHOIHOP_TEST_SPILL_EVERY_SHEET") == "1")
def _spill_every_sheet(settings, monkeypatch):
    """With PHOIHOP_TEST_SPILL_EVERY_SHEET=1 (a leg of .ci/run), every import keeps no parsed row in
    memory: each sheet goes to temporary files three rows at a time (workbook.rowstore), so the import
    tests prove that path reports and writes what the usual one does."""
    from phoihop.workbook import rowstore

    settings.PHOIHOP_IMPORT_ROWS_IN_MEMORY = 0
    monkeypatch.setattr(rowstore, "CHUNK", 3)


# The slowest test modules (about 10 s or more each on SQLite or PostgreSQL), slowest first. scripts/test
# runs the modules on two workers a whole module at a time (`--dist loadfile`) in collection order
# (`--no-loadscope-reorder`); starting with these and ending with the many short ones lets both workers
# finish together instead of one running a long module alone at the end. Only the order changes.
SLOW_MODULES = (
    "src/phoihop/reports/tests/test_official_document.py",
    "src/phoihop/workbook/tests/test_round_trip.py",
    "src/phoihop/demo/tests/test_demo_tree.py",
    "src/phoihop/core/tests/test_scope_isolation.py",
    "src/phoihop/reports/tests/test_documents.py",
    "src/phoihop/portal/tests/test_newsroom_browser.py",
    "src/phoihop/records/tests/test_rules_demo.py",
    "src/phoihop/core/tests/test_side_by_side.py",
    "src/phoihop/indicators/tests/test_joined_rollup.py",
    "src/phoihop/privacy/tests/test_anonymise_keeps_figures.py",
    "src/phoihop/reports/tests/test_report_page.py",
    "src/phoihop/site/tests/test_staff_pages_browser.py",
    "src/phoihop/portal/tests/test_counting.py",
    "src/phoihop/demo/tests/test_demo_figures.py",
    "src/phoihop/periods/tests/test_demo_periods.py",
    "src/phoihop/site/tests/test_role_pages.py",
    "src/phoihop/records/tests/test_lists_demo.py",
    "src/phoihop/workbook/tests/test_foreign_units.py",
    "src/phoihop/demo/tests/test_demo_moves.py",
    "tests/e2e/test_demo_tour.py",
    "src/phoihop/workbook/tests/test_rowstore.py",
    "src/phoihop/workbook/tests/test_import_attacks.py",
    "src/phoihop/records/tests/test_add_button.py",
    "src/phoihop/accounts/tests/test_scope_table.py",
    "src/phoihop/indicators/tests/test_placement_sql.py",
    "src/phoihop/records/tests/test_rules.py",
    "src/phoihop/reports/tests/test_dashboard.py",
    "src/phoihop/periods/tests/test_cycle_browser.py",
)


def pytest_collection_modifyitems(config, items):
    """The modules that load the demo province first (one after another, a process keeps the demo loaded
    from one to the next: `demo_province`), then the other slow modules (SLOW_MODULES), then the rest in
    their usual order; a stable sort, so the tests of a module keep their order."""
    rank = {path: i for i, path in enumerate(SLOW_MODULES)}
    demo = {item.nodeid.split("::", 1)[0] for item in items if "demo_province" in item.fixturenames}

    def key(item):
        path = item.nodeid.split("::", 1)[0]
        return (path not in demo, rank.get(path, len(rank)))

    items.sort(key=key)
