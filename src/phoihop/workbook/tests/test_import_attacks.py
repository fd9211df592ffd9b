"""Issue 11, tried as an attacker would with the demo province: every import row passes the write gate
(accounts.scope) before and after the change; a code outside the importer's scope is reported with
exactly the words of a code that does not exist; roles bind imports as they bind pages."""

from datetime import date

import pytest
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Admission, CultureRecognition, Initiative, Person, Referral, Target
from phoihop.workbook.services import export_workbook, import_workbook

from .helpers import write_csv

pytestmark = pytest.mark.django_db

SAPA_PERSON = "LC-NG-000001"  # Đặng Văn Dũng, CĐCS Công ty Vận tải Y Tý, thị xã Sa Pa
SAPA_UNION, SAPA_ENTERPRISE = "CDCS-DN-001", "DN-001"
BATXAT_UNION = "CDCS-DN-002"
NOT_FOUND = "không có {what} mã này trong sổ hoặc trong cơ sở dữ liệu"


def batxat() -> User:
    return User.objects.get(username="batxat")


def party_editor() -> User:
    user, _ = User.objects.get_or_create(
        username="dk_editor", defaults={"role": "editor", "unit": Unit.objects.get(code="DUK-LC")}
    )
    return user


def run(tmp_path, user, sheets):
    sheets = {"don_vi": [["ma_don_vi", "ten", "loai"]]} | sheets
    folder = tmp_path / f"wb{len(list(tmp_path.iterdir()))}"  # a fresh folder per workbook
    return import_workbook(write_csv(folder, sheets), actor=user)


def errors(result) -> list[str]:
    return [e.render() for e in result.errors]


def only_value_differs(result, foreign: str, missing: str) -> None:
    """The foreign code's message is the missing code's, word for word, bar the value and the row."""
    texts = errors(result)
    about_foreign = [t.split(": ", 1)[1] for t in texts if f"'{foreign}'" in t]
    about_missing = [t.split(": ", 1)[1] for t in texts if f"'{missing}'" in t]
    assert about_foreign and about_foreign == [t.replace(missing, foreign) for t in about_missing]


def test_batxat_cannot_reach_a_sa_pa_person_through_a_referral(demo_province, tmp_path, client):
    result = run(
        tmp_path,
        batxat(),
        {
            "gioi_thieu": [
                ["ma_nguoi", "ngay_gioi_thieu", "ma_don_vi_gioi_thieu"],
                [SAPA_PERSON, "2024-05-01", BATXAT_UNION],
                ["LC-NG-999999", "2024-05-01", BATXAT_UNION],
            ]
        },
    )
    assert not result.ok
    only_value_differs(result, SAPA_PERSON, "LC-NG-999999")
    assert NOT_FOUND.format(what="người") in errors(result)[0]
    assert (
        not Referral.objects.unscoped()
        .filter(person__code=SAPA_PERSON, referred_on=date(2024, 5, 1))
        .exists()
    )
    client.force_login(batxat())
    assert client.get(reverse("records:person", args=[SAPA_PERSON])).status_code == 404


def test_party_side_editor_cannot_reach_a_person_through_an_admission(demo_province, tmp_path):
    editor = party_editor()
    stranger = (
        Person.objects.unscoped()
        .filter(admission__isnull=True, referrals__isnull=True, enrolments__isnull=True)
        .order_by("code")
        .first()
    )
    result = run(
        tmp_path,
        editor,
        {
            "ket_nap": [
                ["ma_nguoi", "ngay_ket_nap", "ma_to_chuc_dang"],
                [stranger.code, "2024-05-01", "DB-CQ-01"],
                ["LC-NG-999999", "2024-05-01", "DB-CQ-01"],
            ]
        },
    )
    assert not result.ok
    only_value_differs(result, stranger.code, "LC-NG-999999")
    assert not Admission.objects.unscoped().filter(person=stranger).exists()


def test_batxat_cannot_move_a_sa_pa_person_into_bat_xat(demo_province, tmp_path):
    result = run(
        tmp_path,
        batxat(),
        {"nguoi": [["ma_nguoi", "ho_ten", "ma_cdcs"], [SAPA_PERSON, "Đặng Văn Dũng", BATXAT_UNION]]},
    )
    assert not result.ok
    assert "thuộc đơn vị ngoài phạm vi của bạn" in errors(result)[0]
    assert Person.objects.unscoped().get(code=SAPA_PERSON).grassroots_union.code == SAPA_UNION


def test_batxat_cannot_move_a_sa_pa_initiative(demo_province, tmp_path):
    initiative = Initiative.objects.unscoped().filter(unit__code=SAPA_UNION).first() or (
        Initiative.objects.unscoped().filter(unit__parent__code="LDLD-H-SAPA").first()
    )
    result = run(
        tmp_path,
        batxat(),
        {
            "sang_kien": [
                ["ma_sang_kien", "ten", "ma_don_vi", "nam"],
                [initiative.code, initiative.name, BATXAT_UNION, str(initiative.year)],
            ]
        },
    )
    assert not result.ok and "ngoài phạm vi" in errors(result)[0]
    assert Initiative.objects.unscoped().get(pk=initiative.pk).unit_id == initiative.unit_id


def test_batxat_cannot_rename_a_sa_pa_enterprise_nor_recognise_it(demo_province, tmp_path):
    before = Enterprise.objects.get(code=SAPA_ENTERPRISE)
    recognitions = CultureRecognition.objects.unscoped().filter(enterprise=before).count()
    result = run(
        tmp_path,
        batxat(),
        {
            "doanh_nghiep": [
                ["ma_doanh_nghiep", "ten", "loai_hinh"],
                [SAPA_ENTERPRISE, "Tên mới", before.ownership],
            ]
        },
    )
    assert not result.ok and "ngoài phạm vi" in errors(result)[0]
    assert Enterprise.objects.get(code=SAPA_ENTERPRISE).name == before.name

    result = run(
        tmp_path,
        batxat(),
        {
            "van_hoa": [
                ["ma_doanh_nghiep", "nam", "danh_hieu"],
                [SAPA_ENTERPRISE, "2024", "nep_song_van_hoa"],
                ["DN-999999", "2024", "nep_song_van_hoa"],
            ]
        },
    )
    assert not result.ok
    only_value_differs(result, SAPA_ENTERPRISE, "DN-999999")
    assert CultureRecognition.objects.unscoped().filter(enterprise=before).count() == recognitions


def test_an_editor_may_not_create_or_rename_units_or_set_targets_by_import(demo_province, tmp_path):
    union = Unit.objects.get(code=BATXAT_UNION)
    result = run(
        tmp_path,
        batxat(),
        {
            "don_vi": [
                ["ma_don_vi", "ten", "loai", "ma_cap_tren", "ngay_thanh_lap"],
                ["CDCS-MOI", "Công đoàn cơ sở mới", "cdcs", "LDLD-H-BATXAT", "2024-01-01"],
                [BATXAT_UNION, "Tên khác", "cdcs", "LDLD-H-BATXAT", union.founded_on.isoformat()],
            ],
            "chi_tieu": [
                ["ma_chi_tieu", "ma_don_vi", "nam", "gia_tri"],
                ["union.members_admitted", "LDLD-H-BATXAT", "2025", "100"],
            ],
        },
    )
    text = "\n".join(errors(result))
    assert not result.ok
    assert "vai trò của bạn không được nhập trang này: cần quyền quản lý đơn vị" in text
    assert "cần quyền giao chỉ tiêu" in text
    assert not Unit.objects.filter(code="CDCS-MOI").exists()
    assert Unit.objects.get(code=BATXAT_UNION).name == union.name
    assert not Target.objects.unscoped().filter(unit__code="LDLD-H-BATXAT", year=2025).exists()


def test_the_manager_of_the_province_may_do_what_the_editor_may_not(demo_province, tmp_path):
    manager = User.objects.get(username="lanhdao")
    result = run(
        tmp_path,
        manager,
        {
            "don_vi": [
                ["ma_don_vi", "ten", "loai", "ma_cap_tren", "ngay_thanh_lap"],
                ["CDCS-MOI", "Công đoàn cơ sở mới", "cdcs", "LDLD-H-BATXAT", "2024-01-01"],
                ["CDCS-MOI-2", "Công đoàn cơ sở mới 2", "cdcs", "CDCS-MOI-CHA", "2024-02-01"],
                ["CDCS-MOI-CHA", "Công đoàn ngành mới", "cd_nganh", "LDLD-LC", "2024-01-01"],
            ],
        },
    )
    assert result.ok, errors(result)
    assert Unit.objects.get(code="CDCS-MOI-2").parent.code == "CDCS-MOI-CHA"


def test_editors_own_export_imports_back_unchanged(demo_province, tmp_path):
    from phoihop.accounts.scope import scope_for

    path = export_workbook(tmp_path / "own.xlsx", scope=scope_for(batxat()))
    result = import_workbook(path, actor=batxat())
    assert result.ok, errors(result)[:5]
    assert all(not s["created"] and not s["updated"] for s in result.summary.values()), result.summary
