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
from phoihop.workbook import reader, xlsx_pieces
from phoihop.workbook.models import ImportJob
from phoihop.workbook.sheets import BY_KEY, LISTS_SHEET, SHEETS

from .helpers import read_back

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


def test_the_export_reads_as_a_clerk_expects(demo_province, client):
    """Issue 14 item 2: Vietnamese tab titles, values by their Vietnamese labels with drop-downs, real
    dates shown dd/mm/yyyy, the header frozen and explained, columns sized to their contents."""
    book = openpyxl.load_workbook(io.BytesIO(download(client, "lanhdao")))
    assert book.sheetnames == [s.title for s in SHEETS] + [LISTS_SHEET]
    assert "Giới thiệu đoàn viên ưu tú" in book.sheetnames and "gioi_thieu" not in book.sheetnames
    assert book[LISTS_SHEET].sheet_state == "hidden"

    units = book[BY_KEY["don_vi"].title]
    header = [c.value for c in units[1]]
    kind = header.index("Loại đơn vị") + 1
    founded = header.index("Ngày thành lập") + 1
    kinds = {units.cell(r, kind).value for r in range(2, units.max_row + 1)}
    assert "Công đoàn cơ sở" in kinds and "cdcs" not in kinds
    day = units.cell(2, founded)
    assert day.is_date and day.number_format == "dd/mm/yyyy"
    assert units.freeze_panes == "A2"
    assert "Bắt buộc" in units.cell(1, kind).comment.text
    assert units.column_dimensions["B"].width > 20  # unit names

    lists = book[LISTS_SHEET]
    drop_downs = {str(dv.sqref).split(":")[0]: dv for dv in units.data_validations.dataValidation}
    kind_list = drop_downs[f"{openpyxl.utils.get_column_letter(kind)}2"]
    column, first, last = _list_range(kind_list.formula1)
    offered = [lists[f"{column}{r}"].value for r in range(first, last + 1)]
    assert "Công đoàn cơ sở" in offered and "Liên đoàn Lao động tỉnh" in offered
    parent = header.index("Mã đơn vị cấp trên") + 1
    codes = drop_downs[f"{openpyxl.utils.get_column_letter(parent)}2"]
    column, first, last = _list_range(codes.formula1)
    assert "LDLD-H-BATXAT" in {lists[f"{column}{r}"].value for r in range(first, last + 1)}

    awards = book[BY_KEY["khen_thuong"].title]
    levels = {
        row[[c.value for c in awards[1]].index("Cấp khen")]
        for row in awards.iter_rows(min_row=2, values_only=True)
    }
    assert levels <= {"Cơ sở", "Tổng LĐLĐ Việt Nam", "UBND tỉnh", "Nhà nước"} and levels
    targets = book[BY_KEY["chi_tieu"].title]
    assert targets["A2"].value == "Số đoàn viên phát triển mới" or not targets["A2"].value.startswith(
        "union."
    )


def _list_range(formula: str) -> tuple[str, int, int]:
    """'_danh_muc'!$C$2:$C$13 → ("C", 2, 13)."""
    cells = formula.split("!")[1].replace("$", "")
    start, end = cells.split(":")
    column = "".join(ch for ch in start if ch.isalpha())
    return column, int(start[len(column) :]), int(end[len(column) :])


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
    demo_province, client, username, tmp_path, django_capture_on_commit_callbacks, monkeypatch
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
    # Calc keeps what the clerk sees: the titles, the hidden lists, the drop-downs and real dates. (Not
    # the frozen header: a headless conversion has no view to save it from; Calc's window keeps it.)
    book = openpyxl.load_workbook(io.BytesIO(resaved))
    assert book[LISTS_SHEET].sheet_state == "hidden"
    units = book[BY_KEY["don_vi"].title]
    assert units.data_validations.dataValidation
    founded = [c.value for c in units[1]].index("Ngày thành lập") + 1
    assert units.cell(2, founded).is_date
    assert_nothing_changed(upload(client, "xuat.xlsx", resaved, django_capture_on_commit_callbacks))
    # Calc's file read a piece at a time, as a large workbook's sheets are (xlsx_pieces), gives the rows
    # and notes it gives read whole.
    whole = read_back(out / "xuat.xlsx")
    monkeypatch.setattr(reader, "XLSX_STREAM_FROM", 0)
    monkeypatch.setattr(xlsx_pieces, "PIECE_BYTES", 20_000)
    pieced = read_back(out / "xuat.xlsx", stream=True)
    assert any(kind == "PieceRows" for *_, kind in pieced.values())
    assert {name: sheet[:3] for name, sheet in pieced.items()} == {
        name: sheet[:3] for name, sheet in whole.items()
    }


def test_the_corrected_error_workbook_uploads_as_it_is(
    demo_province, client, django_capture_on_commit_callbacks
):
    """batxat breaks one date of its export; the error workbook marks it; the clerk types the right date
    into that workbook and uploads it as it is: accepted, and only that fix (nothing) changes."""
    book = openpyxl.load_workbook(io.BytesIO(download(client, "batxat")))
    people = book[BY_KEY["nguoi"].title]
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
    assert {BY_KEY[k].title for k in ("don_vi", "nguoi", "doanh_nghiep")} <= set(marked.sheetnames)
    marked[BY_KEY["nguoi"].title].cell(2, column).value = original
    fixed = io.BytesIO()
    marked.save(fixed)
    assert_nothing_changed(
        upload(client, "xuat-loi.xlsx", fixed.getvalue(), django_capture_on_commit_callbacks)
    )
