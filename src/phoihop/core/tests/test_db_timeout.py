"""PostgreSQL: web requests run under a statement timeout (a query cut off answers 503 in Vietnamese,
not 500); diacritic-free searches have trigram indexes to use."""

import json

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from phoihop.core.db_timeout import StatementTimeoutMiddleware
from phoihop.core.text import fold
from phoihop.records.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout and pg_trgm are PostgreSQL's")


def _timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_web_request_sets_the_statement_timeout(client, world, postgresql, settings):
    settings.STATEMENT_TIMEOUT_MS = 1234
    client.force_login(world.users["admin_a"])
    assert client.get("/ho-so/nguoi/").status_code == 200
    assert _timeout() == "1234ms"


def test_a_statement_cut_off_by_the_timeout_answers_503_in_vietnamese(world, postgresql, settings):
    settings.STATEMENT_TIMEOUT_MS = 50
    request = RequestFactory().get("/ho-so/nguoi/")

    def slow_view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")

    middleware = StatementTimeoutMiddleware(slow_view)
    with pytest.raises(OperationalError) as cut_off:
        middleware(request)
    response = middleware.process_exception(request, cut_off.value)
    assert response.status_code == 503
    assert "thu hẹp phạm vi" in response.content.decode()


def test_diacritic_free_search_can_use_a_trigram_index(world, postgresql):
    with connection.cursor() as cursor:
        # "Can use": the test tables are tiny, so the planner must be kept from reading the whole table
        # or the whole (search_name, birth_date) B-tree instead; a bitmap scan needs an index condition.
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        query = Person.objects.unscoped().filter(search_name__contains=fold("hoa"))
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "records_person_search_trgm" in plan


def test_the_api_answers_a_statement_cut_off_by_the_timeout_with_a_declared_json_503(
    world, postgresql, client
):
    from phoihop.api.main import api

    with pytest.raises(OperationalError) as cut_off:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '50ms'")
            cursor.execute("SELECT pg_sleep(2)")
    response = api.on_exception(RequestFactory().get("/api/v1/units/LDLD-A"), cut_off.value)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert "thu hẹp phạm vi" in json.loads(response.content)["detail"]
    operations = client.get("/api/v1/openapi.json").json()["paths"].values()
    assert all("503" in op["responses"] for path in operations for op in path.values())
