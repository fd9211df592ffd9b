"""Whatever is typed into a URL or a query string, the API and the unit pages answer without a 500."""

from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import bearer

ANY_TEXT = st.text(max_size=40)
PAGES = st.one_of(st.integers(min_value=-5, max_value=10**12).map(str), ANY_TEXT)
SAFE_STATUSES = {200, 404, 422}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(code=ANY_TEXT, on=ANY_TEXT)
def test_api_unit_paths_never_fail_on_odd_codes_or_dates(world, client, code, on):
    auth = bearer(world, "manager_a")
    quoted = quote(code, safe="") or "x"
    for path in (f"/api/v1/units/{quoted}", f"/api/v1/people/{quoted}", f"/api/v1/enterprises/{quoted}"):
        assert client.get(path, **auth).status_code in SAFE_STATUSES, path
    children = client.get(f"/api/v1/units/LDLD-A/children?{urlencode({'on': on})}", **auth)
    assert children.status_code in SAFE_STATUSES


@FUZZ
@given(page=PAGES, page_size=PAGES, q=ANY_TEXT)
def test_people_paging_never_fails(world, client, page, page_size, q):
    query = urlencode({"page": page, "page_size": page_size, "q": q})
    response = client.get(f"/api/v1/units/LDLD-A/people?{query}", **bearer(world, "manager_a"))
    assert response.status_code in SAFE_STATUSES
    if response.status_code == 422:
        assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."


@FUZZ
@given(on=ANY_TEXT, q=ANY_TEXT)
def test_tree_page_never_fails(world, client, on, q):
    client.force_login(world.users["manager_a"])
    assert client.get(f"/don-vi/?{urlencode({'on': on, 'q': q})}").status_code == 200
    assert client.get(f"/don-vi/LDLD-A/?{urlencode({'on': on})}").status_code == 200


def test_nul_characters_are_refused_before_the_database(world, client):
    # PostgreSQL refuses NUL inside text; it must come back as bad input or not found, never as a 500.
    auth = bearer(world, "manager_a")
    assert client.get("/api/v1/units/A%00B", **auth).status_code == 422
    assert client.get("/api/v1/people/P%00", **auth).status_code == 422
    # In a query string NUL is dropped for every route (core.middleware.StripNulMiddleware): "ab" is searched.
    assert client.get("/api/v1/units/LDLD-A/people?q=a%00b", **auth).status_code == 200
    client.force_login(world.users["manager_a"])
    assert client.get("/don-vi/A%00B/").status_code == 404
    assert client.get("/don-vi/doanh-nghiep/A%00B/").status_code == 404
    assert client.get("/don-vi/?q=lao%00cai&on=2020%00").status_code == 200
    client.force_login(world.users["admin_a"])
    assert client.get("/nhat-ky/?user=a%00&object_code=%00").status_code == 200
