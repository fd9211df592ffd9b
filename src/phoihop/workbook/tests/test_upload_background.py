"""The upload's job really goes through the job queue and a worker (phoihop.jobs), and the error
workbook marks header problems where the user will look for them."""

import io

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
def test_upload_is_queued_run_by_a_worker_and_the_status_endpoint_follows_it(client, settings, tmp_path):
    from phoihop.jobs.worker import run_worker
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
    assert client.get(reverse("workbook:job_status", args=[job.pk])).json()["finished"] is False
    run_worker(batch=True, interval=0)  # what `phoihop worker` does, until the queue is empty
    status = client.get(reverse("workbook:job_status", args=[job.pk])).json()
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
