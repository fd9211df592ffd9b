"""Issue 14 item 1, as the demo users do it: each role that may import downloads its workbook
(/so-du-lieu/xuat.xlsx, or the same data as .csv in a .zip) and uploads it unchanged — nothing changes and
no error is reported; the same after a LibreOffice re-save; the marked error workbook, corrected, goes in."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.workbook.models import ImportJob

pytestmark = pytest.mark.django_db

IMPORTERS = ["batxat", "lanhdao", "admin"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _inline_jobs(settings, tmp_path):
    settings.PHOIHOP_IMPORT_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"


def download(client, username, url="workbook:export") -> bytes:
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(url))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def upload(client, name, data, django_capture_on_commit_callbacks) -> ImportJob:
    before = ImportJob.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workbook:upload"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ImportJob.objects.count() == before + 1
    return ImportJob.objects.latest("pk")


def assert_nothing_changed(job: ImportJob):
    assert job.status == "succeeded", [e.get("message", e) for e in job.errors[:10]]
    changed = {k: s for k, s in job.summary.items() if s.get("created") or s.get("updated")}
    assert not changed, changed
    assert sum(s.get("unchanged", 0) for s in job.summary.values()) > 0


@pytest.mark.parametrize("username", IMPORTERS)
def test_own_xlsx_export_uploads_back_unchanged(
    demo_province, client, username, django_capture_on_commit_callbacks
):
    data = download(client, username)
    assert_nothing_changed(upload(client, "xuat.xlsx", data, django_capture_on_commit_callbacks))


@pytest.mark.parametrize("username", IMPORTERS)
def test_own_csv_export_uploads_back_unchanged(
    demo_province, client, username, django_capture_on_commit_callbacks
):
    data = download(client, username, "workbook:export_csv")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "don_vi.csv" in names and "nguoi.csv" in names
    assert_nothing_changed(upload(client, "xuat.zip", data, django_capture_on_commit_callbacks))


def _calc_missing() -> bool:
    """soffice without its Calc part (Debian's libreoffice-calc-nogui) cannot open an .xlsx."""
    soffice = shutil.which("soffice")
    if not soffice:
        return True
    program = Path(soffice).resolve().parent
    return not any(program.glob("libsclo.so*")) and not any(program.glob("libsc*.dylib"))


@pytest.mark.skipif(
    _calc_missing(), reason="LibreOffice Calc (soffice, libreoffice-calc-nogui) is not installed"
)
@pytest.mark.parametrize("username", ["batxat", "lanhdao"])
def test_export_resaved_by_libreoffice_uploads_back_unchanged(
    demo_province, client, username, tmp_path, django_capture_on_commit_callbacks
):
    source = tmp_path / "in" / "xuat.xlsx"
    source.parent.mkdir()
    source.write_bytes(download(client, username))
    out = tmp_path / "out"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    resaved = (out / "xuat.xlsx").read_bytes()
    assert resaved != source.read_bytes()
    assert_nothing_changed(upload(client, "xuat.xlsx", resaved, django_capture_on_commit_callbacks))


def test_the_corrected_error_workbook_uploads_as_it_is(
    demo_province, client, django_capture_on_commit_callbacks
):
    """batxat breaks one date of its export; the error workbook marks it; the clerk types the right date
    into that workbook and uploads it as it is: accepted, and only that fix (nothing) changes."""
    book = openpyxl.load_workbook(io.BytesIO(download(client, "batxat")))
    people = book["nguoi"]
    header = [c.value for c in people[1]]
    column = next(
        i for i, h in enumerate(header, start=1) if "sinh" in str(h).lower() and "ngày" in str(h).lower()
    )
    original = people.cell(2, column).value
    people.cell(2, column).value = "31/02/2020"
    broken = io.BytesIO()
    book.save(broken)
    job = upload(client, "xuat.xlsx", broken.getvalue(), django_capture_on_commit_callbacks)
    assert job.status == "rejected" and job.error_count == 1, job.errors[:5]
    assert "31/02/2020" in str(job.errors[0])
    response = client.get(reverse("workbook:job_errors", args=[job.pk]))
    marked = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert marked.sheetnames[0] == "Danh sách lỗi"
    assert {"don_vi", "nguoi", "doanh_nghiep"} <= set(marked.sheetnames)
    marked["nguoi"].cell(2, column).value = original
    fixed = io.BytesIO()
    marked.save(fixed)
    assert_nothing_changed(
        upload(client, "xuat-loi.xlsx", fixed.getvalue(), django_capture_on_commit_callbacks)
    )
