"""The upload's job really runs in a background thread after the upload commits, and the error
workbook marks header problems where the user will look for them."""

import io
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phoihop.records.models import WelfareContribution
from phoihop.workbook.error_workbook import write_error_workbook
from phoihop.workbook.models import ImportJob
from phoihop.workbook.problems import Problem
from phoihop.workbook.reader import RawSheet

from .helpers import write_xlsx


@pytest.mark.django_db(transaction=True)
def test_upload_runs_in_a_thread_and_the_status_endpoint_follows_it(client, settings, tmp_path):
    from phoihop.testing.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHOIHOP_IMPORT_INLINE = False
    world = build_world()
    sheets = {
        "don_vi": [["ma_don_vi", "ten", "loai", "ma_cap_tren"]],
        "an_sinh": [
            ["ma_dong_gop", "ma_don_vi", "ngay", "so_tien"],
            ["AS-9", "CDCS-BAC-1", "2023-03-03", "1000"],
        ],
    }
    path = write_xlsx(tmp_path / "wb.xlsx", sheets)
    client.force_login(world.users["editor_bac"])
    response = client.post(
        reverse("workbook:upload"), {"file": SimpleUploadedFile("wb.xlsx", path.read_bytes())}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("workbook:job", args=[job.pk])
    deadline = time.time() + 20
    status = {}
    while time.time() < deadline:
        status = client.get(reverse("workbook:job_status", args=[job.pk])).json()
        if status["finished"]:
            break
        time.sleep(0.1)
    assert status["status"] == "succeeded", status
    assert status["summary"]["an_sinh"]["created"] == 1
    assert WelfareContribution.objects.unscoped().get(code="AS-9").amount_vnd == 1000


def test_error_workbook_marks_unknown_and_missing_columns_and_whole_rows(tmp_path):
    raw = RawSheet(
        "an_sinh",
        ["ma_dong_gop", "cot_la", "ngay"],
        [(2, ["AS-1", "x", "2020-01-01"]), (3, ["AS-1", "y", "2020-01-02"])],
    )
    errors = [
        Problem("An sinh xã hội, từ thiện", 1, None, "cot_la", "cột không có trong sổ dữ liệu chuẩn", ""),
        Problem("An sinh xã hội, từ thiện", 1, "Số tiền (đồng)", None, "thiếu cột bắt buộc", ""),
        Problem("An sinh xã hội, từ thiện", 3, None, None, "trùng khóa với dòng 2", ""),
        Problem("An sinh xã hội, từ thiện", None, None, None, "trang thiếu đơn vị", ""),
    ]
    path = write_error_workbook(tmp_path / "loi.xlsx", raw_sheets=[raw], errors=errors)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert len(list(book["Danh sách lỗi"].iter_rows(min_row=2))) == 4
    ws = book["an_sinh"]
    assert "không có trong sổ" in ws["B1"].comment.text
    assert ws["D1"].value == "Số tiền (đồng)" and "thiếu cột" in ws["D1"].comment.text
    assert "trùng khóa" in ws["A3"].comment.text
    assert ws["A2"].comment is None and ws["C3"].value == "2020-01-02"


def test_jobs_cut_off_by_a_restart_are_marked_when_the_server_starts(world):
    from phoihop.workbook.tasks import fail_interrupted

    running = ImportJob.objects.create(owner=world.users["editor_bac"], file_name="a.xlsx", status="running")
    done = ImportJob.objects.create(owner=world.users["editor_bac"], file_name="b.xlsx", status="succeeded")
    assert fail_interrupted() == 1
    running.refresh_from_db()
    done.refresh_from_db()
    assert running.status == "crashed" and "khởi động lại" in running.phase
    assert done.status == "succeeded"
