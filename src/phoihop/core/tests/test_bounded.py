"""Bounded work (issue 11): report periods within 1945–2100 and at most 30 years; page numbers, years
and dates out of range or typed with superscript digits, NUL characters: 400 with a Vietnamese message,
never a 500; download names built by Django's own header helper."""

from datetime import date

import pytest
from django.urls import reverse

from phoihop.records.models import Program, Work
from phoihop.reports.assemble import ReportError, check_period
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_xlsx


@pytest.fixture
def program(world):
    return Program.objects.create(
        code="CT-1",
        name="Chương trình phối hợp",
        starts_on=date(2021, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
    )


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(1, 1, 1), date(2020, 1, 1), "phải nằm trong khoảng 01/01/1945 – 31/12/2100"),
        (date(2000, 1, 1), date(2101, 1, 1), "phải nằm trong khoảng"),
        (date(1990, 1, 1), date(2020, 1, 1), "quá dài: tối đa 30 năm"),
        (date(1996, 2, 29), date(2026, 3, 1), "quá dài"),
    ],
)
def test_report_periods_are_bounded(start, end, words):
    with pytest.raises(ReportError) as refused:
        check_period(start, end)
    assert words in refused.value.message and refused.value.kind == "usage"


def test_a_thirty_year_period_less_a_day_is_allowed():
    check_period(date(1990, 1, 1), date(2019, 12, 31))
    check_period(date(1996, 2, 29), date(2026, 2, 27))


@pytest.mark.parametrize("fmt", [None, "json", "xlsx"])
def test_report_page_and_download_refuse_year_one_with_400(client, world, program, fmt):
    client.force_login(world.users["admin_a"])
    url = reverse("reports:index") if fmt is None else reverse("reports:download", args=[fmt])
    response = client.get(url, {"program": "CT-1", "date_from": "0001-01-01", "date_to": "2020-01-01"})
    assert response.status_code == 400
    if fmt is None:
        assert "phải nằm trong khoảng" in response.content.decode()


def test_report_download_name_is_built_by_djangos_helper(client, world, program):
    client.force_login(world.users["admin_a"])
    response = client.get(reverse("reports:download", args=["json"]), {"program": "CT-1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="bao-cao-CT-1-2021-01-01-2025-12-31'
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"trang": "¹"}, "Số trang “¹” không hợp lệ"),
        ({"trang": "4611686018427387904"}, "Số trang"),
        ({"trang": "0"}, "Số trang"),
        ({"nam": "¹⁹⁹⁰"}, "Năm “¹⁹⁹⁰” không hợp lệ"),
        ({"nam": "99999"}, "Năm"),
    ],
)
def test_records_list_answers_bad_numbers_with_400_and_a_message(client, world, params, words):
    client.force_login(world.users["editor_bac"])
    response = client.get(reverse("records:list", args=["nguoi"]), params)
    assert response.status_code == 400 and words in response.content.decode()


@pytest.mark.parametrize("path", ["/tim-kiem/", "/van-ban/"])
def test_portal_pages_answer_superscript_page_numbers_with_400(client, world, path):
    response = client.get(path, {"trang": "¹", "q": "a"})
    assert response.status_code == 400 and "Số trang" in response.content.decode()


@pytest.mark.parametrize(
    ("user", "url", "key"),
    [
        ("admin_a", "audit:log", "page"),
        ("admin_a", "accounts:users", "trang"),
        ("news_a", "portal:editor_index", "trang"),
    ],
)
def test_staff_lists_answer_superscript_and_huge_page_numbers_with_400(client, world, user, url, key):
    client.force_login(world.users[user])
    assert client.get(reverse(url)).status_code == 200
    for bad in ("¹", "4611686018427387904"):
        response = client.get(reverse(url), {key: bad})
        assert response.status_code == 400 and "Số trang" in response.content.decode()


def test_a_nul_in_a_workbook_cell_is_a_cell_error_on_every_database(world, tmp_path):
    result = import_workbook(
        write_xlsx(
            tmp_path / "wb.xlsx",
            {
                "don_vi": [["ma_don_vi", "ten", "loai"]],
                "cong_trinh": [
                    ["ma_cong_trinh", "ten", "ma_don_vi", "nam_dang_ky"],
                    ["CT-NUL", "Công\x00 trình", "CDCS-BAC-1", "2020"],
                ],
            },
        ),
        actor=world.users["editor_bac"],
    )
    assert not result.ok and "NUL" in result.errors[0].render()
    assert not Work.objects.unscoped().exists()


def test_a_nul_in_a_form_field_is_refused_on_every_database(client, world):
    client.force_login(world.users["editor_bac"])
    response = client.post(
        reverse("records:create", args=["cong-trinh"]),
        {"code": "CT-2", "name": "Công\x00 trình", "unit": "CDCS-BAC-1", "year": "2020"},
    )
    assert response.status_code == 400
    assert not Work.objects.unscoped().exists()
