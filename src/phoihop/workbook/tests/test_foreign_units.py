"""Issue 14 item 2, with issue 11's rule kept: a unit the importer may see but not change is named by its
name and code; a unit outside what they may see gets the very words of a code that does not exist."""

import pytest

from phoihop.accounts.models import User
from phoihop.orgs.models import Unit
from phoihop.records.models import WelfareContribution
from phoihop.workbook.services import import_workbook

from .helpers import write_csv

pytestmark = pytest.mark.django_db

NOT_FOUND = "không có đơn vị mã này trong sổ hoặc trong cơ sở dữ liệu"


def give(tmp_path, unit: str, name: str = "wb"):
    """batxat (an editor) enters a welfare contribution of `unit`."""
    sheets = {
        "don_vi": [["ma_don_vi", "ten", "loai"]],
        "an_sinh": [
            ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"],
            ["AS-MOI-1", unit, "2024-03-01", "1000000"],
        ],
    }
    return import_workbook(write_csv(tmp_path / name, sheets), actor=User.objects.get(username="batxat"))


def messages(result) -> list[str]:
    return [e.message_vi for e in result.errors]


def test_the_province_above_batxat_is_named_by_its_name_and_code(demo_province, tmp_path):
    province = Unit.objects.get(code="LDLD-LC")
    result = give(tmp_path, "LDLD-LC")
    assert not result.ok
    assert messages(result) == [f"{province.name} (LDLD-LC) — đơn vị này nằm ngoài phạm vi bạn được cập nhật"]
    assert result.errors[0].column == "Đơn vị"
    assert not WelfareContribution.objects.unscoped().filter(code="AS-MOI-1").exists()


def test_another_district_batxat_cannot_see_reads_exactly_like_a_missing_code(demo_province, tmp_path):
    foreign = give(tmp_path, "LDLD-H-SAPA", "foreign")
    missing = give(tmp_path, "LDLD-H-KHONG-CO", "missing")
    assert messages(foreign) == messages(missing) == [NOT_FOUND]
    assert "Sa Pa" not in str(foreign.errors[0].render())
    assert not WelfareContribution.objects.unscoped().filter(code="AS-MOI-1").exists()
