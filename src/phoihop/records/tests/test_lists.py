"""Records lists as a clerk uses them (issue 14 item 4): a visible year filter, newest first, a unit
picker that shows the tree, the filtered list as .xlsx and as a printed PDF, and counts that say where
the details are kept."""

import io
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest

from phoihop.audit.models import AuditEntry
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Unit
from phoihop.records.models import Admission, Enrolment, Person, Referral, TrainingClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(world):
    """Hoa (Bắc Hà) referred in 2019 to the party cell, admitted in 2020 after a class; Nam (Nam Sơn)
    admitted in 2020 without a union referral; a 2021 joiner in Bắc Hà."""
    hoa, nam = world.people["P-BAC-1"], world.people["P-NAM-1"]
    Person.objects.unscoped().filter(pk=hoa.pk).update(birth_date=date(1990, 4, 2))
    Referral.objects.create(
        person=hoa, referred_on=date(2019, 3, 1), referring_unit=world.unit("CDCS-BAC-1"),
        receiving_party_unit=world.unit("CB-DN-BAC"),
    )  # fmt: skip
    course = TrainingClass.objects.create(
        code="LOP-1", name="Lớp bồi dưỡng 2019", organiser=world.unit("CB-DN-BAC"), starts_on=date(2019, 9, 1)
    )
    Enrolment.objects.create(training_class=course, person=hoa)
    Admission.objects.create(person=hoa, admitted_on=date(2020, 5, 1), party_unit=world.unit("CB-DN-BAC"))
    Admission.objects.create(person=nam, admitted_on=date(2020, 6, 1), party_unit=world.unit("CB-DN-BAC"))
    Person.objects.create(
        code="P-BAC-2", full_name="Phạm Văn Mới", grassroots_union=world.unit("CDCS-BAC-1"),
        enterprise=world.enterprises["DN-BAC"], gender="nam", ethnicity="Kinh", union_joined_on=date(2021, 8, 1),
    )  # fmt: skip


def signed_in(client, world, username):
    client.force_login(world.users[username])
    return client


def test_year_filter_is_a_labelled_field_and_lists_are_newest_first(world, client, pipeline):
    html = signed_in(client, world, "manager_a").get("/ho-so/nguoi/").content.decode()
    assert '<label for="nam">Năm</label>' in html and '<select id="nam" name="nam">' in html
    assert '<option value="2021">2021</option>' in html
    response = client.get("/ho-so/nguoi/")
    codes = [row["cells"][0]["text"] for row in response.context["table"]]
    assert codes == ["P-BAC-2", "P-BAC-1", "P-NAM-1"]  # joined 2021, then 2015 (code order within a day)
    or_2021 = client.get("/ho-so/nguoi/?nam=2021")
    assert [row["cells"][0]["text"] for row in or_2021.context["table"]] == ["P-BAC-2"]
    assert '<option value="2021" selected>' in or_2021.content.decode()
    assert client.get("/ho-so/nguoi/?nam=20x1").status_code == 400


def test_unit_picker_shows_districts_before_their_unions_and_no_ambiguous_names(world, client):
    twin = Unit.objects.create(
        code="CDCS-NAM-2", name="Công đoàn cơ sở Công ty Chè Bắc Hà", kind="cdcs",
        parent=world.unit("LDLD-A-NAM"), founded_on=date(2012, 1, 1),
    )  # fmt: skip
    rebuild_closure()
    response = signed_in(client, world, "manager_a").get("/ho-so/nguoi/")
    groups = response.context["unit_groups"]
    assert [g.label for g in groups] == ["Hệ thống công đoàn"]
    options = [(o.code, o.depth, o.label.strip("\u00a0")) for o in groups[0].options]
    codes = [code for code, _depth, _label in options]
    assert codes.index("LDLD-A") < codes.index("LDLD-A-BAC") < codes.index("CDCS-BAC-1")
    assert codes.index("LDLD-A-NAM") < codes.index("CDCS-NAM-2")
    depth = {code: d for code, d, _label in options}
    assert (depth["LDLD-A"], depth["LDLD-A-BAC"], depth["CDCS-BAC-1"]) == (0, 1, 2)
    labels = {code: label for code, _d, label in options}
    # Two unions of the same name: each says which district it belongs to.
    assert labels["CDCS-BAC-1"] == "Công đoàn cơ sở Công ty Chè Bắc Hà — Liên đoàn Lao động huyện Bắc Hà"
    assert labels[twin.code] == "Công đoàn cơ sở Công ty Chè Bắc Hà — Liên đoàn Lao động huyện Nam Sơn"
    html = response.content.decode()
    assert '<label for="don_vi">Đơn vị</label>' in html and '<optgroup label="Hệ thống công đoàn">' in html
    assert "CDCS-X-1" not in html  # another province's union is not offered


def test_unit_picker_searches_without_javascript(world, client):
    response = signed_in(client, world, "manager_a").get("/ho-so/nguoi/?tim_don_vi=bac ha")
    found = [o.code for g in response.context["unit_groups"] for o in g.options]
    assert set(found) == {"LDLD-A-BAC", "CDCS-BAC-1"}  # "bac ha" finds "Bắc Hà" without diacritics
    assert 'value="bac ha"' in response.content.decode()


def test_export_is_the_filtered_list_with_hidden_personal_fields_empty_and_audited(world, client, pipeline):
    # The party bloc sees Hoa (referred to its cell, admitted there) and Nam (admitted there).
    signed_in(client, world, "party_viewer")
    response = client.get("/ho-so/nguoi/xuat.xlsx?q=nguyen")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-nguoi.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Danh sách đoàn viên công đoàn" and "tìm “nguyen”" in rows[1][0]
    header = list(rows[3])
    assert header[:3] == ["STT", "Mã người", "Họ và tên"] and header[-3:] == [
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
    ]
    assert [r[1] for r in rows[4:]] == ["P-BAC-1"]  # the search applies
    hoa = dict(zip(header, rows[4], strict=True))
    assert hoa["Ngày sinh"].date() == date(1990, 4, 2) and hoa["Dân tộc"] == "Tày"  # admitted there: shown
    assert sheet.freeze_panes == "A5"
    entry = AuditEntry.objects.filter(action="export", model="records.Person").get()
    assert entry.actor_name == "party_viewer" and entry.after == {
        "filters": {"q": "nguyen"}, "rows": 1, "format": "xlsx",
    }  # fmt: skip

    # A person the viewer sees only through a referral to its cell: their personal fields stay empty,
    # as on the person page.
    Admission.objects.unscoped().filter(person__code="P-BAC-1").delete()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/ho-so/nguoi/xuat.xlsx").content)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["P-BAC-1"][-3:] == (None, None, None)
    assert rows["P-NAM-1"][-1] == "Tày"


def test_export_keeps_the_scope_and_refuses_another_provinces_unit(world, client, pipeline):
    signed_in(client, world, "editor_bac")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/ho-so/nguoi/xuat.xlsx").content)).active
    assert sorted(r[1] for r in sheet.iter_rows(min_row=5, values_only=True)) == ["P-BAC-1", "P-BAC-2"]
    assert client.get("/ho-so/nguoi/xuat.xlsx?don_vi=CDCS-X-1").status_code == 404
    assert client.get("/ho-so/nguoi/in.pdf?don_vi=CDCS-X-1").status_code == 404
    assert client.get("/ho-so/nguoi/xuat.xlsx?nam=abc").status_code == 400
    assert not AuditEntry.objects.filter(action="export", after__filters__don_vi="CDCS-X-1").exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_printed_list_has_the_units_heading_title_table_and_signature_lines(world, client, pipeline):
    response = signed_in(client, world, "editor_bac").get("/ho-so/nguoi/in.pdf?don_vi=CDCS-BAC-1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BẮC HÀ" in text  # cơ quan chủ quản
    assert "CÔNG ĐOÀN CƠ SỞ CÔNG TY CHÈ BẮC HÀ" in text  # tên đơn vị
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "DANH SÁCH ĐOÀN VIÊN CÔNG ĐOÀN" in text
    assert "Phạm Văn Mới" in text and "Nguyễn Thị Hoa" in text and "02/04/1990" in text
    assert text.index("Phạm Văn Mới") < text.index("Nguyễn Thị Hoa")  # newest first
    assert "Trần Văn Nam" not in text  # another district's member
    assert "NGƯỜI LẬP BIỂU" in text and "TM. BAN CHẤP HÀNH" in text and "CHỦ TỊCH" in text
    assert (
        AuditEntry.objects.filter(action="export", model="records.Person", after__format="pdf").count() == 1
    )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_printed_class_roster_carries_the_party_heading(world, client, pipeline):
    response = signed_in(client, world, "party_viewer").get("/ho-so/hoc-vien/in.pdf?don_vi=CB-DN-BAC")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CHI BỘ CÔNG TY CHÈ BẮC HÀ" in text
    assert "DANH SÁCH HỌC VIÊN LỚP BỒI DƯỠNG NHẬN THỨC VỀ ĐẢNG" in text and "LOP-1" in text
    assert "T/M CHI BỘ" in text and "BÍ THƯ" in text


def test_union_side_sees_the_admissions_it_referred_counted_and_told_where_details_are(
    world, client, pipeline
):
    signed_in(client, world, "manager_a")
    index = client.get("/ho-so/")
    cards = {c["kind"].slug: c for c in index.context["cards"]}
    # Hoa was referred by a union of the province and admitted: 1 (Nam was admitted without a referral).
    assert cards["ket-nap"]["count"] == "1" and cards["ket-nap"]["other"].side == "bên Đảng"
    assert cards["hoc-vien"]["count"] == "1"
    listing = client.get("/ho-so/ket-nap/")
    assert listing.context["other"] == {
        "count": "1",
        "what": "đoàn viên do các đơn vị trong phạm vi của bạn giới thiệu đã được kết nạp Đảng",
        "holder": "bên Đảng (tổ chức đảng kết nạp, tổ chức lớp)",
    }
    html = listing.content.decode()
    assert "đoàn viên do các đơn vị trong phạm vi của bạn giới thiệu đã được kết nạp Đảng" in html
    assert "chi tiết từng hồ sơ thuộc bên Đảng" in html
    assert '<strong class="value">0</strong>' in client.get("/ho-so/ket-nap/?nam=2019").content.decode()
    assert "Nguyễn Thị Hoa" not in html  # no detail crosses over


def test_party_side_sees_the_referrals_of_its_admissions_counted(world, client, pipeline):
    signed_in(client, world, "party_viewer")
    Referral.objects.unscoped().update(receiving_party_unit=None)  # the referral is the union's row only
    cards = {c["kind"].slug: c for c in client.get("/ho-so/").context["cards"]}
    assert cards["gioi-thieu"]["count"] == "1" and cards["gioi-thieu"]["other"].side == "bên công đoàn"
    assert cards["ket-nap"]["other"] is None and cards["ket-nap"]["count"] == "2"  # its own records


def test_outsider_gets_no_count_of_another_province(world, client, pipeline):
    cards = {c["kind"].slug: c for c in signed_in(client, world, "outsider").get("/ho-so/").context["cards"]}
    assert cards["ket-nap"]["count"] == "0"
