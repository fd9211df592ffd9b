"""Codes keep one alphabet (core.codes): every way in refuses a code with a space, `/`, a control
character or a Vietnamese letter — such codes made the unit tree, the records lists and the report
download answer 500 — and the workbook migration stops over a database that already holds one."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from phoihop.core.codes import check_code, is_code
from phoihop.orgs.models import Unit
from phoihop.records.models import Person, Work
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_csv

BAD = ["CDCS/1", "CDCS\n1", "CDCS 1", "CĐCS-1", "-CDCS", "CDCS\x00", "", "A" * 65]
GOOD = ["CDCS-DN-001", "LC-NG-000001", "union.members", "A_1", "9"]

migration = importlib.import_module("phoihop.workbook.migrations.0002_codes_alphabet")


@pytest.mark.parametrize("code", BAD)
def test_the_alphabet_refuses(code):
    assert not is_code(code)
    with pytest.raises(Exception, match="không hợp lệ"):
        check_code(code)


@pytest.mark.parametrize("code", GOOD)
def test_the_alphabet_accepts(code):
    assert check_code(code) == code


@pytest.mark.parametrize("code", ["P/1", "P\n1", "P 1", "Ngườii"])
def test_import_refuses_a_bad_code_and_writes_nothing(world, tmp_path, code):
    result = import_workbook(
        write_csv(
            tmp_path / "wb",
            {
                "don_vi": [["ma_don_vi", "ten", "loai"]],
                "nguoi": [["ma_nguoi", "ho_ten", "ma_cdcs"], [code, "Người Mới", "CDCS-BAC-1"]],
            },
        ),
        actor=world.users["editor_bac"],
    )
    assert not result.ok
    assert "chỉ gồm chữ cái không dấu, chữ số và các dấu - _ ." in result.errors[0].render()
    assert Person.objects.unscoped().count() == 3


@pytest.mark.parametrize("code", ["W/1", "W\n1", "W 1"])
def test_record_form_refuses_a_bad_code(world, client, code):
    client.force_login(world.users["editor_bac"])
    response = client.post(
        reverse("records:create", args=["cong-trinh"]),
        {"code": code, "name": "Công trình", "unit": "CDCS-BAC-1", "year": "2020"},
    )
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    assert not Work.objects.unscoped().exists()
    assert client.get(reverse("records:list", args=["cong-trinh"])).status_code == 200


@pytest.mark.parametrize("code", ["CDCS/2", "CDCS\n2", "CDCS 2"])
def test_unit_form_refuses_a_bad_code(world, client, code):
    client.force_login(world.users["manager_a"])
    response = client.post(
        reverse("orgs:create_child", args=["LDLD-A-BAC"]),
        {"code": code, "name": "Công đoàn cơ sở mới", "kind": "cdcs", "founded_on": "2020-01-01"},
    )
    assert response.status_code in (200, 400) and "không hợp lệ" in response.content.decode()
    assert not Unit.objects.filter(code=code).exists()
    assert client.get(reverse("orgs:tree")).status_code == 200


def test_the_migration_stops_over_bad_codes_and_lists_them(world):
    assert migration.find_bad_codes(apps) == {}
    migration.check(apps, None)  # a clean database passes
    Unit.objects.create(
        code="CDCS/9", name="x", kind="cdcs", parent=world.unit("LDLD-A-BAC"), founded_on=date(2012, 1, 1)
    )
    Person.objects.create(code="P\n9", full_name="y")
    with pytest.raises(migration.BadCodes) as stopped:
        migration.check(apps, None)
    text = str(stopped.value)
    assert "orgs.Unit: 'CDCS/9'" in text and "records.Person: 'P\\\\n9'" in text
    assert "Có mã không hợp lệ" in text
