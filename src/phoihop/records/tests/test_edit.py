"""Creating and editing records: roles, scope, Vietnamese validation messages and audit rows."""

from datetime import date, timedelta

from django.urls import reverse

from phoihop.audit.models import AuditEntry
from phoihop.core.dates import today
from phoihop.records.models import Admission, Initiative, Person, WelfareContribution, Work


def signed_in(client, user):
    client.force_login(user)
    return client


def errors_of(response) -> dict:
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


PERSON = {
    "code": "P-BAC-2",
    "full_name": "Hoàng Văn Lâm",
    "birth_date": "1995-04-20",
    "gender": "nam",
    "ethnicity": "Mông",
    "grassroots_union": "CDCS-BAC-1",
    "enterprise": "DN-BAC",
    "union_joined_on": "2021-06-01",
}


def test_editor_creates_a_person_and_the_audit_log_has_the_values(client, world):
    response = signed_in(client, world.users["editor_bac"]).post("/ho-so/nguoi/them/", PERSON)
    assert response.status_code == 302 and response["Location"] == "/ho-so/nguoi/P-BAC-2/"
    person = Person.objects.unscoped().get(code="P-BAC-2")
    assert person.grassroots_union.code == "CDCS-BAC-1" and person.search_name == "hoang van lam"
    entry = AuditEntry.objects.get(action="create")
    assert entry.actor == world.users["editor_bac"] and entry.model == "records.Person"
    assert entry.object_code == "P-BAC-2" and entry.before is None
    assert entry.after["full_name"] == "Hoàng Văn Lâm" and entry.after["union_joined_on"] == "2021-06-01"


def test_edit_writes_before_and_after(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post(
        "/ho-so/nguoi/P-BAC-1/sua/", PERSON | {"code": "ignored", "full_name": "Nguyễn Thị Hoa Mai"}
    )
    assert response.status_code == 302
    person = Person.objects.unscoped().get(pk=world.people["P-BAC-1"].pk)
    assert person.full_name == "Nguyễn Thị Hoa Mai" and person.code == "P-BAC-1"  # the code is not edited
    entry = AuditEntry.objects.get(action="update")
    assert entry.object_code == "P-BAC-1"
    assert entry.before["full_name"] == "Nguyễn Thị Hoa" and entry.after["full_name"] == "Nguyễn Thị Hoa Mai"
    assert "full_name" in entry.detail


def test_outsider_gets_404_on_edit_page(client, world):
    signed_in(client, world.users["outsider"])
    assert client.get("/ho-so/nguoi/P-BAC-1/sua/").status_code == 404
    assert client.post("/ho-so/nguoi/P-BAC-1/sua/", PERSON).status_code == 404
    work = Work.objects.create(code="CT-1", name="Công trình", unit=world.unit("CDCS-BAC-1"), year=2020)
    assert client.get(reverse("records:edit", args=["cong-trinh", work.code])).status_code == 404


def test_other_district_editor_gets_404_not_403(client, world):
    signed_in(client, world.users["editor_bac"])
    assert client.get("/ho-so/nguoi/P-NAM-1/sua/").status_code == 404


def test_viewer_cannot_create_or_edit(client, world):
    signed_in(client, world.users["viewer_nam"])
    assert client.get("/ho-so/nguoi/them/").status_code == 403
    assert client.post("/ho-so/nguoi/them/", PERSON).status_code == 403
    assert client.get("/ho-so/nguoi/P-NAM-1/sua/").status_code == 403
    assert client.post("/ho-so/nguoi/P-NAM-1/sua/", PERSON).status_code == 403
    assert not AuditEntry.objects.exists()


def test_viewer_sees_no_add_button(client, world):
    text = signed_in(client, world.users["viewer_nam"]).get("/ho-so/nguoi/").content.decode()
    assert "/ho-so/nguoi/them/" not in text


def test_unit_outside_scope_is_refused_with_a_vietnamese_message(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post("/ho-so/nguoi/them/", PERSON | {"grassroots_union": "CDCS-NAM-1"})
    assert response.status_code == 400
    assert errors_of(response)["grassroots_union"] == [
        "Không tìm thấy đơn vị có mã “CDCS-NAM-1” trong phạm vi của bạn."
    ]
    assert not Person.objects.unscoped().filter(code="P-BAC-2").exists()
    assert not AuditEntry.objects.exists()


def test_a_district_editor_must_name_a_union_of_theirs(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post("/ho-so/nguoi/them/", PERSON | {"grassroots_union": "", "union_joined_on": ""})
    assert errors_of(response)["grassroots_union"] == ["Cần nhập “Công đoàn cơ sở” thuộc phạm vi của bạn."]


def test_grassroots_union_must_be_a_cdcs(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post("/ho-so/nguoi/them/", PERSON | {"grassroots_union": "LDLD-A-BAC"})
    assert "grassroots_union" in errors_of(response)


def test_dates_must_be_sane(client, world):
    signed_in(client, world.users["editor_bac"])
    tomorrow = (today() + timedelta(days=1)).isoformat()  # Vietnam's tomorrow (core.dates)
    response = client.post(
        "/ho-so/nguoi/them/",
        PERSON | {"birth_date": "1800-01-01", "union_joined_on": tomorrow, "union_left_on": "2020-01-01"},
    )
    errors = errors_of(response)
    assert errors["birth_date"] == ["Ngày không được trước 01/01/1929."]
    assert errors["union_joined_on"] == ["Ngày không được sau hôm nay."]
    response = client.post("/ho-so/nguoi/them/", PERSON | {"union_left_on": "2020-01-01"})
    assert errors_of(response)["union_left_on"] == ["Ngày rời phải sau ngày vào công đoàn."]
    response = client.post("/ho-so/nguoi/them/", PERSON | {"birth_date": "31/02/1990"})
    assert errors_of(response)["birth_date"] == ["Cần ngày dạng ngày/tháng/năm, ví dụ 15/03/2021."]


def test_dates_typed_the_vietnamese_way_are_accepted(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post("/ho-so/nguoi/them/", PERSON | {"birth_date": "20/04/1995"})
    assert response.status_code == 302
    assert Person.objects.unscoped().get(code="P-BAC-2").birth_date == date(1995, 4, 20)


def test_required_fields_are_named(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post("/ho-so/nguoi/them/", PERSON | {"full_name": ""})
    assert errors_of(response)["full_name"] == ["Chưa nhập “Họ và tên”."]
    assert "Chưa lưu" in response.content.decode()


def test_duplicate_code_is_refused_even_when_the_other_row_is_out_of_scope(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post("/ho-so/nguoi/them/", PERSON | {"code": "P-X-1"})
    assert errors_of(response)["code"] == ["Đã có người với mã người này."]


WELFARE = {
    "code": "AS-1",
    "unit": "CDCS-BAC-1",
    "date": "2022-01-15",
    "amount_vnd": "17.000.000",
    "purpose": "Tết",
}


def test_money_accepts_grouped_thousands(client, world):
    signed_in(client, world.users["editor_bac"])
    assert client.post("/ho-so/an-sinh/them/", WELFARE).status_code == 302
    assert WelfareContribution.objects.unscoped().get(code="AS-1").amount_vnd == 17_000_000


def test_money_must_be_a_non_negative_whole_number(client, world):
    signed_in(client, world.users["editor_bac"])
    for bad, message in [
        ("-5000", "Cần số tiền không âm."),
        ("1,5", "Cần số tiền (đồng), ví dụ 17.000.000 hoặc 17000000."),
        ("mười nghìn", "Cần số tiền (đồng), ví dụ 17.000.000 hoặc 17000000."),
    ]:
        response = client.post("/ho-so/an-sinh/them/", WELFARE | {"amount_vnd": bad})
        assert errors_of(response)["amount_vnd"] == [message], bad
    assert not WelfareContribution.objects.unscoped().exists()


def test_year_out_of_range(client, world):
    signed_in(client, world.users["editor_bac"])
    response = client.post(
        "/ho-so/cong-trinh/them/", {"code": "CT-1", "name": "Cầu", "unit": "CDCS-BAC-1", "year": "20"}
    )
    assert errors_of(response)["year"] == ["Năm không được trước 1929."]


def test_initiative_with_authors_and_money(client, world):
    signed_in(client, world.users["editor_bac"])
    data = {
        "code": "SK-1",
        "name": "Cải tiến máy sao chè",
        "unit": "CDCS-BAC-1",
        "year": "2022",
        "value_vnd": "250.000.000",
        "level": "tinh",
        "authors": "P-BAC-1",
    }
    assert client.post("/ho-so/sang-kien/them/", data).status_code == 302
    initiative = Initiative.objects.unscoped().get(code="SK-1")
    assert [p.code for p in initiative.authors.all()] == ["P-BAC-1"]
    assert AuditEntry.objects.get(action="create").after["authors"] == ["P-BAC-1"]
    response = client.post("/ho-so/sang-kien/them/", data | {"code": "SK-2", "authors": "P-BAC-1; P-NAM-1"})
    assert errors_of(response)["authors"] == ["Không tìm thấy người có mã “P-NAM-1” trong phạm vi của bạn."]
    # the edit page shows the authors back as codes
    page = client.get("/ho-so/sang-kien/SK-1/sua/")
    assert 'value="P-BAC-1"' in page.content.decode()


def test_admission_is_entered_by_the_party_side(client, world):
    manager = world.users["manager_a"]  # province federation: union side, cannot name a party cell
    data = {"person": "P-BAC-1", "admitted_on": "2022-02-03", "party_unit": "CB-DN-BAC", "decision_no": "7"}
    # The add page is not theirs (no add button on the list either: test_add_button.py).
    assert signed_in(client, manager).post("/ho-so/ket-nap/them/", data).status_code == 403
    assert not Admission.objects.unscoped().exists()


def test_party_editor_admits_a_trainee_and_dates_must_run_forward(client, world):
    from phoihop.accounts.models import User
    from phoihop.records.models import Enrolment, TrainingClass

    editor = User.objects.create(username="party_editor", role="editor", unit=world.unit("DUK-A"))
    signed_in(client, editor)
    # The party bloc sees Hoa once a class of one of its units names her.
    course = TrainingClass.objects.create(
        code="LOP-1", name="Lớp cảm tình Đảng", organiser=world.unit("CB-DN-BAC"), starts_on=date(2021, 5, 1)
    )
    Enrolment.objects.create(training_class=course, person=world.people["P-BAC-1"])
    data = {
        "person": "P-BAC-1",
        "admitted_on": "2022-02-03",
        "party_unit": "CB-DN-BAC",
        "full_member_on": "2021-02-03",
    }
    response = client.post("/ho-so/ket-nap/them/", data)
    assert errors_of(response) == {"full_member_on": ["Ngày chuyển chính thức phải sau ngày kết nạp."]}
    assert client.post("/ho-so/ket-nap/them/", data | {"full_member_on": "2023-02-03"}).status_code == 302
    admission = Admission.objects.unscoped().get()
    assert AuditEntry.objects.get(action="create").object_code == "P-BAC-1"
    # a second admission of the same person is refused by name
    response = client.post("/ho-so/ket-nap/them/", data | {"full_member_on": ""})
    assert errors_of(response)["person"] == ["Đã có kết nạp đảng viên với người này."]
    assert client.get(f"/ho-so/ket-nap/{admission.pk}/sua/").status_code == 200


def test_unit_field_suggests_only_units_in_scope(client, world):
    text = signed_in(client, world.users["editor_bac"]).get("/ho-so/an-sinh/them/").content.decode()
    assert 'list="goi-y-unit"' in text and '<option value="CDCS-BAC-1">' in text
    assert "CDCS-NAM-1" not in text and "CDCS-X-1" not in text
