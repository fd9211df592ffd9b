"""`phoihop anonymise` clears who people were, never what the reports count."""

import io
import json

import pytest
from django.core.management import call_command

from phoihop.audit.models import AuditEntry
from phoihop.privacy.retention import ANONYMOUS_NAME
from phoihop.records.models import Person, Program
from phoihop.records.selectors import PERSON_MODEL

pytestmark = pytest.mark.django_db


def report_json(program: str) -> dict:
    out = io.StringIO()
    call_command("report", "--program", program, "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    report.pop("generated_at")  # the time the report was made, not a figure
    return report


def test_report_json_is_identical_after_anonymising_everyone_who_left(demo_province):
    left = Person.objects.unscoped().filter(union_left_on__isnull=False)
    codes = set(left.values_list("code", flat=True))
    assert len(codes) >= 100  # the demo has members who left: the test is not vacuous
    sample = left.first()
    AuditEntry.objects.create(
        actor_name="batxat", action="update", model=PERSON_MODEL, object_code=sample.code,
        before={"full_name": sample.full_name, "ethnicity": "Kinh"}, after={"full_name": "Tên mới"},
    )  # fmt: skip
    programs = list(Program.objects.unscoped().values_list("code", flat=True))
    assert "CTPH-2017-2020" in programs
    reports = {p: report_json(p) for p in programs}
    out = io.StringIO()
    call_command("anonymise", "--years", "0", stdout=out)
    assert f"Đã ẩn danh {len(codes)} người" in out.getvalue()

    for program, before in reports.items():
        assert report_json(program) == before, program
    after = Person.objects.unscoped().filter(code__in=codes)
    assert set(after.values_list("full_name", flat=True)) == {ANONYMOUS_NAME}
    assert not after.filter(birth_date__isnull=False).exists()
    assert not after.exclude(cccd="").exists()
    entry = AuditEntry.objects.get(model=PERSON_MODEL, object_code=sample.code, actor_name="batxat")
    assert entry.before == {"ethnicity": "Kinh"} and entry.after == {}
    # People still members keep their names.
    assert not Person.objects.unscoped().filter(union_left_on__isnull=True, full_name=ANONYMOUS_NAME).exists()
    # A second run finds nobody new.
    again = io.StringIO()
    call_command("anonymise", "--years", "0", stdout=again)
    assert "Đã ẩn danh 0 người" in again.getvalue()
