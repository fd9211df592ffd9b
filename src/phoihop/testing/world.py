"""The small named world every test can use: a province with two districts, a sector union, a party
bloc with a cell in an enterprise, and an outsider province that nobody in the province may see.

    LDLD-A  Liên đoàn Lao động tỉnh An Phú (ldld_tinh)
      LDLD-A-BAC  LĐLĐ huyện Bắc Hà             CDCS-BAC-1 (in DN-BAC, non-state)
      LDLD-A-NAM  LĐLĐ huyện Nam Sơn            CDCS-NAM-1 (in DN-NAM, state)
      CDN-A-GD    Công đoàn ngành Giáo dục
    DUK-A   Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh (dang_uy_khoi)
      CB-DN-BAC   Chi bộ Công ty Bắc Hà (chi_bo_co_so, in DN-BAC)
    LDLD-X  Liên đoàn Lao động tỉnh Xa Xôi (the outsider)      CDCS-X-1
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from phoihop.accounts.models import User
from phoihop.orgs.closure import rebuild_closure
from phoihop.orgs.models import Enterprise, Unit
from phoihop.records.models import Person, Program

PASSWORD = "Mat-khau-thu-2025"  # noqa: S105 - a test fixture's password


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def unit(self, code: str) -> Unit:
        return self.units[code]

    def program_running_today(self) -> Program:
        """CT-A, the program of An Phú's two roots, running from 400 days ago to 400 days ahead."""
        today = timezone.localdate()
        return Program.objects.create(
            code="CT-A",
            name="Chương trình phối hợp An Phú",
            starts_on=today - timedelta(days=400),
            ends_on=today + timedelta(days=400),
            union_root=self.unit("LDLD-A"),
            party_root=self.unit("DUK-A"),
        )


def build_world() -> World:
    w = World()
    for code, name, ownership in [
        ("DN-BAC", "Công ty TNHH Chè Bắc Hà", Enterprise.Ownership.NON_STATE),
        ("DN-NAM", "Công ty Điện lực Nam Sơn", Enterprise.Ownership.STATE),
        ("DN-X", "Công ty Xa Xôi", Enterprise.Ownership.FDI),
    ]:
        w.enterprises[code] = Enterprise.objects.create(code=code, name=name, ownership=ownership)

    def unit(code, name, kind, parent=None, enterprise=None, founded=date(2010, 1, 1)):
        w.units[code] = Unit.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=w.units.get(parent),
            enterprise=w.enterprises.get(enterprise),
            founded_on=founded,
        )

    unit("LDLD-A", "Liên đoàn Lao động tỉnh An Phú", "ldld_tinh", founded=date(2000, 1, 1))
    unit("LDLD-A-BAC", "Liên đoàn Lao động huyện Bắc Hà", "ldld_huyen", "LDLD-A", founded=date(2001, 1, 1))
    unit("LDLD-A-NAM", "Liên đoàn Lao động huyện Nam Sơn", "ldld_huyen", "LDLD-A", founded=date(2001, 1, 1))
    unit("CDN-A-GD", "Công đoàn ngành Giáo dục", "cd_nganh", "LDLD-A", founded=date(2001, 1, 1))
    unit("CDCS-BAC-1", "Công đoàn cơ sở Công ty Chè Bắc Hà", "cdcs", "LDLD-A-BAC", "DN-BAC")
    unit("CDCS-NAM-1", "Công đoàn cơ sở Điện lực Nam Sơn", "cdcs", "LDLD-A-NAM", "DN-NAM")
    unit("DUK-A", "Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh An Phú", "dang_uy_khoi", founded=date(2000, 1, 1))
    unit("CB-DN-BAC", "Chi bộ Công ty Chè Bắc Hà", "chi_bo_co_so", "DUK-A", "DN-BAC")
    unit("LDLD-X", "Liên đoàn Lao động tỉnh Xa Xôi", "ldld_tinh", founded=date(2000, 1, 1))
    unit("CDCS-X-1", "Công đoàn cơ sở Công ty Xa Xôi", "cdcs", "LDLD-X", "DN-X")
    rebuild_closure()

    for code, name, union, enterprise in [
        ("P-BAC-1", "Nguyễn Thị Hoa", "CDCS-BAC-1", "DN-BAC"),
        ("P-NAM-1", "Trần Văn Nam", "CDCS-NAM-1", "DN-NAM"),
        ("P-X-1", "Lê Văn Xa", "CDCS-X-1", "DN-X"),
    ]:
        w.people[code] = Person.objects.create(
            code=code,
            full_name=name,
            grassroots_union=w.units[union],
            enterprise=w.enterprises[enterprise],
            gender="nu" if "Thị" in name else "nam",
            ethnicity="Tày",
            union_joined_on=date(2015, 3, 1),
        )

    for username, role, unit_code in [
        ("admin_a", "admin", "LDLD-A"),
        ("manager_a", "manager", "LDLD-A"),
        ("editor_bac", "editor", "LDLD-A-BAC"),
        ("viewer_nam", "viewer", "LDLD-A-NAM"),
        ("party_viewer", "viewer", "DUK-A"),
        ("news_a", "news_editor", "LDLD-A"),
        ("outsider", "manager", "LDLD-X"),
    ]:
        user = User(username=username, role=role, unit=w.units[unit_code], is_staff=role == "admin")
        user.set_password(PASSWORD)
        user.save()
        w.users[username] = user
    return w
