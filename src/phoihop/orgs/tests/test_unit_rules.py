"""Issue 12 item 1: the unit rules (orgs.rules) are one set for the unit pages, the API and the import of
the sheets don_vi and dieu_chuyen. The same bad unit or transfer is refused by each with the same message
(the pages and the API put the field's label before it; the import names sheet, row and column), and
nothing is written."""

from datetime import date

import pytest

from phoihop.accounts.models import ApiToken
from phoihop.core.dates import today
from phoihop.orgs.models import Transfer, Unit
from phoihop.workbook.services import import_workbook
from phoihop.workbook.sheets import BY_KEY
from phoihop.workbook.tests.helpers import write_csv

pytestmark = pytest.mark.django_db

HORIZON = today().year + 5  # Vietnam's year (core.dates), not the server's
UNIT_HEADER = [
    "ma_don_vi",
    "ten",
    "loai",
    "ma_cap_tren",
    "ma_doanh_nghiep",
    "ngay_thanh_lap",
    "ngay_giai_the",
]
UNITS = BY_KEY["don_vi"]
MOVES = BY_KEY["dieu_chuyen"]


def page_errors(client, user, url, data) -> list[str]:
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 400, response.status_code
    return [str(e) for errors in response.context["form"].errors.values() for e in errors]


def import_problems(tmp_path, user, sheets) -> list[str]:
    sheets = {"don_vi": [UNIT_HEADER]} | sheets
    result = import_workbook(write_csv(tmp_path / "wb", sheets), actor=user)
    assert not result.ok
    return [e.render() for e in result.errors]


def where(sheet, row, column) -> str:
    return f"Trang '{sheet.label}', dòng {row}, cột '{sheet.column(column).label}'"


def api_transfer(client, user, code, body):
    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
    return client.post(f"/api/v1/units/{code}/transfers", body, content_type="application/json", **token)


def test_a_unit_founded_before_its_parent_is_refused_by_the_page_and_the_import(client, world, tmp_path):
    manager = world.users["manager_a"]
    message = "Đơn vị không thể thành lập trước cấp trên LDLD-A-BAC (thành lập 01/01/2001)."
    errors = page_errors(
        client,
        manager,
        "/don-vi/LDLD-A-BAC/thanh-lap-don-vi-truc-thuoc/",
        {"code": "CDCS-CU", "name": "Công đoàn cũ", "kind": "cdcs", "founded_on": "1999-05-01"},
    )
    assert errors == ["Ngày thành lập: " + message]
    row = ["CDCS-CU", "Công đoàn cũ", "cdcs", "LDLD-A-BAC", "", "1999-05-01", ""]
    problems = import_problems(tmp_path, manager, {"don_vi": [UNIT_HEADER, row]})
    assert f"{where(UNITS, 2, 'ngay_thanh_lap')}: giá trị '1999-05-01': {message}" in problems
    assert not Unit.objects.filter(code="CDCS-CU").exists()


def test_a_parent_may_not_be_founded_after_its_children(client, world, tmp_path):
    manager = world.users["manager_a"]
    message = "Đã có đơn vị trực thuộc thành lập ngày 01/01/2010, trước ngày thành lập này."  # CDCS-BAC-1
    errors = page_errors(
        client,
        manager,
        "/don-vi/LDLD-A-BAC/sua/",
        {"name": "Liên đoàn Lao động huyện Bắc Hà", "founded_on": "2015-01-01"},
    )
    assert errors == ["Ngày thành lập: " + message]
    row = ["LDLD-A-BAC", "Liên đoàn Lao động huyện Bắc Hà", "ldld_huyen", "LDLD-A", "", "2015-01-01", ""]
    problems = import_problems(tmp_path, manager, {"don_vi": [UNIT_HEADER, row]})
    assert f"{where(UNITS, 2, 'ngay_thanh_lap')}: giá trị '2015-01-01': {message}" in problems
    assert Unit.objects.get(code="LDLD-A-BAC").founded_on == date(2001, 1, 1)


def test_a_unit_dissolved_before_its_founding_is_refused_by_the_page_and_the_import(client, world, tmp_path):
    manager = world.users["manager_a"]
    message = "Ngày giải thể trước ngày thành lập."
    errors = page_errors(client, manager, "/don-vi/CDCS-NAM-1/giai-the/", {"on": "2009-01-01"})
    assert errors == ["Ngày giải thể: " + message]
    row = [
        "CDCS-NAM-1",
        "Công đoàn cơ sở Điện lực Nam Sơn",
        "cdcs",
        "LDLD-A-NAM",
        "DN-NAM",
        "2010-01-01",
        "2009-01-01",
    ]
    problems = import_problems(tmp_path, manager, {"don_vi": [UNIT_HEADER, row]})
    assert f"{where(UNITS, 2, 'ngay_giai_the')}: giá trị '2009-01-01': {message}" in problems
    assert Unit.objects.get(code="CDCS-NAM-1").dissolved_on is None


@pytest.mark.parametrize(
    ("new_parent", "on", "field", "label", "column", "message"),
    [
        # A district federation stands under the province federation only (orgs.rules.ALLOWED_PARENTS).
        ("CDN-A-GD", "2020-07-01", "new_parent", "Đơn vị cấp trên mới", "ma_cap_tren_moi",
         "CDN-A-GD (Công đoàn ngành và tương đương) không thể là cấp trên trực tiếp của "
         "Liên đoàn Lao động huyện/thị xã/thành phố."),
        ("LDLD-A", f"{HORIZON + 1}-01-01", "on", "Ngày hiệu lực", "ngay_hieu_luc",
         f"Ngày không được sau 31/12/{HORIZON}."),
    ],
    ids=["parent of a kind that may not hold it", "date past the planning horizon"],
)  # fmt: skip
def test_page_import_and_api_refuse_the_same_transfer_with_the_same_words(
    client, world, tmp_path, new_parent, on, field, label, column, message
):
    manager = world.users["manager_a"]
    errors = page_errors(
        client, manager, "/don-vi/LDLD-A-BAC/dieu-chuyen/", {"new_parent": new_parent, "on": on}
    )
    assert errors == [f"{label}: {message}"]

    row = ["LDLD-A-BAC", on, new_parent]
    problems = import_problems(
        tmp_path, manager, {"dieu_chuyen": [["ma_don_vi", "ngay_hieu_luc", "ma_cap_tren_moi"], row]}
    )
    value = new_parent if column == "ma_cap_tren_moi" else on
    assert f"{where(MOVES, 2, column)}: giá trị '{value}': {message}" in problems

    response = api_transfer(client, manager, "LDLD-A-BAC", {"new_parent": new_parent, "effective_on": on})
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [{"field": field, "message": f"{label}: {message}"}]
    assert not Transfer.objects.exists()


def test_the_import_applies_the_allowed_parents_to_a_new_unit(world, tmp_path):
    """The importer did not know ALLOWED_PARENTS before: a grassroots union under another one."""
    row = ["CDCS-CON", "Công đoàn con", "cdcs", "CDCS-BAC-1", "", "2020-01-01", ""]
    problems = import_problems(tmp_path, world.users["manager_a"], {"don_vi": [UNIT_HEADER, row]})
    message = "CDCS-BAC-1 (Công đoàn cơ sở) không thể là cấp trên trực tiếp của Công đoàn cơ sở."
    assert f"{where(UNITS, 2, 'ma_cap_tren')}: giá trị 'CDCS-BAC-1': {message}" in problems
