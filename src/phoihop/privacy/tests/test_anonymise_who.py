"""Who `phoihop anonymise` clears: membership ended more than N years ago, by the leaving date or by the
timeline; never someone who is a member again."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from phoihop.audit.models import AuditEntry
from phoihop.privacy.retention import ANONYMOUS_NAME, anonymise_people
from phoihop.records.models import Person, TimelineEntry

TODAY = date(2026, 11, 30)


def person(code):
    return Person.objects.unscoped().get(code=code)


def test_left_long_ago_cleared_recently_left_and_rejoined_kept(world):
    Person.objects.unscoped().filter(code="P-BAC-1").update(union_joined_on=date(2005, 3, 1), union_left_on=date(2012, 5, 1), birth_date=date(1980, 1, 2),
                                                            cccd="001080000001")  # fmt: skip
    Person.objects.unscoped().filter(code="P-NAM-1").update(
        union_joined_on=date(2005, 3, 1), union_left_on=date(2012, 5, 1)
    )
    TimelineEntry.objects.unscoped().create(
        person=person("P-NAM-1"), starts_on=date(2020, 1, 1), grassroots_union=world.unit("CDCS-NAM-1")
    )  # a member again since 2020
    TimelineEntry.objects.unscoped().create(
        person=person("P-X-1"), starts_on=date(2013, 3, 1), grassroots_union=None
    )
    cleared = anonymise_people(years=10, today=TODAY)
    assert sorted(cleared) == ["P-BAC-1", "P-X-1"]
    bac = person("P-BAC-1")
    assert (bac.full_name, bac.birth_date, bac.cccd) == (ANONYMOUS_NAME, None, "")
    assert (bac.gender, bac.ethnicity, bac.grassroots_union.code) == (
        "nu",
        "Tày",
        "CDCS-BAC-1",
    )  # figures kept
    assert person("P-NAM-1").full_name == "Trần Văn Nam"
    entry = AuditEntry.objects.get(detail__startswith="Ẩn danh 2 người")
    assert entry.actor_name == "system" and entry.after["anonymised"] == ["P-BAC-1", "P-X-1"]


def test_the_years_count_from_today(world):
    Person.objects.unscoped().filter(code="P-BAC-1").update(
        union_joined_on=date(2005, 3, 1), union_left_on=date(2016, 12, 1)
    )
    assert anonymise_people(years=10, today=TODAY) == []  # 9 years 364 days
    assert anonymise_people(years=10, today=date(2026, 12, 2)) == ["P-BAC-1"]


def test_negative_years_are_refused_and_nothing_changes(world):
    Person.objects.unscoped().filter(code="P-BAC-1").update(
        union_joined_on=date(1995, 3, 1), union_left_on=date(2000, 1, 1)
    )
    with pytest.raises(CommandError, match="Số năm phải từ 0 trở lên"):
        call_command("anonymise", "--years", "-1", stdout=io.StringIO())
    assert person("P-BAC-1").full_name == "Nguyễn Thị Hoa"
