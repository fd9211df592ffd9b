"""The review report as an official document, issued through the register on the demo province: what a
clerk and a leader check when they read the DOCX and the PDF back, what stays frozen after the records
change, and the Vietnamese answers to bad input (nothing issued)."""

import io
import re
import shutil
import subprocess
from datetime import date

import docx
import pypdfium2
import pytest
from docx.oxml.ns import qn

from phoihop.accounts.models import User
from phoihop.records.models import Program, WelfareContribution
from phoihop.reports import docx_template, services
from phoihop.reports.models import IssuedReport, ReportTemplate
from phoihop.reports.selectors import report_for

pytestmark = pytest.mark.django_db
PROGRAM = "CTPH-2017-2020"
INTERNAL_CODE = re.compile(r"\b(LDLD|DUK|CTPH|CDCS|HU)-[A-Z0-9-]+")


def request(**changes) -> services.IssueRequest:
    values = {
        "number": "15/BC-LĐLĐ-ĐUK",
        "issued_on": date(2021, 1, 15),
        "place": "Lào Cai",
        "kind": "tong_ket",
        "signers": [
            {"authority": "TM. BAN THƯỜNG VỤ", "title": "CHỦ TỊCH", "name": "Nguyễn Văn Chủ"},
            {"authority": "T/M ĐẢNG ỦY", "title": "BÍ THƯ", "name": "Trần Thị Bí"},
        ],
        "recipients": [
            "Tổng Liên đoàn Lao động Việt Nam (để báo cáo)",
            "Thường trực Tỉnh ủy (để báo cáo)",
            "Lưu: VT",
        ],
    }
    values.update(changes)
    return services.IssueRequest(**values)


def issue(user="lanhdao", program_code=PROGRAM, **changes) -> IssuedReport:
    who = User.objects.get(username=user)
    report = report_for(user=who, program_code=program_code)
    program = Program.objects.unscoped().get(code=program_code)
    services.save_draft(
        user=who,
        program=program,
        date_from=program.starts_on,
        date_to=program.ends_on,
        scope=None,
        parts={
            "strengths": "Hai bên phối hợp chặt chẽ.",
            "proposals": "Đề nghị Tổng Liên đoàn hỗ trợ kinh phí.",
        },
    )
    return services.issue_report(user=who, report=report, program=program, scope=None, req=request(**changes))


def stored(issued: IssuedReport, fmt: str) -> bytes:
    return services.file_bytes(issued.files.get(format=fmt))


def docx_text(data: bytes) -> str:
    word = docx.Document(io.BytesIO(data))
    cells = [p.text for t in word.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r", "")


def test_the_issued_docx_reads_as_a_signed_joint_report(demo_province):
    text = docx_text(stored(issue(), "docx"))
    for needle in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH LÀO CAI",
        "ĐẢNG ỦY KHỐI CƠ QUAN - DOANH NGHIỆP TỈNH LÀO CAI",
        "Số: 15/BC-LĐLĐ-ĐUK",
        "Lào Cai, ngày 15 tháng 01 năm 2021",
        "Nơi nhận:",
        "- Thường trực Tỉnh ủy (để báo cáo);",
        "- Lưu: VT.",
        "TM. BAN THƯỜNG VỤ",
        "T/M ĐẢNG ỦY",
        "Nguyễn Văn Chủ",
        "Trần Thị Bí",
        "Hai bên phối hợp chặt chẽ.",  # part III written by people, merged in
        "Đề nghị Tổng Liên đoàn hỗ trợ kinh phí.",
        "PHỤ LỤC",
    ):
        assert needle in text, needle
    assert text.count("BÁO CÁO\n") == 1
    assert "Tổng kết thực hiện" in text and "Sơ kết" not in text  # one title, never both
    assert not INTERNAL_CODE.search(text), INTERNAL_CODE.search(text)
    assert "trực tiếp từ hồ sơ" not in text  # no sentence about the software


def test_every_style_the_docx_uses_is_times_new_roman_without_theme_fonts(demo_province):
    word = docx.Document(io.BytesIO(stored(issue(), "docx")))
    paragraphs = [
        *word.paragraphs,
        *(p for t in word.tables for r in t.rows for c in r.cells for p in c.paragraphs),
    ]
    used = {p.style.style_id: p.style for p in paragraphs}
    used |= {t.style.style_id: t.style for t in word.tables if t.style is not None}
    used = list(used.values())
    assert {s.name for s in used} >= {"Normal", "Body Text", "Heading 1", "Heading 2", "Title", "Subtitle"}
    for style in used:
        fonts = style.element.find(qn("w:rPr")).find(qn("w:rFonts"))
        for script in ("ascii", "hAnsi", "cs", "eastAsia"):
            assert fonts.get(qn(f"w:{script}")) == "Times New Roman", (style.name, script)
        assert not any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib), style.name
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"
    section = word.sections[0]
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 2.0)
    assert (round(section.top_margin.cm, 1), round(section.bottom_margin.cm, 1)) == (2.0, 2.0)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml


def test_the_issued_pdf_is_the_same_document_in_an_embedded_serif(demo_province):
    data = stored(issue(), "pdf")
    text = pdf_text(data)
    flat = " ".join(text.split())
    for needle in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số: 15/BC-LĐLĐ-ĐUK",
        "Lào Cai, ngày 15 tháng 01 năm 2021",
        "Nơi nhận:",
        "Nguyễn Văn Chủ",
        "Trần Thị Bí",
        "T/M ĐẢNG ỦY",
    ):
        assert needle in flat, needle
    assert "Sơ kết" not in flat and not INTERNAL_CODE.search(flat)
    assert b"/FontFile2" in data and b"LiberationSerif" in data and b"DejaVu" not in data


def test_an_issued_report_stays_as_issued_when_the_records_change(demo_province, client):
    issued = issue()
    before = {f.format: f.sha256 for f in issued.files.all()}
    assert services.changes_since(issued) == []
    WelfareContribution.objects.unscoped().filter(date__year=2019).first().delete()
    issued.refresh_from_db()
    after = {f.format: services._sha(services.file_bytes(f)) for f in issued.files.all()}
    assert after == before  # the files and their SHA-256 are untouched
    changes = services.changes_since(issued)
    assert {c["year"] for c in changes if c["label"].startswith("Tổng số tiền")} == {"", "2019"}
    client.force_login(User.objects.get(username="lanhdao"))
    page = client.get(f"/bao-cao/so-bao-cao/{issued.pk}/").content.decode()
    assert "Thay đổi trong hồ sơ từ khi ban hành" in page and before["pdf"] in page
    assert client.get(f"/bao-cao/so-bao-cao/{issued.pk}/tai-ve.pdf").content == stored(issued, "pdf")


def test_the_next_number_is_suggested_per_issuing_body_and_year(demo_province):
    issue()
    program = Program.objects.unscoped().get(code=PROGRAM)
    report = report_for(user=User.objects.get(username="lanhdao"), program_code=PROGRAM)
    from phoihop.reports import official

    sides = official.sides_for(report)
    assert services.suggest_number(sides=sides, year=2021) == "16/BC-LĐLĐ-ĐUK"
    assert services.suggest_number(sides=sides, year=2022) == "01/BC-LĐLĐ-ĐUK"
    assert services.suggest_number(sides=sides[:1], year=2021) == "01/BC-LĐLĐ"
    assert official.format_number(7, sides[1:]) == "Số 07-BC/ĐUK"  # the Party's style
    del program


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "15/BC-LĐLĐ-ĐUK"}, "Số 15/BC-LĐLĐ-ĐUK đã dùng cho báo cáo ban hành ngày 15/01/2021"),
        ({"number": "BC-LĐLĐ"}, "Số, ký hiệu: cần dạng như 15/BC-LĐLĐ"),
        (
            {
                "signers": [
                    {"authority": "TM. BAN THƯỜNG VỤ", "title": "CHỦ TỊCH", "name": " "},
                    {"title": "BÍ THƯ", "name": "A"},
                ]
            },
            "Người ký 1: chưa có họ và tên.",
        ),
    ],
)
def test_bad_issue_requests_get_a_message_and_issue_nothing(demo_province, changes, message):
    if "đã dùng" in message:
        issue()
    count = IssuedReport.objects.count()
    with pytest.raises(services.RegisterError) as refused:
        issue(**changes)
    assert message in refused.value.message
    assert IssuedReport.objects.count() == count


def test_a_period_the_program_does_not_cover_is_refused(demo_province):
    who = User.objects.get(username="lanhdao")
    program = Program.objects.unscoped().get(code=PROGRAM)
    report = report_for(user=who, program_code=PROGRAM, date_from="2016-01-01", date_to="2020-12-31")
    with pytest.raises(services.RegisterError) as refused:
        services.issue_report(user=who, report=report, program=program, scope=None, req=request())
    assert "Kỳ báo cáo 01/01/2016 – 31/12/2020 nằm ngoài thời gian của chương trình" in refused.value.message
    assert not IssuedReport.objects.exists()


def _template_with(extra: str = "", drop: str = "") -> bytes:
    word = docx.Document(io.BytesIO(docx_template.builtin_bytes()))
    for p in word.paragraphs:
        if drop and drop in p.text:
            p.text = ""
    word.paragraphs[0].insert_paragraph_before("MẪU RIÊNG CỦA LIÊN ĐOÀN" + extra)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_template_with(" {{ chu_ky_so }}"), "chỗ giữ chỗ không có trong danh mục: chu_ky_so"),
        (_template_with(drop="{{p signatures }}"), "thiếu chỗ giữ chỗ: signatures"),
        (_template_with(" {{ broken "), "lỗi cú pháp"),
        (b"not a docx", "không phải là tệp Word (.docx)"),
    ],
)
def test_a_bad_template_is_refused_with_a_message(demo_province, data, message):
    with pytest.raises(services.RegisterError) as refused:
        services.upload_template(
            user=User.objects.get(username="admin"),
            unit=User.objects.get(username="admin").unit,
            name="X",
            data=data,
        )
    assert message in refused.value.message
    assert not ReportTemplate.objects.exists()


def test_the_federations_own_template_is_used_by_issued_reports(demo_province):
    admin = User.objects.get(username="admin")
    services.upload_template(user=admin, unit=admin.unit, name="Mẫu LĐLĐ", data=_template_with())
    text = docx_text(stored(issue(), "docx"))
    assert "MẪU RIÊNG CỦA LIÊN ĐOÀN" in text and "Số: 15/BC-LĐLĐ-ĐUK" in text


def test_the_builtin_template_is_a_template_with_every_required_placeholder():
    used = docx_template.check_template(docx_template.builtin_bytes())
    assert used >= docx_template.REQUIRED | {"heading"}
    assert docx_template.check_template(docx_template.build_builtin()) == used  # the shipped file is current


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_renders_and_resaves_the_docx(demo_province, tmp_path):
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(stored(issue(), "docx"))
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target, folder in (("pdf", tmp_path / "pdf"), ("docx:MS Word 2007 XML", tmp_path / "resaved")):
        subprocess.run(
            ["soffice", profile, "--headless", "--convert-to", target, "--outdir", str(folder), str(source)],
            check=True,
            capture_output=True,
            timeout=240,
        )
    rendered = pypdfium2.PdfDocument((tmp_path / "pdf" / "bao-cao.pdf").read_bytes())
    assert len(rendered) >= 4
    first = rendered[0].get_textpage().get_text_range()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "ĐẢNG CỘNG SẢN VIỆT NAM" in first
    assert "2" not in rendered[0].get_textpage().get_text_range()[:3]  # no page number on page 1
    resaved = docx_text((tmp_path / "resaved" / "bao-cao.docx").read_bytes())
    assert "Số: 15/BC-LĐLĐ-ĐUK" in resaved and "Trần Thị Bí" in resaved


def test_a_district_report_is_issued_by_the_district_alone(demo_province):
    from phoihop.reports.render import Document

    doc = Document(report_for(user=User.objects.get(username="batxat"), program_code=PROGRAM))
    off = doc.official
    assert [s["name"] for s in off.sides] == ["Liên đoàn Lao động huyện Bát Xát"]
    assert off.sides[0]["superior"] == "Liên đoàn Lao động tỉnh Lào Cai"
    assert off.number == "Số:       /BC-LĐLĐ" and len(off.signatures) == 1
    text = " ".join(p for _, p in off.results)
    assert text.startswith("Các cấp công đoàn đã thành lập mới")
    assert "6.065" not in text and not INTERNAL_CODE.search(text)
    assert "So với giai đoạn 2013–2016" in text or "Chưa có số liệu của giai đoạn 2013–2016" in off.opening


def test_a_mid_term_review_is_a_so_ket_compared_with_targets_and_the_years_before(demo_province):
    from phoihop.reports.render import Document

    report = report_for(
        user=User.objects.get(username="lanhdao"),
        program_code="CTPH-2021-2025",
        date_from="2021-01-01",
        date_to="2022-12-31",
    )
    off = Document(report).official
    assert "Tổng kết" not in off.summary
    assert off.summary.startswith("Sơ kết 02 năm (2021–2022) thực hiện chương trình phối hợp")
    text = " ".join(p for _, p in off.results)
    assert "So với chỉ tiêu giao cho các năm 2021–2022: đoàn viên kết nạp mới thực hiện" in text
    assert "So với giai đoạn 2019–2020, số công đoàn cơ sở thành lập mới" in text
    assert [s["title"] for s in off.sections][3] == "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN CÒN LẠI"


def test_staff_write_the_parts_and_issue_from_the_pages(demo_province, client):
    client.force_login(User.objects.get(username="lanhdao"))
    query = "?program=CTPH-2017-2020"
    page = client.get("/bao-cao/soan-thao/" + query)
    assert page.status_code == 200
    saved = client.post("/bao-cao/soan-thao/" + query, {"strengths": "<b>Phối hợp</b> tốt.\nĐúng kế hoạch."})
    assert saved.status_code == 302
    page = client.get("/bao-cao/soan-thao/" + query).content.decode()
    assert "Sửa lần cuối: lanhdao" in page and "&lt;b&gt;" not in page and "Phối hợp tốt." in page

    form = client.get("/bao-cao/ban-hanh/" + query)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["number"] == "01/BC-LĐLĐ-ĐUK" and initial["kind"] == "tong_ket"
    data = {
        "number": "01/BC-LĐLĐ-ĐUK",
        "issued_on": "2021-01-20",
        "place": "Lào Cai",
        "kind": "tong_ket",
        "recipients": "Như trên\nLưu: VT",
        "authority_0": "TM. BAN THƯỜNG VỤ",
        "title_0": "CHỦ TỊCH",
        "name_0": "",
        "authority_1": "T/M ĐẢNG ỦY",
        "title_1": "BÍ THƯ",
        "name_1": "Trần Thị Bí",
    }
    refused = client.post("/bao-cao/ban-hanh/" + query, data)
    assert refused.status_code == 400
    assert "Người ký 1: chưa có họ và tên." in refused.content.decode()
    assert not IssuedReport.objects.exists()
    done = client.post("/bao-cao/ban-hanh/" + query, {**data, "name_0": "Nguyễn Văn Chủ"})
    issued = IssuedReport.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/bao-cao/so-bao-cao/{issued.pk}/"
    assert "01/BC-LĐLĐ-ĐUK" in client.get("/bao-cao/so-bao-cao/").content.decode()
    assert "Đúng kế hoạch." in docx_text(stored(issued, "docx"))

    client.force_login(
        User.objects.get(username="batxat")
    )  # a district sees neither the report nor its files
    assert client.get(f"/bao-cao/so-bao-cao/{issued.pk}/").status_code == 404
    assert client.get(f"/bao-cao/so-bao-cao/{issued.pk}/tai-ve.pdf").status_code == 404
    assert "01/BC-LĐLĐ-ĐUK" not in client.get("/bao-cao/so-bao-cao/").content.decode()
    assert client.get("/bao-cao/mau/").status_code == 404  # templates are for admins
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/bao-cao/mau/").status_code == 200
    assert client.get("/bao-cao/mau/mau-mac-dinh.docx").content == docx_template.builtin_bytes()


def test_an_issued_report_goes_to_the_portal_as_a_draft_with_its_pdf(demo_province, client):
    issued = issue()
    client.force_login(User.objects.get(username="bientap"))  # news editor of the province federation
    done = client.post(f"/bao-cao/so-bao-cao/{issued.pk}/dang-cong/")
    assert done.status_code == 302
    from phoihop.portal.models import Document as PortalDocument

    attached = PortalDocument.objects.get(number="15/BC-LĐLĐ-ĐUK")
    assert attached.issued_on == date(2021, 1, 15) and attached.article is not None
    assert attached.article.status == "draft"
    with attached.file.open("rb") as handle:
        assert handle.read() == stored(issued, "pdf")  # the issued file itself, not a new rendering
