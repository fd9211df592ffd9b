"""`phoihop report` documents on the demo province: what a reader finds in each format, and the
command's answers to bad input."""

import io
import os
import subprocess
import sys

import docx
import openpyxl
import pypdfium2
import pytest
from django.core.management import call_command

from phoihop.orgs.models import Unit

pytestmark = pytest.mark.django_db

# The command-line tests below run real `phoihop` processes on SQLite databases of their own, whatever the
# suite's database: the PostgreSQL leg of .ci/run would only repeat them (about 30 s).
own_sqlite = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on a SQLite database of its own: the SQLite leg runs it",
)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A database of its own for real `phoihop` processes: exit codes and standard error as scripts see them."""
    folder = tmp_path_factory.mktemp("cli")
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        "PHOIHOP_DATA_DIR": str(folder),
    }
    subprocess.run([sys.executable, "-m", "phoihop.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "phoihop.cli", "demo"], env=env, check=True, capture_output=True)
    return env


FIGURES = [
    "6.065",
    "7.675",
    "4.884",
    "trên 17 tỷ đồng",
    "trên 175 tỷ đồng",
    "05 đồng chí là chủ doanh nghiệp",
]
LABELS = ["Số CĐCS thành lập mới", "Số đoàn viên ưu tú giới thiệu cho Đảng", "Xây dựng tổ chức công đoàn"]


def document(tmp_path, fmt: str, *args) -> bytes:
    out = tmp_path / f"report.{fmt}"
    call_command("report", "--program", "CTPH-2017-2020", "--format", fmt, "--output", str(out), *args)
    return out.read_bytes()


def docx_text(data: bytes) -> str:
    word = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def pdf_text(data: bytes) -> tuple[str, int]:
    pdf = pypdfium2.PdfDocument(data)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return text, len(pdf)


def test_docx_holds_the_narrative_the_tables_and_the_charts(demo_province, tmp_path):
    data = document(tmp_path, "docx")
    text = docx_text(data)
    for needle in FIGURES + LABELS + ["LIÊN ĐOÀN LAO ĐỘNG TỈNH LÀO CAI", "giai đoạn 2017-2020"]:
        assert needle in text, needle
    word = docx.Document(io.BytesIO(data))
    assert len(word.inline_shapes) == 2  # trend and the yearly flows; 2017–2020 has no targets to rank
    headers = [[c.text for c in table.rows[0].cells] for table in word.tables]
    assert ["Chỉ tiêu", "2017", "2018", "2019", "2020", "Cả kỳ"] in headers


def test_pdf_embeds_a_vietnamese_font_and_reads_back_the_figures(demo_province, tmp_path):
    data = document(tmp_path, "pdf")
    text, pages = pdf_text(data)
    assert pages >= 2
    for needle in FIGURES + LABELS + ["ĐẢNG ỦY KHỐI CƠ QUAN - DOANH NGHIỆP TỈNH LÀO CAI"]:
        assert needle in text.replace("\r", "").replace("\n", " "), needle
    assert b"/FontFile2" in data  # the TrueType font travels with the file
    assert b"LiberationSerif" in data


def test_html_is_the_same_report(demo_province, tmp_path):
    text = document(tmp_path, "html").decode()
    for needle in FIGURES + LABELS:
        assert needle in text, needle
    assert text.count("data:image/png;base64,") == 2


def test_xlsx_keeps_numbers_as_numbers(demo_province, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(document(tmp_path, "xlsx")))
    assert book.sheetnames == ["Thông tin", "Kết quả", "Theo đơn vị", "Phân tổ"]
    rows = {row[0]: row[1:] for row in book["Kết quả"].iter_rows(values_only=True)}
    assert rows["Số đoàn viên phát triển mới"][-1] == 6065
    assert rows["Giá trị làm lợi (đồng)"][-1] == 17_348_500_000
    assert rows["Số CĐCS thành lập mới"][:4] == (15, 17, 16, 16)


def test_xlsx_writes_formula_looking_names_as_text(demo_province, tmp_path):
    Unit.objects.filter(code="LDLD-H-BATXAT").update(name='=HYPERLINK("http://x","bấm")')
    book = openpyxl.load_workbook(io.BytesIO(document(tmp_path, "xlsx")))
    names = [row[1] for row in book["Theo đơn vị"].iter_rows(min_row=5, values_only=True)]
    assert '=HYPERLINK("http://x","bấm")' in names  # units are rows
    cell = next(c for c in book["Theo đơn vị"]["B"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"


def test_a_district_scope_reports_only_its_subtree(demo_province, tmp_path):
    text = docx_text(document(tmp_path, "docx", "--scope", "LDLD-H-BATXAT"))
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BÁT XÁT" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text  # the district federation issues it alone
    assert "6.065" not in text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--program", "KHONG-CO", "--format", "json"], 1, "Không có chương trình phối hợp mã 'KHONG-CO'"),
        (
            ["--program", "CTPH-2017-2020", "--scope", "XYZ", "--format", "json"],
            1,
            "Không có đơn vị mã 'XYZ'",
        ),
        (
            ["--program", "CTPH-2017-2020", "--from", "2020-01-01", "--to", "2019-01-01", "--format", "json"],
            2,
            "ngày kết thúc 01/01/2019 trước ngày bắt đầu 01/01/2020",
        ),
        (
            ["--program", "CTPH-2017-2020", "--from", "2020-13-01", "--format", "json"],
            2,
            "--from: ngày '2020-13-01'",
        ),
        (["--program", "CTPH-2017-2020", "--format", "odt"], 2, "invalid choice"),
    ],
)
@own_sqlite
def test_bad_input_is_a_message_and_an_exit_code(args, code, message, cli_env):
    done = subprocess.run(
        [sys.executable, "-m", "phoihop.cli", "report", *args], env=cli_env, capture_output=True, text=True
    )
    assert done.returncode == code
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@own_sqlite
def test_json_goes_to_standard_output(cli_env):
    done = subprocess.run(
        [sys.executable, "-m", "phoihop.cli", "report", "--program", "CTPH-2017-2020", "--format", "json"],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert '"value": 6065' in done.stdout


@own_sqlite
def test_a_database_without_the_schema_is_explained(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "phoihop.cli", "report", "--program", "CTPH-2017-2020", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "hãy chạy `phoihop migrate` trước" in done.stderr
    assert "Traceback" not in done.stderr


def test_xlsx_is_ready_to_print_with_units_as_rows_and_dates_as_dates(demo_province, tmp_path):
    import datetime

    book = openpyxl.load_workbook(io.BytesIO(document(tmp_path, "xlsx")))
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True) if row[0]}
    assert info["Kỳ báo cáo từ ngày"] == datetime.datetime(2017, 1, 1)  # a date cell, not text
    assert info["Đến ngày"] == datetime.datetime(2020, 12, 31)
    assert book["Thông tin"]["B3"].number_format == "dd/mm/yyyy"
    units = book["Theo đơn vị"]
    assert units.page_setup.paperSize == 9 and units.page_setup.orientation == "landscape"
    assert units.print_title_rows == "$4:$4"  # the header row repeats on every printed page
    assert units.sheet_properties.pageSetUpPr.fitToPage
    setup = units.page_setup  # one page wide (1 is the file format's default, left out), any number long
    assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
    names = [row[1] for row in units.iter_rows(min_row=5, values_only=True)]
    assert "Liên đoàn Lao động huyện Bát Xát" in names and names[-1] == "Toàn phạm vi báo cáo"
