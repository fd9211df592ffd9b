"""The scope table: roles × objects × actions answered by accounts/scope.py, and every way in — pages,
API, lists, the export and each workbook sheet — checked against it, so a way in that decides
visibility or writes by a rule of its own makes this test fail. A grep guard keeps views and API routes
from reaching around the scope (their few reviewed exceptions are listed with the reason).

Objects are those of the small world (testing/world.py) plus, for the outsider province, one record of
every kind of the standard workbook."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from phoihop.accounts.models import User
from phoihop.accounts.scope import may_see, may_write, scope_for
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Enterprise, Transfer, Unit
from phoihop.records import models as r
from phoihop.workbook.services import export_workbook, import_workbook
from phoihop.workbook.sheets import BY_KEY, SHEETS

pytestmark = pytest.mark.django_db

USERS = [
    "admin_a",
    "manager_a",
    "editor_bac",
    "viewer_nam",
    "party_viewer",
    "party_editor",
    "news_a",
    "outsider",
]

# ---- the table: who may see (S) and write (W) which object; "-" neither ----------------------------
#                      admin_a manager_a editor_bac viewer_nam party_viewer party_editor news_a outsider
TABLE = {
    ("person", "P-BAC-1"): "W W W - S S S -".split(),  # admitted by CB-DN-BAC: the party side sees her
    ("person", "P-NAM-1"): "W W - S - - S -".split(),
    ("person", "P-X-1"): "- - - - - - - W".split(),
    ("unit", "LDLD-A"): "W W - - - - S -".split(),  # writing units needs manage_units
    ("unit", "CDCS-BAC-1"): "W W S - - - S -".split(),
    ("unit", "CB-DN-BAC"): "- - - - S S - -".split(),
    ("unit", "CDCS-X-1"): "- - - - - - - W".split(),
    ("enterprise", "DN-BAC"): "W W W - S W S -".split(),  # its party cell makes it the bloc's too
    ("enterprise", "DN-X"): "- - - - - - - W".split(),
    ("work", "W-BAC"): "W W W - - - S -".split(),
    ("work", "W-X"): "- - - - - - - W".split(),
    ("target", "T-BAC"): "W W S - - - S -".split(),  # targets need the target-setting role
}
# Seeing is about scope; roles without "read" (news_a) still get 404 on record pages and the API.


def _object(kind: str, code: str):
    if kind == "person":
        return r.Person.objects.unscoped().get(code=code)
    if kind == "unit":
        return Unit.objects.get(code=code)
    if kind == "enterprise":
        return Enterprise.objects.get(code=code)
    if kind == "work":
        return r.Work.objects.unscoped().get(code=code)
    return r.Target.objects.unscoped().get(unit__code=code.replace("T-BAC", "CDCS-BAC-1"))


@pytest.fixture
def table_world(world):
    """The small world plus a party editor and one record of every kind in both provinces."""
    w = world
    w.users["party_editor"] = User.objects.create(
        username="party_editor", role="editor", unit=w.unit("DUK-A")
    )
    r.Admission.objects.create(
        person=w.people["P-BAC-1"], admitted_on=date(2021, 1, 1), party_unit=w.unit("CB-DN-BAC")
    )
    r.Work.objects.create(code="W-BAC", name="Công trình Bắc Hà", unit=w.unit("CDCS-BAC-1"), year=2022)
    r.Work.objects.create(code="W-X", name="Công trình Xa Xôi", unit=w.unit("CDCS-X-1"), year=2022)
    r.Target.objects.create(
        indicator_code="union.members_admitted", unit=w.unit("CDCS-BAC-1"), year=2024, value=5
    )
    _outsider_records(w)
    return w


def _outsider_records(w) -> None:
    """One record of every sheet of the standard workbook in the outsider province."""
    party = Unit.objects.create(
        # A party cell stands under a bloc or other committee, not the province's (orgs.rules.ALLOWED_PARENTS)
        code="DU-X",
        name="Đảng ủy Khối tỉnh Xa Xôi",
        kind="dang_uy_khoi",
        founded_on=date(2000, 1, 1),
    )
    cell = Unit.objects.create(
        code="CB-X", name="Chi bộ Xa Xôi", kind="chi_bo_co_so", parent=party, founded_on=date(2010, 1, 1)
    )
    district = Unit.objects.create(
        code="LDLD-X-H",
        name="LĐLĐ huyện Xa",
        kind="ldld_huyen",
        parent=w.unit("LDLD-X"),
        founded_on=date(2001, 1, 1),
    )
    Transfer.objects.create(unit=w.unit("CDCS-X-1"), effective_on=date(2020, 1, 1), new_parent=district)
    rebuild_closure()
    person, union, ent = w.people["P-X-1"], w.unit("CDCS-X-1"), w.enterprises["DN-X"]
    r.Referral.objects.create(
        person=person, referred_on=date(2020, 5, 1), referring_unit=union, receiving_party_unit=cell
    )
    klass = r.TrainingClass.objects.create(
        code="LOP-X", name="Lớp Xa", organiser=cell, starts_on=date(2020, 6, 1)
    )
    r.Enrolment.objects.create(training_class=klass, person=person)
    r.Admission.objects.create(person=person, admitted_on=date(2021, 1, 1), party_unit=cell)
    initiative = r.Initiative.objects.create(code="SK-X", name="Sáng kiến Xa", unit=union, year=2022)
    initiative.authors.set([person])
    r.ContestEntry.objects.create(
        code="HT-X", name="Đề tài Xa", contest="Hội thi", level="tinh", year=2022, unit=union, author_count=1
    )
    r.Award.objects.create(
        code="KT-X",
        target="ca_nhan",
        person=person,
        level="co_so",
        form="giay_khen",
        year=2022,
        proposing_unit=union,
    )
    r.CultureRecognition.objects.create(enterprise=ent, year=2022, title="nep_song_van_hoa")
    r.DemocracyReport.objects.create(unit=union, year=2022, implemented=True)
    r.WelfareContribution.objects.create(code="AS-X", unit=union, date=date(2022, 3, 1), amount_vnd=1_000_000)
    r.Program.objects.create(
        code="CT-X",
        name="Chương trình Xa",
        starts_on=date(2021, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=w.unit("LDLD-X"),
        party_root=party,
    )
    r.Target.objects.create(
        indicator_code="union.members_admitted", unit=w.unit("LDLD-X"), year=2024, value=3
    )
    r.TimelineEntry.objects.create(
        person=person, starts_on=date(2015, 3, 1), grassroots_union=union, enterprise=ent
    )
    # Sheets other apps add: a record of each, so that every sheet is tried below.
    from phoihop.periods.models import ReportedIndicator

    ReportedIndicator.objects.create(
        program=r.Program.objects.unscoped().get(code="CT-X"), code="reported.x", label="x"
    )
    BY_KEY["so_lieu_bao_cao"].model.objects.create(
        program_code="CT-X", period="2024", unit=district, indicator_code="reported.x", value=1
    )


CASES = [(kind, code, user, i) for (kind, code) in TABLE for i, user in enumerate(USERS)]


@pytest.mark.parametrize(("kind", "code", "username", "column"), CASES)
def test_scope_py_answers_the_table(table_world, kind, code, username, column):
    expected = TABLE[(kind, code)][column]
    user, obj = table_world.users[username], _object(kind, code)
    assert may_see(user, obj) is (expected in "SW"), f"{username} may see {kind} {code}?"
    assert may_write(user, obj) is (expected == "W"), f"{username} may write {kind} {code}?"


@pytest.mark.parametrize("username", USERS)
def test_pages_and_api_agree_with_scope_py(table_world, client, username):
    """Each page and API path that opens one object answers 200 exactly when scope.py says may see."""
    user = table_world.users[username]
    client.force_login(user)
    reads = user.can("read")
    for (kind, code), row in TABLE.items():
        sees = row[USERS.index(username)] in "SW"
        if kind == "person":
            status = client.get(reverse("records:person", args=[code])).status_code
            assert (status == 200) is (sees and reads), (username, code, status)
        if kind == "unit":
            assert (client.get(reverse("orgs:unit", args=[code])).status_code == 200) is sees, (
                username,
                code,
            )
            api = client.get(f"/api/v1/units/{code}")  # the unit tree, like the unit page: no "read" needed
            assert (api.status_code == 200) is sees, (username, code, api.status_code)
        if kind == "enterprise":
            page = client.get(reverse("orgs:enterprise", args=[code]))
            assert (page.status_code == 200) is sees, (username, code)


@pytest.mark.parametrize("username", ["admin_a", "editor_bac", "viewer_nam", "party_viewer", "outsider"])
def test_lists_and_the_export_show_exactly_what_scope_py_lets_see(table_world, client, tmp_path, username):
    user = table_world.users[username]
    people = {p.code for p in r.Person.objects.unscoped().all() if may_see(user, p)}
    client.force_login(user)
    listed = client.get(reverse("records:list", args=["nguoi"])).content.decode()
    for code in table_world.people:
        assert (code in listed) is (code in people), (username, code)
    path = export_workbook(tmp_path / "x.xlsx", scope=scope_for(user))
    import openpyxl

    exported = {
        row[0]
        for row in openpyxl.load_workbook(path)[BY_KEY["nguoi"].title].iter_rows(min_row=2, values_only=True)
    }
    assert exported == people


def test_every_sheet_refuses_the_outsiders_rows_and_takes_back_the_outsiders_own(table_world, tmp_path):
    """The outsider province's exports (its federation's and its party committee's) hold rows of every
    sheet. Imported by Bắc Hà's editor, every sheet is refused (nothing written); imported back by
    their owners, nothing changes."""
    editor = table_world.users["editor_bac"]
    owners = [
        table_world.users["outsider"],
        User.objects.create(username="outsider_party", role="manager", unit=Unit.objects.get(code="DU-X")),
    ]
    labels = {s.key: s.label for s in SHEETS}
    covered = set()
    for i, owner in enumerate(owners):
        folder = export_workbook(tmp_path / f"x{i}", scope=scope_for(owner))
        with_rows = {
            key
            for key in labels
            if len((folder / f"{key}.csv").read_text(encoding="utf-8-sig").splitlines()) > 1
        }
        covered |= with_rows
        result = import_workbook(folder, actor=editor)
        assert not result.ok
        refused = {p.sheet for p in result.errors}
        missing = sorted(k for k in with_rows if labels[k] not in refused)
        assert not missing, f"sheets whose outsider rows were not refused: {missing}"
        back = import_workbook(folder, actor=owner)
        assert back.ok, [p.render() for p in back.errors][:5]
        assert all(not s["created"] and not s["updated"] for s in back.summary.values()), back.summary
    # A new sheet needs an outsider record in _outsider_records, so that it is tried too.
    assert covered == set(labels), sorted(set(labels) - covered)


# ---- the guard: views and API routes do not reach around the scope ---------------------------------
SRC = Path(__file__).resolve().parents[2]
WAYS_IN = [
    p
    for p in SRC.rglob("*.py")
    if "tests" not in p.parts and (p.name in ("views.py", "routes.py") or p.name.endswith("_views.py"))
]
# Reading without the scope: the fail-closed manager's escape hatch, the closure, unscoped managers.
FORBIDDEN = re.compile(
    r"\.unscoped\(\)|UnitClosure|_base_manager|(?<![\w.])(?:Unit|Enterprise|Transfer)\.objects\b"
)
REVIEWED = {
    # (file, line text) — why it is no private visibility decision:
    (
        "orgs/views.py",
        "else Unit.objects.filter(pk__in=scope.unit_ids)",
    ): "the user's own units, from their scope",
    ("orgs/views.py", "enterprises = enterprises | Enterprise.objects.filter(pk=unit.enterprise_id)"): (
        "the unit's current enterprise stays choosable on its edit form; the unit passed the scope"
    ),
    ("api/routes.py", "target = Unit.objects.filter(code=payload.to_union).first()"): (
        "a move names the receiving union anywhere; records.people services check it"
    ),
    ("api/routes.py", "workplace = Enterprise.objects.filter(code=payload.to_enterprise).first()"): (
        "a move names the new workplace anywhere; records.people services check it"
    ),
    (
        "periods/views.py",
        'acted = set(PeriodReport.objects.unscoped().filter(program=program).values_list("period", flat=True))',
    ): ("which periods of a visible program have any report: figures are not read"),
}


def test_no_view_or_api_route_decides_visibility_by_itself():
    found = []
    for path in WAYS_IN:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            # A query narrowed through the scope object on the same line is the scope's own reading.
            if FORBIDDEN.search(text) and not text.startswith("#") and "scope." not in text:
                key = (str(path.relative_to(SRC)), text)
                if key not in REVIEWED:
                    found.append(f"{key[0]}: {text}")
    assert not found, (
        "read through accounts.scope (or add a reviewed exception with the reason):\n" + "\n".join(found)
    )
