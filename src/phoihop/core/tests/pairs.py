"""Pairs of objects for the generated scope-isolation tests: for every kind of object a staff URL or an
API path may name, one object inside province A (seen by an `insider` of A) and its mirror in the
outsider province X, which nobody in A may see.

Mirrors are created with explicit primary keys in disjoint high ranges, so a number in a URL names
exactly one candidate whatever the table (no "person 3 happens to be unit 3" coincidences).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models

from phoihop.accounts.models import User
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records import models as r
from phoihop.testing.world import PASSWORD, World

BASE_PK = 700_000

# Who opens the inside object: union records of district Bắc Hà are opened by an admin of that
# district; party records by an admin of the party bloc of A; programs (province level) by admin_a.
DISTRICT_ADMIN = "district_admin"
PARTY_ADMIN = "party_admin"
PROVINCE_ADMIN = "admin_a"


@dataclass(frozen=True)
class Pair:
    kind: str
    insider: str  # username that sees `inside`
    inside: models.Model
    outside: models.Model
    # Path parameters that name something other than the object, by name: (name, inside, outside),
    # e.g. the period and the unit of a program's period report.
    named: tuple[tuple[str, str, str], ...] = ()

    def named_values(self, which: str) -> dict[str, str]:
        return {name: inside if which == "inside" else outside for name, inside, outside in self.named}

    def values(self, which: str) -> list[str]:
        obj = self.inside if which == "inside" else self.outside
        found = [str(obj.pk)]
        for attr in ("code", "slug"):
            value = getattr(obj, attr, None)
            if value:
                found.append(str(value))
        return found


def build_pairs(w: World) -> list[Pair]:
    counter = iter(range(BASE_PK, BASE_PK + 10_000, 10))

    def mirror(model, inside: dict, outside: dict) -> tuple:
        pk = next(counter)
        manager = model._base_manager
        return manager.create(pk=pk, **inside), manager.create(pk=pk + 1, **outside)

    def user(username: str, role: str, unit: Unit) -> None:
        u = User(username=username, role=role, unit=unit, is_staff=role == "admin")
        u.set_password(PASSWORD)
        u.save()
        w.users[username] = u

    a_bac, x_root = w.unit("LDLD-A-BAC"), w.unit("LDLD-X")
    user(DISTRICT_ADMIN, "admin", a_bac)
    user(PARTY_ADMIN, "admin", w.unit("DUK-A"))

    # The outsider province also has a party side, so party records have a mirror.
    duk_x = Unit.objects.create(
        code="DUK-X", name="Đảng ủy Khối tỉnh Xa Xôi", kind="dang_uy_khoi", founded_on=date(2000, 1, 1)
    )
    cb_x = Unit.objects.create(
        code="CB-X-1",
        name="Chi bộ Công ty Xa Xôi",
        kind="chi_bo_co_so",
        parent=duk_x,
        enterprise=w.enterprises["DN-X"],
        founded_on=date(2010, 1, 1),
    )
    cb_a = w.unit("CB-DN-BAC")

    ent_in, ent_out = mirror(
        Enterprise,
        {"code": "DN-BAC-9", "name": "Công ty Chè Bắc Hà 9", "ownership": "ngoai_nha_nuoc"},
        {"code": "DN-X-9", "name": "Công ty Xa Xôi 9", "ownership": "fdi"},
    )
    unit_in, unit_out = mirror(
        Unit,
        {"code": "CDCS-BAC-9", "name": "Công đoàn cơ sở Chè Bắc Hà 9", "kind": "cdcs", "parent": a_bac,
         "enterprise": ent_in, "founded_on": date(2012, 1, 1)},
        {"code": "CDCS-X-9", "name": "Công đoàn cơ sở Xa Xôi 9", "kind": "cdcs", "parent": x_root,
         "enterprise": ent_out, "founded_on": date(2012, 1, 1)},
    )  # fmt: skip
    party_in, party_out = mirror(
        Unit,
        {"code": "CB-A-9", "name": "Chi bộ Chè Bắc Hà 9", "kind": "chi_bo_co_so", "parent": w.unit("DUK-A"),
         "founded_on": date(2012, 1, 1)},
        {"code": "CB-X-9", "name": "Chi bộ Xa Xôi 9", "kind": "chi_bo_co_so", "parent": duk_x,
         "founded_on": date(2012, 1, 1)},
    )  # fmt: skip
    rebuild_closure()

    person_in, person_out = mirror(
        r.Person,
        {"code": "P-BAC-9", "full_name": "Vũ Thị Chín", "grassroots_union": unit_in, "enterprise": ent_in,
         "union_joined_on": date(2016, 1, 1)},
        {"code": "P-X-9", "full_name": "Đỗ Văn Chín", "grassroots_union": unit_out, "enterprise": ent_out,
         "union_joined_on": date(2016, 1, 1)},
    )  # fmt: skip
    pairs = [
        Pair("enterprise", DISTRICT_ADMIN, ent_in, ent_out),
        Pair("unit", DISTRICT_ADMIN, unit_in, unit_out),
        Pair("party_unit", PARTY_ADMIN, party_in, party_out),
        Pair("person", DISTRICT_ADMIN, person_in, person_out),
    ]

    def add(kind: str, insider: str, model, inside: dict, outside: dict) -> None:
        pairs.append(Pair(kind, insider, *mirror(model, inside, outside)))

    add("referral", DISTRICT_ADMIN, r.Referral,
        {"person": person_in, "referred_on": date(2020, 1, 1), "referring_unit": unit_in},
        {"person": person_out, "referred_on": date(2020, 1, 1), "referring_unit": unit_out,
         "receiving_party_unit": cb_x})  # fmt: skip
    tc_in, tc_out = mirror(
        r.TrainingClass,
        {"code": "LOP-A-9", "name": "Lớp cảm tình Đảng A", "organiser": cb_a, "starts_on": date(2021, 3, 1)},
        {"code": "LOP-X-9", "name": "Lớp cảm tình Đảng X", "organiser": cb_x, "starts_on": date(2021, 3, 1)},
    )
    pairs.append(Pair("training_class", PARTY_ADMIN, tc_in, tc_out))
    add("enrolment", PARTY_ADMIN, r.Enrolment,
        {"training_class": tc_in, "person": person_in}, {"training_class": tc_out, "person": person_out})  # fmt: skip
    add("admission", PARTY_ADMIN, r.Admission,
        {"person": person_in, "admitted_on": date(2022, 5, 1), "party_unit": cb_a},
        {"person": person_out, "admitted_on": date(2022, 5, 1), "party_unit": cb_x})  # fmt: skip
    add("timeline_entry", DISTRICT_ADMIN, r.TimelineEntry,
        {"person": person_in, "starts_on": date(2016, 1, 1), "grassroots_union": unit_in, "enterprise": ent_in},
        {"person": person_out, "starts_on": date(2016, 1, 1), "grassroots_union": unit_out,
         "enterprise": ent_out})  # fmt: skip
    add("move", DISTRICT_ADMIN, r.Move,
        {"person": person_in, "moved_on": date(2024, 3, 1), "from_union": w.unit("CDCS-NAM-1"),
         "to_union": unit_in},
        {"person": person_out, "moved_on": date(2024, 3, 1), "from_union": w.unit("CDCS-X-1"),
         "to_union": unit_out})  # fmt: skip
    add("work", DISTRICT_ADMIN, r.Work,
        {"code": "CT-A-9", "name": "Công trình A", "unit": unit_in, "year": 2022},
        {"code": "CT-X-9", "name": "Công trình X", "unit": unit_out, "year": 2022})  # fmt: skip
    add("initiative", DISTRICT_ADMIN, r.Initiative,
        {"code": "SK-A-9", "name": "Sáng kiến A", "unit": unit_in, "year": 2022},
        {"code": "SK-X-9", "name": "Sáng kiến X", "unit": unit_out, "year": 2022})  # fmt: skip
    add("contest_entry", DISTRICT_ADMIN, r.ContestEntry,
        {"code": "HT-A-9", "name": "Đề tài A", "contest": "Hội thi", "level": "tinh", "year": 2022,
         "unit": unit_in, "author_count": 1},
        {"code": "HT-X-9", "name": "Đề tài X", "contest": "Hội thi", "level": "tinh", "year": 2022,
         "unit": unit_out, "author_count": 1})  # fmt: skip
    add("award", DISTRICT_ADMIN, r.Award,
        {"code": "KT-A-9", "target": "ca_nhan", "person": person_in, "level": "co_so", "form": "giay_khen",
         "year": 2022, "proposing_unit": unit_in},
        {"code": "KT-X-9", "target": "ca_nhan", "person": person_out, "level": "co_so", "form": "giay_khen",
         "year": 2022, "proposing_unit": unit_out})  # fmt: skip
    add("culture", DISTRICT_ADMIN, r.CultureRecognition,
        {"enterprise": ent_in, "year": 2022, "title": "nep_song_van_hoa"},
        {"enterprise": ent_out, "year": 2022, "title": "nep_song_van_hoa"})  # fmt: skip
    add("democracy", DISTRICT_ADMIN, r.DemocracyReport,
        {"unit": unit_in, "year": 2022, "implemented": True}, {"unit": unit_out, "year": 2022, "implemented": True})  # fmt: skip
    add("welfare", DISTRICT_ADMIN, r.WelfareContribution,
        {"code": "AS-A-9", "unit": unit_in, "date": date(2022, 1, 10), "amount_vnd": 1_000_000},
        {"code": "AS-X-9", "unit": unit_out, "date": date(2022, 1, 10), "amount_vnd": 1_000_000})  # fmt: skip
    add("program", PROVINCE_ADMIN, r.Program,
        {"code": "CTPH-A-9", "name": "Chương trình A", "starts_on": date(2021, 1, 1), "ends_on": date(2025, 12, 31),
         "union_root": w.unit("LDLD-A"), "party_root": w.unit("DUK-A")},
        {"code": "CTPH-X-9", "name": "Chương trình X", "starts_on": date(2021, 1, 1), "ends_on": date(2025, 12, 31),
         "union_root": x_root, "party_root": duk_x})  # fmt: skip
    program_in, program_out = pairs[-1].inside, pairs[-1].outside
    # A program's period report (periods.md): period 2024, a reporting unit of each province; the
    # district's admin submits it, the province's admin decides on it.
    for insider in (DISTRICT_ADMIN, PROVINCE_ADMIN):
        pairs.append(
            Pair("period_report", insider, program_in, program_out,
                 named=(("period", "2024", "2024"), ("unit", "LDLD-A-BAC", "CDCS-X-1")))
        )  # fmt: skip
    add("target", DISTRICT_ADMIN, r.Target,
        {"indicator_code": "union.members_new", "unit": a_bac, "year": 2024, "value": 10},
        {"indicator_code": "union.members_new", "unit": x_root, "year": 2024, "value": 10})  # fmt: skip
    pairs.extend(_issued_report_pairs(program_in, program_out))
    pairs.extend(_portal_pairs(a_bac, x_root))
    pairs.extend(_import_job_pairs(w.users[DISTRICT_ADMIN], w.users["outsider"]))
    pairs.extend(_account_pairs(unit_in, unit_out, w.users[DISTRICT_ADMIN], w.users["outsider"]))
    return pairs


def _account_pairs(
    inside_unit: Unit, outside_unit: Unit, inside_owner: User, outside_owner: User
) -> list[Pair]:
    """Accounts an admin manages (held on a unit of their subtree) and API tokens (their owner's)."""
    from phoihop.accounts.models import ApiToken

    pk = BASE_PK + 9_200
    inside = User.objects.create(pk=pk, username="nv-bac-9", role="editor", unit=inside_unit)
    outside = User.objects.create(pk=pk + 1, username="nv-x-9", role="editor", unit=outside_unit)
    ApiToken.issue(inside_owner, name="bac")
    ApiToken.issue(outside_owner, name="x")
    # Token numbers in the same disjoint range as the other mirrors.
    ApiToken.objects.filter(user=inside_owner, name="bac").update(id=pk + 2)
    ApiToken.objects.filter(user=outside_owner, name="x").update(id=pk + 3)
    token_in, token_out = ApiToken.objects.get(pk=pk + 2), ApiToken.objects.get(pk=pk + 3)
    return [
        Pair("account", DISTRICT_ADMIN, inside, outside),
        Pair("api_token", DISTRICT_ADMIN, token_in, token_out),
    ]


def _issued_report_pairs(program_in, program_out) -> list[Pair]:
    """Each province's issued review report (the report register), with a frozen file to download."""
    from django.core.files.base import ContentFile

    from phoihop.reports.models import IssuedFile, IssuedReport

    pk, made = BASE_PK + 9_500, []
    for n, program in enumerate((program_in, program_out)):
        issued = IssuedReport.objects.create(
            pk=pk + n, program=program, date_from=program.starts_on, date_to=program.ends_on,
            issuer_key=f"K{n}", year=2025, sequence=1, number="01/BC-LĐLĐ", issued_on=date(2025, 1, 15),
            place="A", kind="so_ket",
        )  # fmt: skip
        stored = IssuedFile(issued=issued, format="json", sha256="0" * 64, size=2)
        stored.file.save(f"{pk + n}.json", ContentFile(b"{}"), save=True)
        made.append(issued)
    return [Pair("issued_report", PROVINCE_ADMIN, *made)]


def _portal_pairs(inside_unit: Unit, outside_unit: Unit) -> list[Pair]:
    """News drafts of a district and of the outsider, when the portal keeps articles per unit."""
    try:
        from phoihop.portal.models import Article
    except ImportError:  # the portal app has no articles yet
        return []
    if "unit" not in {f.name for f in Article._meta.get_fields()}:
        return []
    pk = BASE_PK + 9_000
    inside = Article.objects.create(pk=pk, title="Tin huyện Bắc Hà", slug="tin-bac-ha-9", unit=inside_unit)
    outside = Article.objects.create(
        pk=pk + 1, title="Tin tỉnh Xa Xôi", slug="tin-xa-xoi-9", unit=outside_unit
    )
    pairs = [Pair("article", DISTRICT_ADMIN, inside, outside)]
    from phoihop.portal.models import Document

    # A document attached to an article follows the article's unit.
    doc_in, doc_out = (
        Document.objects.create(
            pk=pk + n,
            title=a.title,
            issued_on=date(2025, 1, 1),
            file=f"portal/van-ban/{a.slug}.pdf",
            article=a,
        )
        for n, a in ((0, inside), (1, outside))
    )
    pairs.append(Pair("document", DISTRICT_ADMIN, doc_in, doc_out))
    return pairs


def _import_job_pairs(inside_owner: User, outside_owner: User) -> list[Pair]:
    """Workbook import jobs belong to the account that uploaded them."""
    try:
        from phoihop.workbook.models import ImportJob
    except ImportError:
        return []
    import tempfile

    from django.utils import timezone

    def job(pk: int, owner: User) -> models.Model:
        handle, path = tempfile.mkstemp(suffix="-loi.xlsx")
        with open(handle, "wb") as out:
            out.write(b"PK")  # the content does not matter: the page only has to be served
        return ImportJob.objects.create(
            pk=pk,
            owner=owner,
            file_name="so-du-lieu.xlsx",
            status="rejected",
            error_count=1,
            error_file=path,
            finished_at=timezone.now(),
        )

    pk = BASE_PK + 9_100
    return [Pair("import_job", DISTRICT_ADMIN, job(pk, inside_owner), job(pk + 1, outside_owner))]
