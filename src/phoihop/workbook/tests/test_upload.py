"""The upload page: background import with progress, summary, errors with the error workbook,
refused files, roles; and the template/export downloads."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phoihop.audit.models import AuditEntry
from phoihop.records.models import Person, WelfareContribution
from phoihop.workbook.models import ImportJob
from phoihop.workbook.tasks import run_job

from .helpers import write_xlsx, zip_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS = [["ma_don_vi", "ten", "loai", "ma_cap_tren"]]
WELFARE_HEAD = ["Mã đóng góp", "Mã đơn vị", "Ngày", "Số tiền", "Nội dung"]
PEOPLE_HEAD = ["ma_nguoi", "ho_ten", "gioi_tinh", "dan_toc", "ma_cdcs", "ngay_vao_cong_doan"]


@pytest.fixture(autouse=True)
def _inline_jobs(settings, tmp_path):
    settings.PHOIHOP_IMPORT_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx_upload(tmp_path, sheets, name="so-du-lieu.xlsx"):
    path = write_xlsx(tmp_path / name, sheets)
    return SimpleUploadedFile(name, path.read_bytes(), content_type=XLSX_TYPE)


def upload(client, user, file, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workbook:upload"), {"file": file})
    return response


def good_sheets():
    return {
        "don_vi": UNITS,
        "nguoi": [PEOPLE_HEAD, ["P-BAC-2", "Hoàng Văn Lâm", "nam", "Mông", "CDCS-BAC-1", "2021-06-01"]],
        "an_sinh": [
            WELFARE_HEAD,
            ["AS-1", "CDCS-BAC-1", "2022-01-15", "17.000.000", "Tết"],
            ["AS-2", "CDCS-BAC-1", "2022-02-15", 5000000, ""],
        ],
    }


def test_upload_page_offers_the_form_template_and_export(client, world):
    client.force_login(world.users["editor_bac"])
    text = client.get(reverse("workbook:upload")).content.decode()
    assert (
        'type="file"' in text and reverse("workbook:template") in text and reverse("workbook:export") in text
    )


def test_happy_path_imports_in_the_background_and_shows_the_summary(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    editor = world.users["editor_bac"]
    response = upload(
        client, editor, xlsx_upload(tmp_path, good_sheets()), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workbook:job", args=[job.pk])
    assert job.status == "succeeded" and job.progress == 100 and job.owner == editor
    assert job.summary["an_sinh"] == {
        "label": "An sinh xã hội, từ thiện",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert WelfareContribution.objects.unscoped().get(code="AS-1").amount_vnd == 17_000_000
    assert Person.objects.unscoped().get(code="P-BAC-2").grassroots_union.code == "CDCS-BAC-1"
    assert AuditEntry.objects.filter(action="import", actor=editor).exists()
    # the uploaded file (personal data) is not kept once imported
    assert not Path(job.stored_path).exists()

    status = client.get(reverse("workbook:job_status", args=[job.pk])).json()
    assert status["finished"] and status["status"] == "succeeded" and status["progress"] == 100
    page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()
    assert "Đã nhập xong" in page and "Đã thêm 3, cập nhật 0, giữ nguyên 0 dòng." in page


def test_progress_is_reported_while_the_job_runs(client, world, tmp_path, django_capture_on_commit_callbacks):
    seen = []
    from phoihop.workbook import tasks

    original = tasks._publish

    def spy(job, progress, phase):
        seen.append((progress, phase))
        original(job, progress, phase)
        # the status endpoint shows what the job has published so far
        status = client.get(reverse("workbook:job_status", args=[job.pk])).json()
        assert status["progress"] == progress and status["phase"] == phase

    tasks._publish = spy
    try:
        upload(
            client,
            world.users["editor_bac"],
            xlsx_upload(tmp_path, good_sheets()),
            django_capture_on_commit_callbacks,
        )
    finally:
        tasks._publish = original
    progress = [p for p, _ in seen]
    assert progress == sorted(progress) and progress[-1] >= 90
    assert any("ghi dữ liệu" in phase for _, phase in seen)


def test_errors_write_nothing_and_give_a_marked_error_workbook(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    sheets = good_sheets()
    sheets["an_sinh"] = [
        WELFARE_HEAD,
        ["AS-1", "CDCS-BAC-1", "2022-01-15", "17.000.000", "Tết"],
        ["AS-2", "CDCS-NAM-1", "2022-02-15", "5", ""],  # another district: refused by the write gate
        ["AS-3", "CDCS-BAC-1", "31/02/2022", "100", ""],
        ["AS-4", "CDCS-BAC-1", "2022-02-15", "-5", ""],  # negative money
    ]
    upload(
        client, world.users["editor_bac"], xlsx_upload(tmp_path, sheets), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.error_count == 3
    assert not WelfareContribution.objects.unscoped().exists()
    assert not Person.objects.unscoped().filter(code="P-BAC-2").exists()

    by_cell = {(e["row"], e["column"]): e for e in job.errors}
    assert by_cell[(3, "Đơn vị")]["value"] == "CDCS-NAM-1"
    # Worded like a code that does not exist (no hint that CDCS-NAM-1 exists in another district).
    assert by_cell[(3, "Đơn vị")]["message"] == "không có đơn vị mã này trong sổ hoặc trong cơ sở dữ liệu"
    assert by_cell[(5, "Số tiền (đồng)")]["message"] == "cần số tiền không âm"
    assert by_cell[(4, "Ngày")]["sheet"] == "An sinh xã hội, từ thiện"

    page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()
    assert "3 lỗi — chưa ghi dữ liệu nào" in page and "CDCS-NAM-1" in page
    assert "ngày 31/02/2022 không có" in page  # what is wrong with the value, not its format

    download = client.get(reverse("workbook:job_errors", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    # every sheet of the file is copied, so that the corrected workbook can be uploaded as it is (issue 14)
    # (and, hidden at the end, the drop-down lists of the standard columns)
    assert book.sheetnames == ["Danh sách lỗi", "don_vi", "nguoi", "an_sinh", "_danh_muc"]
    assert book["_danh_muc"].sheet_state == "hidden"
    rows = list(book["Danh sách lỗi"].iter_rows(min_row=2))
    # each problem names the tab as the clerk's file calls it, linked to the cell
    (bad_unit,) = [
        r for r in rows if [c.value for c in r[:5]] == ["Lỗi", "an_sinh", 3, "Đơn vị", "CDCS-NAM-1"]
    ]
    assert bad_unit[1].hyperlink.location == "'an_sinh'!B3"
    sheet = book["an_sinh"]
    red = {
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.fill.fgColor.rgb and cell.fill.fgColor.rgb.endswith("F8C9C5")
    }
    assert red == {"B3", "D5", "C4"}
    assert "không có đơn vị mã này" in sheet["B3"].comment.text
    assert "không âm" in sheet["D5"].comment.text
    assert sheet["A2"].comment is None and sheet["B3"].value == "CDCS-NAM-1"


def test_zip_of_csv_files_is_imported(client, world, tmp_path, django_capture_on_commit_callbacks):
    import csv

    def csv_bytes(rows):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8-sig")

    data = zip_bytes({f"so/{name}.csv": csv_bytes(rows) for name, rows in good_sheets().items()})
    file = SimpleUploadedFile("so-du-lieu.zip", data, content_type="application/zip")
    upload(client, world.users["editor_bac"], file, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "succeeded", job.errors
    assert job.summary["nguoi"]["created"] == 1


def test_zip_with_other_files_is_refused_by_name(client, world, django_capture_on_commit_callbacks):
    data = zip_bytes({"don_vi.csv": b"ma_don_vi,ten,loai\n", "ghi-chu.docx": b"x"})
    upload(
        client,
        world.users["editor_bac"],
        SimpleUploadedFile("a.zip", data),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert (
        "chỉ được chứa các tệp .csv" in job.errors[0]["message"]
        and "ghi-chu.docx" in job.errors[0]["message"]
    )


def test_a_corrupt_xlsx_is_rejected_with_the_engines_message(
    client, world, django_capture_on_commit_callbacks
):
    file = SimpleUploadedFile("hong.xlsx", b"PK\x03\x04 not really a workbook")
    upload(client, world.users["editor_bac"], file, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "rejected" and "bị hỏng" in job.errors[0]["message"]
    # the message names the user's file, not where the server stored it; no error workbook to offer
    assert job.errors[0]["sheet"] == "hong.xlsx" and not job.error_file


def test_too_large_file_gets_a_clear_message(client, world, settings, django_capture_on_commit_callbacks):
    settings.PHOIHOP_MAX_UPLOAD_BYTES = 1024 * 1024
    file = SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"0" * (1024 * 1024 + 10))
    response = upload(client, world.users["editor_bac"], file, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Tệp “lon.xlsx” nặng 1,0 MB, vượt giới hạn 1 MB. Hãy tách sổ thành nhiều tệp nhỏ hơn."
    ]
    assert not ImportJob.objects.exists()


def test_the_default_limit_is_100_mb(monkeypatch):
    import importlib

    import phoihop.settings

    monkeypatch.delenv("PHOIHOP_MAX_UPLOAD_BYTES", raising=False)
    assert importlib.reload(phoihop.settings).PHOIHOP_MAX_UPLOAD_BYTES == 100 * 1024 * 1024
    # the upload form shows the limit it enforces
    from phoihop.workbook.views import _mb

    assert _mb(100 * 1024 * 1024) == "100"


def test_wrong_file_type_gets_a_clear_message(client, world, django_capture_on_commit_callbacks):
    file = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4")
    response = upload(client, world.users["editor_bac"], file, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Tệp “bao-cao.pdf” không đúng loại: chỉ nhận tệp Excel .xlsx hoặc tệp .zip chứa các tệp .csv."
    ]
    assert not ImportJob.objects.exists()


def test_no_file_chosen(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["editor_bac"])
    response = client.post(reverse("workbook:upload"), {})
    assert response.context["form"].errors["file"] == ["Hãy chọn tệp sổ dữ liệu để tải lên."]


def test_viewer_may_not_import(client, world, tmp_path, django_capture_on_commit_callbacks):
    viewer = world.users["viewer_nam"]
    response = upload(
        client, viewer, xlsx_upload(tmp_path, good_sheets()), django_capture_on_commit_callbacks
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    page = client.get(reverse("workbook:upload")).content.decode()
    assert 'type="file"' not in page and "chỉ được xem" in page
    assert client.get(reverse("workbook:export")).status_code == 403


def test_another_user_cannot_see_my_job(client, world, tmp_path, django_capture_on_commit_callbacks):
    upload(
        client,
        world.users["editor_bac"],
        xlsx_upload(tmp_path, good_sheets()),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    client.force_login(world.users["manager_a"])
    for name in ("workbook:job", "workbook:job_status", "workbook:job_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_run_job_twice_does_nothing_the_second_time(
    client, world, tmp_path, django_capture_on_commit_callbacks
):
    upload(
        client,
        world.users["editor_bac"],
        xlsx_upload(tmp_path, good_sheets()),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert run_job(job.pk).status == "succeeded"
    assert WelfareContribution.objects.unscoped().count() == 2


def test_blank_template_download(client, world):
    client.force_login(world.users["viewer_nam"])
    response = client.get(reverse("workbook:template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "don_vi" in [s.lower() for s in book.sheetnames] or len(book.sheetnames) > 5


def test_export_of_my_scope_is_logged_once_with_scope_sheets_and_rows(client, world):
    client.force_login(world.users["editor_bac"])
    response = client.get(reverse("workbook:export"))
    assert response.status_code == 200
    assert "LDLD-A-BAC" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = json.dumps([[c.value for c in row] for ws in book for row in ws.iter_rows()], default=str)
    assert "P-BAC-1" in text and "P-NAM-1" not in text and "P-X-1" not in text
    assert response["Cache-Control"] == "no-store, private"
    (entry,) = AuditEntry.objects.filter(action="export")
    assert entry.actor == world.users["editor_bac"] and entry.model == "workbook"
    assert entry.after["scope"] == "LDLD-A-BAC" and entry.after["sheets"]["nguoi"] == 1
    assert entry.after["rows"] == sum(entry.after["sheets"].values())
