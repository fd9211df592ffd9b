"""Accounts of a dissolved unit are read-only from its dissolution: nothing dated after its last day,
through the record forms, the write gate or the import; its history up to that day stays theirs."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from phoihop.accounts.scope import may_write, write_refusal
from phoihop.records.models import Referral, Work
from phoihop.records.services import create_record
from phoihop.workbook.services import import_workbook
from phoihop.workbook.tests.helpers import write_csv

LAST_DAY = date(2024, 12, 31)


@pytest.fixture
def dissolved(world):
    district = world.unit("LDLD-A-BAC")
    district.dissolved_on = LAST_DAY
    district.save()
    return world


def referral(world, day):
    return Referral(person=world.people["P-BAC-1"], referred_on=day, referring_unit=world.unit("CDCS-BAC-1"))


def test_history_up_to_the_dissolution_stays_writable(dissolved):
    editor = dissolved.users["editor_bac"]
    assert may_write(editor, Referral, after=referral(dissolved, LAST_DAY))
    assert may_write(
        editor, Work, after=Work(code="CT-1", name="Công trình", unit=dissolved.unit("CDCS-BAC-1"), year=2024)
    )
    created = create_record(actor=editor, instance=referral(dissolved, date(2024, 6, 1)))
    assert created.pk is not None


def test_records_dated_after_the_dissolution_are_refused_with_the_reason(dissolved):
    editor = dissolved.users["editor_bac"]
    refusal = write_refusal(editor, Referral, after=referral(dissolved, date(2025, 1, 10)))
    assert refusal is not None
    assert "đã giải thể ngày 31/12/2024" in refusal.message and "10/01/2025" in refusal.message
    assert not may_write(
        editor, Work, after=Work(code="CT-2", name="Công trình", unit=dissolved.unit("CDCS-BAC-1"), year=2025)
    )
    with pytest.raises(PermissionDenied, match="đã giải thể"):
        create_record(actor=editor, instance=referral(dissolved, date(2025, 1, 10)))
    assert not Referral.objects.unscoped().exists()


def test_an_existing_record_is_not_moved_past_the_dissolution(dissolved):
    editor = dissolved.users["editor_bac"]
    kept = Referral.objects.unscoped().create(**{"person": dissolved.people["P-BAC-1"], "referred_on": date(2024, 3, 1),
                                                 "referring_unit": dissolved.unit("CDCS-BAC-1")})  # fmt: skip
    later = referral(dissolved, date(2025, 3, 1))
    later.pk = kept.pk
    assert not may_write(editor, Referral, before=kept, after=later)


def test_other_units_accounts_are_not_affected(dissolved):
    # The province above the dissolved district, and a sibling district, keep writing after that day.
    for username in ("manager_a", "admin_a"):
        assert may_write(dissolved.users[username], Referral, after=referral(dissolved, date(2025, 1, 10)))


def test_import_rows_dated_after_the_dissolution_are_refused(dissolved, tmp_path):
    sheets = {
        "don_vi": [["ma_don_vi", "ten", "loai"]],
        "gioi_thieu": [
            ["ma_nguoi", "ngay_gioi_thieu", "ma_don_vi_gioi_thieu"],
            ["P-BAC-1", "2025-02-01", "CDCS-BAC-1"],
        ],
    }
    result = import_workbook(write_csv(tmp_path / "wb", sheets), actor=dissolved.users["editor_bac"])
    assert not result.ok
    assert any("đã giải thể" in e.render() for e in result.errors)
    assert not Referral.objects.unscoped().exists()
