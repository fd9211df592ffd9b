"""`phoihop purge`: uploaded and error workbooks are deleted N days after their import finished."""

import io
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from phoihop.workbook.models import ImportJob
from phoihop.workbook.tasks import jobs_dir


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def job(owner, name: str, *, finished_days_ago: float | None, status="rejected"):
    folder = jobs_dir() / name
    folder.mkdir(parents=True)
    upload, errors = folder / "upload.xlsx", folder / "loi.xlsx"
    upload.write_bytes(b"PK du lieu ca nhan")
    errors.write_bytes(b"PK loi")
    finished = None if finished_days_ago is None else timezone.now() - timedelta(days=finished_days_ago)
    return ImportJob.objects.create(
        owner=owner, file_name="so.xlsx", stored_path=str(upload), error_file=str(errors), status=status,
        finished_at=finished, errors=[{"sheet": "nguoi", "row": 2, "value": "Nguyễn Văn A", "message": "x"}],
    )  # fmt: skip


def test_files_older_than_the_retention_are_deleted_and_recent_ones_kept(world, media):
    owner = world.users["editor_bac"]
    old = job(owner, "cu", finished_days_ago=31)
    recent = job(owner, "moi", finished_days_ago=29)
    running = job(owner, "dang-chay", finished_days_ago=None, status="running")
    stray = jobs_dir() / "bo-quen"
    stray.mkdir()
    (stray / "upload.xlsx").write_bytes(b"PK")
    long_ago = (timezone.now() - timedelta(days=40)).timestamp()
    os.utime(stray, (long_ago, long_ago))
    out = io.StringIO()
    call_command("purge", "--days", "30", stdout=out)
    assert "Đã xóa 2 tệp của 1 lần nhập và 1 thư mục" in out.getvalue()
    assert not (jobs_dir() / "cu").exists() and not stray.exists()
    old.refresh_from_db()
    assert (old.error_file, old.errors) == ("", [])  # the cell values held people's names
    for kept in (recent, running):
        assert os.path.exists(kept.stored_path) and os.path.exists(kept.error_file)
    # The job page of the purged import still opens; its error workbook is gone.
    browser = Client()
    browser.force_login(owner)
    assert browser.get(f"/so-du-lieu/nhap/{old.pk}/").status_code == 200
    assert browser.get(f"/so-du-lieu/nhap/{old.pk}/loi.xlsx").status_code == 404


def test_negative_days_are_refused(world, media):
    with pytest.raises(CommandError, match="Số ngày phải từ 0 trở lên"):
        call_command("purge", "--days", "-1", stdout=io.StringIO())


def test_an_uploaded_workbook_is_readable_by_the_owner_only(world, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = Client()
    browser.force_login(world.users["editor_bac"])
    upload = SimpleUploadedFile("so.csv", "ma_nguoi,ho_ten\nP-BAC-1,Nguyễn Thị Hoa\n".encode(), "text/csv")
    response = browser.post("/so-du-lieu/", {"file": upload})
    assert response.status_code == 302
    stored = ImportJob.objects.get(owner=world.users["editor_bac"]).stored_path
    assert oct(os.stat(stored).st_mode & 0o777) == oct(0o600)
    assert oct(os.stat(os.path.dirname(stored)).st_mode & 0o777) == oct(0o700)
