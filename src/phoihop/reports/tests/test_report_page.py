"""The report page: staff choose program, period and scope, read the report and download it; the
figures never reach beyond the user's scope."""

import io

import docx
import pytest

from phoihop.accounts.models import User
from phoihop.records import unit_picker
from phoihop.reports.assemble import ReportError, build_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, demo_province):
    def sign_in(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return sign_in


def test_a_program_partner_reads_the_whole_program_report(signed_in):
    page = signed_in("lanhdao").get("/bao-cao/", {"program": "CTPH-2017-2020"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "6.065" in text and "trên 17 tỷ đồng" in text
    assert "ĐẢNG ỦY KHỐI CƠ QUAN - DOANH NGHIỆP TỈNH LÀO CAI" in text


def test_a_district_user_gets_the_district_report_only(signed_in):
    text = signed_in("batxat").get("/bao-cao/", {"program": "CTPH-2017-2020"}).content.decode()
    assert "LIÊN ĐOÀN LAO ĐỘNG HUYỆN BÁT XÁT" in text
    assert "6.065" not in text


def test_the_scope_picker_lists_a_bounded_tree_and_finds_any_unit_by_search(signed_in, monkeypatch):
    # A scope over the limit (a national user's 150,000 units; here the province's, over a lowered limit)
    # lists the levels above the grassroots; a grassroots unit is found by the search and can be chosen.
    monkeypatch.setattr(unit_picker, "MAX_OPTIONS", 40)
    client = signed_in("lanhdao")
    page = client.get("/bao-cao/", {"program": "CTPH-2017-2020"})
    scope = page.context["form"]["scope"].as_widget()
    assert 'data-unit-picker="đơn vị khớp"' in scope and 'id="tim_don_vi"' in page.content.decode()
    assert 'value="LDLD-H-BATXAT"' in scope and 'value="CDCS-DN-001"' not in scope
    found = client.get("/bao-cao/", {"program": "CTPH-2017-2020", "tim_don_vi": "CDCS-DN-001"})
    assert 'value="CDCS-DN-001"' in found.context["form"]["scope"].as_widget()
    chosen = client.get("/bao-cao/", {"program": "CTPH-2017-2020", "scope": "CDCS-DN-001"})
    assert chosen.status_code == 200
    assert 'value="CDCS-DN-001" selected' in chosen.context["form"]["scope"].as_widget()
    assert chosen.context["report"]["scope"] == ["CDCS-DN-001"]


def test_a_unit_outside_the_scope_cannot_be_chosen(signed_in):
    client = signed_in("batxat")
    page = client.get("/bao-cao/", {"program": "CTPH-2017-2020", "scope": "LDLD-H-SAPA"})
    assert page.status_code == 400
    assert "Phạm vi: đơn vị này không thuộc phạm vi của bạn." in page.content.decode()
    assert 'value="LDLD-H-SAPA"' not in page.content.decode()  # not offered either
    assert (
        client.get("/bao-cao/tai-ve.pdf", {"program": "CTPH-2017-2020", "scope": "LDLD-H-SAPA"}).status_code
        == 400
    )


def test_a_period_ending_before_it_starts_is_refused_with_a_message(signed_in):
    page = signed_in("lanhdao").get(
        "/bao-cao/", {"program": "CTPH-2017-2020", "date_from": "2020-01-01", "date_to": "2019-01-01"}
    )
    assert page.status_code == 400
    assert "Đến ngày: ngày kết thúc phải sau ngày bắt đầu." in page.content.decode()


def test_download_gives_the_document(signed_in):
    response = signed_in("lanhdao").get("/bao-cao/tai-ve.docx", {"program": "CTPH-2017-2020"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-CTPH-2017-2020-')
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "6.065" in text


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/bao-cao/", {"program": "CTPH-2017-2020"})
    assert response.status_code == 302
    assert "/tai-khoan/" in response["Location"]


def test_the_period_is_typed_day_month_year(signed_in):
    client = signed_in("lanhdao")
    typed = client.get(
        "/bao-cao/", {"program": "CTPH-2017-2020", "date_from": "01/01/2018", "date_to": "31/12/2018"}
    )
    iso = client.get(
        "/bao-cao/", {"program": "CTPH-2017-2020", "date_from": "2018-01-01", "date_to": "2018-12-31"}
    )
    assert typed.status_code == iso.status_code == 200
    assert typed.context["report"]["period"] == {"from": "2018-01-01", "to": "2018-12-31"}
    assert typed.context["report"]["indicators"] == iso.context["report"]["indicators"]
    # The boxes show the period back the way it was typed, not in the browser's locale order.
    assert 'value="01/01/2018"' in typed.content.decode()


def test_a_date_that_is_not_one_is_refused_naming_the_field(signed_in):
    page = signed_in("lanhdao").get("/bao-cao/", {"program": "CTPH-2017-2020", "date_from": "31/02/2018"})
    assert page.status_code == 400
    assert "Từ ngày: cần một ngày hợp lệ." in page.content.decode()
    assert "report" not in page.context


@pytest.mark.parametrize("typed", ["30/06/2018", "30-06-2018", "2018-06-30"])
def test_the_report_reads_day_month_year_and_iso(demo_province, typed):
    report = build_report(program_code="CTPH-2017-2020", date_from="01/01/2018", date_to=typed)
    assert report["period"] == {"from": "2018-01-01", "to": "2018-06-30"}


def test_the_report_refuses_a_date_it_cannot_read(demo_province):
    with pytest.raises(ReportError, match="--to: ngày '31/06/2018' không hợp lệ"):
        build_report(program_code="CTPH-2017-2020", date_to="31/06/2018")
