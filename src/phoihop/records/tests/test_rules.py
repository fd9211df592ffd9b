"""Issue 12 item 1: one rule in one place. For each record rule (records.rules, core.dates), the same bad
record is refused by the staff page, by the workbook import (naming sheet, row and column) and by the API,
with the same Vietnamese message; and nothing is written by any of them."""

import itertools
from datetime import date, timedelta

import pytest

from phoihop.accounts.models import ApiToken, User
from phoihop.accounts.scope import scope_for
from phoihop.core.dates import today
from phoihop.records import models as r
from phoihop.records import rules
from phoihop.records.kinds import BY_SLUG
from phoihop.workbook.services import import_workbook
from phoihop.workbook.sheets import BY_KEY
from phoihop.workbook.tests.helpers import write_csv

pytestmark = pytest.mark.django_db

# Today as the date policy reads it (Vietnam's day, core.dates.today), not the server's: from 17:00 UTC
# they differ, and the server's tomorrow is Vietnam's today.
TOMORROW = (today() + timedelta(days=1)).isoformat()
HORIZON = today().year + 5  # core.dates: plans and years up to this year + 5
PAST_HORIZON = f"{HORIZON + 1}-01-01"

# (case, kind slug, sheet key, who enters it, good values by form field, bad values, field, message)
# The good values are a record every channel accepts; the bad ones break exactly one rule.
PERSON = {"code": "P-LUAT-1", "full_name": "Vũ Thị Luật", "grassroots_union": "CDCS-BAC-1"}
CLASS = {
    "code": "L-LUAT-1",
    "name": "Lớp nhận thức về Đảng",
    "organiser": "CB-DN-BAC",
    "starts_on": "2022-03-01",
}
# records.rules.UNIT_KINDS: a reference naming a unit of a kind the field does not accept.
WRONG_KIND = "Đơn vị %s (%s) không phải %s."
DISTRICT = "Liên đoàn Lao động huyện/thị xã/thành phố"
CDCS, PARTY = "công đoàn cơ sở (loại cdcs)", "tổ chức đảng"
CASES = [
    ("birth before 1929", "nguoi", "nguoi", "manager_a", PERSON, {"birth_date": "1920-05-01"},
     "birth_date", "Ngày không được trước 01/01/1929."),
    ("joining in the future", "nguoi", "nguoi", "manager_a", PERSON, {"union_joined_on": TOMORROW},
     "union_joined_on", "Ngày không được sau hôm nay."),
    ("leaving before joining", "nguoi", "nguoi", "manager_a", PERSON,
     {"union_joined_on": "2020-05-01", "union_left_on": "2019-05-01"},
     "union_left_on", "Ngày rời phải sau ngày vào công đoàn."),
    ("joining before birth", "nguoi", "nguoi", "manager_a", PERSON,
     {"birth_date": "1995-01-01", "union_joined_on": "1990-05-01"},
     "union_joined_on", "Ngày vào công đoàn phải sau ngày sinh."),
    ("joining without a union", "nguoi", "nguoi", "manager_a", PERSON,
     {"grassroots_union": "", "union_joined_on": "2020-05-01"},
     "grassroots_union", "Có ngày vào công đoàn thì cần công đoàn cơ sở."),
    ("referral before 1929", "gioi-thieu", "gioi_thieu", "manager_a",
     {"person": "P-BAC-1", "referred_on": "2021-04-01", "referring_unit": "CDCS-BAC-1"},
     {"referred_on": "1928-12-31"}, "referred_on", "Ngày không được trước 01/01/1929."),
    ("timeline row in the future", "qua-trinh", "qua_trinh", "manager_a",
     {"person": "P-BAC-1", "starts_on": "2021-04-01", "grassroots_union": "CDCS-BAC-1", "enterprise": "DN-BAC"},
     {"starts_on": TOMORROW}, "starts_on", "Ngày không được sau hôm nay."),
    ("timeline row naming a district federation", "qua-trinh", "qua_trinh", "manager_a",
     {"person": "P-BAC-1", "starts_on": "2021-04-01", "grassroots_union": "CDCS-BAC-1", "enterprise": "DN-BAC"},
     {"grassroots_union": "LDLD-A-BAC"}, "grassroots_union", WRONG_KIND % ("LDLD-A-BAC", DISTRICT, CDCS)),
    ("person in a district federation", "nguoi", "nguoi", "manager_a", PERSON,
     {"grassroots_union": "LDLD-A-BAC"}, "grassroots_union", WRONG_KIND % ("LDLD-A-BAC", DISTRICT, CDCS)),
    ("referral by a party unit", "gioi-thieu", "gioi_thieu", "root",
     {"person": "P-BAC-1", "referred_on": "2021-04-01", "referring_unit": "CDCS-BAC-1"},
     {"referring_unit": "CB-DN-BAC"}, "referring_unit",
     WRONG_KIND % ("CB-DN-BAC", "Chi bộ cơ sở", "đơn vị công đoàn")),
    ("class organised by a union", "lop-boi-duong", "lop_boi_duong", "root", CLASS,
     {"organiser": "CDCS-BAC-1"}, "organiser", WRONG_KIND % ("CDCS-BAC-1", "Công đoàn cơ sở", PARTY)),
    ("class ending before it starts", "lop-boi-duong", "lop_boi_duong", "party_editor", CLASS,
     {"ends_on": "2022-02-01"}, "ends_on", "Ngày kết thúc phải sau ngày bắt đầu."),
    ("class planned too far ahead", "lop-boi-duong", "lop_boi_duong", "party_editor", CLASS,
     {"starts_on": PAST_HORIZON}, "starts_on", f"Ngày không được sau 31/12/{HORIZON}."),
    ("full membership before admission", "ket-nap", "ket_nap", "root",
     {"person": "P-BAC-1", "admitted_on": "2022-05-19", "party_unit": "CB-DN-BAC"},
     {"full_member_on": "2022-01-01"}, "full_member_on", "Ngày chuyển chính thức phải sau ngày kết nạp."),
    ("work year before 1929", "cong-trinh", "cong_trinh", "manager_a",
     {"code": "CT-LUAT-1", "name": "Nhà văn hóa", "unit": "CDCS-BAC-1", "year": "2022"},
     {"year": "1920"}, "year", "Năm không được trước 1929."),
    ("initiative year too far ahead", "sang-kien", "sang_kien", "manager_a",
     {"code": "SK-LUAT-1", "name": "Máy sao chè", "unit": "CDCS-BAC-1", "year": "2022", "value_vnd": "0",
      "level": "co_so"},
     {"year": str(HORIZON + 1)}, "year", f"Năm không được sau {HORIZON}."),
    ("award to an enterprise naming none", "khen-thuong", "khen_thuong", "manager_a",
     {"code": "KT-LUAT-1", "target": "doanh_nghiep", "enterprise": "DN-BAC", "level": "ubnd_tinh",
      "form": "bang_khen", "year": "2022", "proposing_unit": "CDCS-BAC-1"},
     {"enterprise": ""}, "enterprise", "Khen thưởng doanh nghiệp thì cần mã doanh nghiệp."),
    ("contribution in the future", "an-sinh", "an_sinh", "manager_a",
     {"code": "AS-LUAT-1", "unit": "CDCS-BAC-1", "date": "2022-01-15", "amount_vnd": "1000000"},
     {"date": TOMORROW}, "date", "Ngày không được sau hôm nay."),
    ("program ending before it starts", "chuong-trinh", "chuong_trinh", "manager_a",
     {"code": "CTPH-LUAT", "name": "Chương trình thử", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
      "union_root": "LDLD-A", "party_root": "DUK-A"},
     {"ends_on": "2025-12-31"}, "ends_on", "Ngày kết thúc phải sau ngày bắt đầu."),
    ("program whose party side is a union", "chuong-trinh", "chuong_trinh", "manager_a",
     {"code": "CTPH-LUAT", "name": "Chương trình thử", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
      "union_root": "LDLD-A", "party_root": "DUK-A"},
     {"party_root": "LDLD-A-BAC"}, "party_root", WRONG_KIND % ("LDLD-A-BAC", DISTRICT, PARTY)),
]  # fmt: skip


@pytest.fixture
def users(world):
    party_editor = User(username="party_editor", role="editor", unit=world.units["DUK-A"])
    party_editor.save()
    # An admission names a union member and a party unit: someone who sees both (a superuser) enters it.
    root = User(username="root", role="admin", unit=world.units["DUK-A"], is_superuser=True, is_staff=True)
    root.save()
    return world.users | {"party_editor": party_editor, "root": root}


def on_page(client, user, slug, values):
    """The page's answer: the form's errors by field ({} when the record was saved)."""
    client.force_login(user)
    response = client.post(f"/ho-so/{slug}/them/", values)
    if response.status_code == 302:
        return {}
    assert response.status_code == 400, response.status_code
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def by_import(tmp_path, user, sheet_key, values):
    """The import's rendered problems for one row holding `values` (form fields → the sheet's columns)."""
    sheet = BY_KEY[sheet_key]
    columns = [c for c in sheet.columns if c.field in values]
    sheets = {"don_vi": [["ma_don_vi", "ten", "loai"]], sheet_key: [[c.key for c in columns]]}
    sheets[sheet_key].append([values[c.field] for c in columns])
    result = import_workbook(write_csv(tmp_path / "wb", sheets), actor=user)
    return result, [e.render() for e in result.errors]


def by_api(client, user, slug, values):
    token = ApiToken.issue(user)
    response = client.post(
        "/api/v1/records",
        {"kind": slug, "values": values},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response


def count(slug) -> int:
    return BY_SLUG[slug].model.objects.unscoped().count()


@pytest.mark.parametrize(
    ("slug", "sheet_key", "username", "good", "bad", "field", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_page_import_and_api_refuse_the_same_record_with_the_same_words(
    client, users, tmp_path, slug, sheet_key, username, good, bad, field, message
):
    user, values = users[username], good | bad
    before = count(slug)

    assert on_page(client, user, slug, values).get(field) == [message]

    result, problems = by_import(tmp_path, user, sheet_key, values)
    column = next(c for c in BY_KEY[sheet_key].columns if c.field == field)
    where = f"Trang '{BY_KEY[sheet_key].label}', dòng 2, cột '{column.label}'"
    assert not result.ok
    assert any(p.startswith(where) and p.endswith(": " + message) for p in problems), problems

    response = by_api(client, user, slug, values)
    assert response.status_code == 422, response.content
    assert {"field": field, "message": message} in response.json()["errors"]

    assert count(slug) == before  # nothing written by any of them


@pytest.mark.parametrize(
    ("slug", "sheet_key", "username", "good"),
    list(dict.fromkeys((c[1], c[2], c[3], tuple(c[4].items())) for c in CASES)),
)
def test_the_good_record_goes_in_through_each_channel(
    client, users, tmp_path, slug, sheet_key, username, good
):
    """The controls of the test above: without the bad value, each channel takes the record."""
    good, user = dict(good), users[username]
    model = BY_SLUG[slug].model
    last = model.objects.unscoped().order_by("-pk").values_list("pk", flat=True).first() or 0

    def written_then_removed() -> bool:
        new = model.objects.unscoped().filter(pk__gt=last)  # a timeline row may bring its base row
        found = new.exists()
        new.delete()
        return found

    result, problems = by_import(tmp_path, user, sheet_key, good)
    assert result.ok, problems
    assert written_then_removed()
    assert on_page(client, user, slug, good) == {}
    assert written_then_removed()
    response = by_api(client, user, slug, good)
    assert response.status_code == 201, response.content
    assert written_then_removed()


def test_api_edit_keeps_absent_fields_and_applies_the_rules(client, users):
    user = users["manager_a"]
    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}

    def put(values):
        return client.post(
            "/api/v1/records",
            {"kind": "nguoi", "key": "P-BAC-1", "values": values},
            content_type="application/json",
            **token,
        )

    refused = put({"union_left_on": "2010-01-01"})  # joined 01/03/2015 (the world)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "union_left_on", "message": "Ngày rời phải sau ngày vào công đoàn."}
    ]
    saved = put({"union_left_on": "2024-06-30"})
    assert saved.status_code == 200 and saved.json() == {"kind": "nguoi", "key": "P-BAC-1", "created": False}
    person = BY_SLUG["nguoi"].model.objects.unscoped().get(code="P-BAC-1")
    assert person.union_left_on == date(2024, 6, 30) and person.full_name == "Nguyễn Thị Hoa"


def test_api_refuses_an_unknown_kind_or_field_and_a_viewer(client, users):
    def post(username, body):
        token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(users[username])}"}
        return client.post("/api/v1/records", body, content_type="application/json", **token)

    unknown = post("manager_a", {"kind": "meo", "values": {}})
    assert unknown.status_code == 422 and unknown.json()["detail"] == "Không có loại hồ sơ 'meo'."
    field = post("manager_a", {"kind": "nguoi", "values": {"tuoi": 30}})
    assert (
        field.status_code == 422 and field.json()["detail"] == "Trường 'tuoi' không có trong loại hồ sơ này."
    )
    assert post("viewer_nam", {"kind": "nguoi", "values": PERSON}).status_code == 403
    outside = post("editor_bac", {"kind": "nguoi", "key": "P-X-1", "values": {"full_name": "X"}})
    assert outside.status_code == 404


def test_the_database_keeps_the_order_of_a_records_dates_whatever_the_way_in(world):
    """A write around the forms and the import (a script, a raw COPY) meets the same order rules as
    CHECK constraints (records migration 0005)."""
    from django.db import IntegrityError, transaction

    person = BY_SLUG["nguoi"].model.objects.unscoped().filter(code="P-BAC-1")  # joined 01/03/2015
    with pytest.raises(IntegrityError), transaction.atomic():
        person.update(union_left_on=date(2015, 2, 28))
    person.update(union_left_on=date(2015, 3, 1))  # the same day is allowed
    assert person.get().union_left_on == date(2015, 3, 1)


@pytest.mark.parametrize(
    ("moved_on", "message"),
    [(TOMORROW, "Ngày không được sau hôm nay."), ("1928-06-01", "Ngày không được trước 01/01/1929.")],
)
def test_a_move_dated_out_of_the_policy_is_refused_by_the_page_and_the_api(client, users, moved_on, message):
    user = users["editor_bac"]
    client.force_login(user)
    response = client.post(
        "/ho-so/nguoi/P-BAC-1/chuyen-di/", {"moved_on": moved_on, "to_union": "CDCS-NAM-1"}
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["moved_on"] == [message]
    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
    response = client.post(
        "/api/v1/people/P-BAC-1/moves",
        {"moved_on": moved_on, "to_union": "CDCS-NAM-1"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "moved_on", "message": message}]
    assert not BY_SLUG["qua-trinh"].model.objects.unscoped().exists()


def test_a_timeline_row_or_a_move_before_birth_is_refused_everywhere_with_one_message(
    client, users, tmp_path
):
    """records.rules.after_birth: the timeline page, the import of qua_trinh (on its column), the API, and
    a move (page and API) say the same words."""
    person = BY_SLUG["nguoi"].model.objects.unscoped().get(code="P-BAC-1")
    person.birth_date = date(2012, 1, 1)
    person.save()
    message = "Trước ngày sinh của người này (01/01/2012)."
    user = users["manager_a"]
    row = {
        "person": "P-BAC-1",
        "starts_on": "2011-05-01",
        "grassroots_union": "CDCS-BAC-1",
        "enterprise": "DN-BAC",
    }

    assert on_page(client, user, "qua-trinh", row).get("starts_on") == [message]

    result, problems = by_import(tmp_path, user, "qua_trinh", row)
    assert not result.ok
    assert any(p.startswith("Trang 'Quá trình") and "cột 'Từ ngày'" in p and p.endswith(": " + message)
               for p in problems), problems  # fmt: skip

    response = by_api(client, user, "qua-trinh", row)
    assert response.status_code == 422, response.content
    assert {"field": "starts_on", "message": message} in response.json()["errors"]

    client.force_login(user)
    page = client.post(
        "/ho-so/nguoi/P-BAC-1/chuyen-di/", {"moved_on": "2011-05-01", "to_union": "CDCS-NAM-1"}
    )
    assert page.status_code == 400 and message in page.content.decode()
    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"}
    response = client.post(
        "/api/v1/people/P-BAC-1/moves",
        {"moved_on": "2011-05-01", "to_union": "CDCS-NAM-1"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 422
    assert message in [e["message"] for e in response.json()["errors"]]
    assert not BY_SLUG["qua-trinh"].model.objects.unscoped().exists()


def test_a_member_who_left_through_the_timeline_keeps_a_joining_date_without_a_union(users, tmp_path):
    """With a timeline, nguoi follows its last row: no union there means they left (docs/timeline.md). The
    import accepts such a person, and their form saves them unchanged (the rule of a joining date needing
    a union is for people without a timeline)."""
    user = users["manager_a"]
    sheets = {
        "don_vi": [["ma_don_vi", "ten", "loai"]],
        "nguoi": [
            ["ma_nguoi", "ho_ten", "ma_cdcs", "ma_doanh_nghiep", "ngay_vao_cong_doan"],
            ["P-BAC-1", "Nguyễn Thị Hoa", "", "DN-BAC", "2015-03-01"],
        ],
        "qua_trinh": [
            ["ma_nguoi", "tu_ngay", "ma_cdcs", "ma_doanh_nghiep", "ly_do"],
            ["P-BAC-1", "2015-03-01", "CDCS-BAC-1", "DN-BAC", "vào công đoàn"],
            ["P-BAC-1", "2020-01-01", "", "DN-BAC", "thôi sinh hoạt"],
        ],
    }
    result = import_workbook(write_csv(tmp_path / "wb", sheets), actor=user)
    assert result.ok, [e.render() for e in result.errors]
    person = BY_SLUG["nguoi"].model.objects.unscoped().get(code="P-BAC-1")
    assert person.grassroots_union is None and person.union_joined_on == date(2015, 3, 1)

    scope = scope_for(user)
    stored = BY_SLUG["nguoi"].form(instance=person, scope=scope)
    data = {name: stored[name].value() for name in stored.fields}
    form = BY_SLUG["nguoi"].form(data, instance=person, scope=scope)
    assert form.is_valid(), form.errors


class _Declared(dict):
    """A record's values that fail the test when a rule reads a field it did not declare (`rule.reads`):
    the import hands a rule only the fields it declared."""

    def __init__(self, values: dict, allowed: tuple[str, ...]):
        super().__init__(values)
        self.allowed = allowed

    def get(self, name, default=None):
        assert name in self.allowed, f"reads undeclared field {name!r}"
        return super().get(name, default)

    def __getitem__(self, name):
        assert name in self.allowed, f"reads undeclared field {name!r}"
        return super().__getitem__(name)


SAMPLES = {
    "birth_date": [None, date(1990, 1, 1), date(1920, 1, 1)],
    "union_joined_on": [None, date(2015, 3, 1), date(1985, 1, 1)],
    "union_left_on": [None, date(2014, 1, 1), date(2020, 1, 1)],
    "grassroots_union": [None, "CDCS-1"],
    "starts_on": [None, date(2021, 1, 1), date(1900, 1, 1)],
    "ends_on": [None, date(2020, 1, 1), date(2022, 1, 1)],
    "moved_on": [None, date(2021, 1, 1), date(2999, 1, 1)],
    "referred_on": [None, date(2021, 1, 1), date(1900, 1, 1)],
    "admitted_on": [None, date(2021, 1, 1)],
    "full_member_on": [None, date(2020, 1, 1), date(2022, 6, 1)],
    "year": [None, 2021, 1900, 2999],
    "target": [None, "doanh_nghiep", "ca_nhan", "tap_the"],
    "enterprise": [None, "DN-1"],
    "person": [None, "P-1"],
    "date": [None, date(2021, 1, 1), date(2999, 1, 1)],
}


@pytest.mark.parametrize("model", list(rules.RULES), ids=lambda m: m.__name__)
def test_each_rule_reads_only_the_fields_it_declares_and_decides_the_same_on_them(model):
    """The import gives a rule only its declared fields (records.rules.reads): every combination of
    their values, with every other field set too, gets the same verdict as the whole record, and the
    rule never asks for a field it did not declare."""
    rule = rules.RULES[model]
    declared = rule.reads
    others = {name: values[-1] for name, values in SAMPLES.items() if name not in declared}
    for combination in itertools.product(*(SAMPLES[name] for name in declared)):
        values = dict(zip(declared, combination, strict=True))
        whole = rule({**others, **values}, on=date(2025, 6, 1))
        only = rule(_Declared(values, declared), on=date(2025, 6, 1))
        assert [(b.field, b.msgid) for b in only] == [(b.field, b.msgid) for b in whole]
    assert model is r.Enrolment or declared, "a rule with checks declares what it reads"
