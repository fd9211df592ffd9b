"""Keeping personal data no longer than needed (Law 91/2025/QH15, Decree 356/2025).

- `anonymise_people`: people whose union membership ended more than N years ago (their leaving date,
  or a timeline whose latest row says they are no longer a member) lose what identifies
  them — name, birth date, CCCD — and every audit row that carried those values loses them too. What the
  report counts stays: the person row, its code, gender, ethnicity, enterprise, union and dates, and
  every referral, class, admission and award, so every figure of every report is unchanged.
- `purge_uploads`: uploaded workbooks and error workbooks (full copies of people's rows) are deleted
  N days after their import finished; the import's row stays (who, when, counts) without the files
  and without the cell values of its error list.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from phoihop.audit.models import AuditEntry
from phoihop.audit.services import log_change
from phoihop.records.models import Person, TimelineEntry
from phoihop.records.selectors import PERSON_MODEL
from phoihop.workbook.models import ImportJob
from phoihop.workbook.tasks import jobs_dir

ANONYMOUS_NAME = "(đã ẩn danh)"
# Person fields that identify someone and feed no figure; emptied by anonymisation.
IDENTIFYING = {"full_name": ANONYMOUS_NAME, "birth_date": None, "cccd": ""}
# Keys of audit before/after snapshots that carried those values.
IDENTIFYING_KEYS = {"full_name", "search_name", "birth_date", "cccd", "ho_ten", "ngay_sinh", "so_cccd"}


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@transaction.atomic
def anonymise_people(*, years: int, today: date | None = None) -> list[str]:
    """Anonymise everyone whose membership ended before `today` minus `years`; returns their codes."""
    if years < 0:
        raise ValueError(_("Số năm phải từ 0 trở lên (nhận được %(years)s).") % {"years": years})
    cutoff = years_before(today or timezone.localdate(), years)
    fields = {f.name for f in Person._meta.fields}
    clear = {name: value for name, value in IDENTIFYING.items() if name in fields}
    people = _membership_ended_before(cutoff).exclude(full_name=ANONYMOUS_NAME)
    codes = list(people.values_list("code", flat=True))
    if not codes:
        return []
    # .update() (not save()) on purpose: search_name follows the name without a save per person.
    Person.objects.unscoped().filter(code__in=codes).update(**clear, search_name=ANONYMOUS_NAME)
    scrubbed = 0
    entries = AuditEntry.objects.filter(model=PERSON_MODEL, object_code__in=codes)
    for entry in entries.exclude(before__isnull=True, after__isnull=True).iterator():
        before, after = _strip(entry.before), _strip(entry.after)
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after
            entry.save(update_fields=["before", "after"])
            scrubbed += 1
    log_change(
        actor=None,
        action=AuditEntry.Action.UPDATE,
        model=PERSON_MODEL,
        object_code="",
        before=None,
        after={"anonymised": codes, "audit_rows_scrubbed": scrubbed},
        detail=_("Ẩn danh %(n)d người rời công đoàn trước %(day)s")
        % {"n": len(codes), "day": cutoff.isoformat()},
    )
    return codes


def _membership_ended_before(cutoff: date):
    """People whose union membership ended before `cutoff`: the `nguoi` leaving date, or a timeline
    (`qua_trinh`) whose latest row says "not a member" from before then. Someone whose latest timeline
    row names a union is a member again, whatever the old leaving date says."""
    latest = TimelineEntry.objects.unscoped().filter(person=OuterRef("pk")).order_by("-starts_on")
    people = Person.objects.unscoped().annotate(
        last_start=Subquery(latest.values("starts_on")[:1]),
        last_union=Subquery(latest.values("grassroots_union")[:1]),
    )
    ended = Q(union_left_on__lt=cutoff) | Q(last_start__lt=cutoff, last_union__isnull=True)
    return people.filter(ended).exclude(last_start__isnull=False, last_union__isnull=False)


def _strip(snapshot):
    if not isinstance(snapshot, dict):
        return snapshot
    return {k: v for k, v in snapshot.items() if k not in IDENTIFYING_KEYS}


@dataclass
class PurgeResult:
    jobs: int = 0
    files: int = 0
    folders: int = 0


def purge_uploads(*, days: int, now=None) -> PurgeResult:
    """Delete uploaded and error workbooks of imports that finished more than `days` days ago, and
    leftover upload folders of that age that no import names."""
    if days < 0:
        raise ValueError(_("Số ngày phải từ 0 trở lên (nhận được %(days)s).") % {"days": days})
    cutoff = (now or timezone.now()) - timedelta(days=days)
    result = PurgeResult()
    old = ImportJob.objects.filter(status__in=ImportJob.FINISHED, finished_at__lt=cutoff)
    for job in old.iterator():
        paths = [Path(p) for p in (job.stored_path, job.error_file) if p]
        removed = [p for p in paths if p.exists()]
        for path in removed:
            path.unlink()
        result.files += len(removed)
        if job.stored_path:
            folder = Path(job.stored_path).parent
            if folder.is_dir() and folder.parent == jobs_dir():
                shutil.rmtree(folder, ignore_errors=True)
        if removed or job.error_file or job.errors or job.warnings:
            ImportJob.objects.filter(pk=job.pk).update(error_file="", errors=[], warnings=[])
            result.jobs += 1
    folder_cutoff = cutoff.timestamp()
    live = {
        str(Path(p).parent)
        for p in ImportJob.objects.exclude(status__in=ImportJob.FINISHED).values_list(
            "stored_path", flat=True
        )
    }
    if jobs_dir().is_dir():
        for folder in jobs_dir().iterdir():
            if folder.is_dir() and str(folder) not in live and folder.stat().st_mtime < folder_cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                result.folders += 1
    return result


def default_years() -> int:
    return settings.ANONYMISE_AFTER_YEARS


def default_days() -> int:
    return settings.UPLOAD_RETENTION_DAYS
