"""Loading the demo province through the same import path users use, and its demo sign-ins."""

import functools
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from phoihop.accounts.models import User
from phoihop.orgs.models import Unit
from phoihop.periods.demo import ensure_demo_periods
from phoihop.portal.demo import load_demo_news
from phoihop.portal.models import Article
from phoihop.records.models import Move, Person
from phoihop.reports.assemble import build_report
from phoihop.workbook.problems import ImportResult
from phoihop.workbook.services import import_workbook

from .generator import build_demo_rows, write_csv_workbook

# Demo-only sign-ins, printed by `phoihop demo`; never use them outside a demonstration.
DEMO_USERS = [
    ("admin", "admin", "LDLD-LC", "Quản trị, LĐLĐ tỉnh"),
    ("lanhdao", "manager", "LDLD-LC", "Quản lý, LĐLĐ tỉnh"),
    ("batxat", "editor", "LDLD-H-BATXAT", "Cập nhật dữ liệu, LĐLĐ huyện Bát Xát"),
    ("cdcs", "viewer", "CDCS-DN-001", "Xem, một công đoàn cơ sở"),
    ("dangkhoi", "viewer", "DUK-LC", "Xem, Đảng ủy Khối"),
    ("bientap", "news_editor", "LDLD-LC", "Biên tập tin, cổng thông tin"),
]
DEMO_PASSWORD = "phoihop-demo-2025"  # noqa: S105 - a published demo password


@functools.cache
def _demo_rows() -> dict[str, list[dict]]:
    """The generator is seeded and reads no clock, so its rows are the same on every call: a process that
    loads the demo again (the test suite, once per module) generates them once (2.3 s). Only read."""
    return build_demo_rows()


def load_demo(*, progress=None) -> ImportResult:
    """Generate the demo workbook and import it; a second run finds everything unchanged. Refused
    where production settings are on."""
    refuse_in_production()
    rows = _demo_rows()
    with tempfile.TemporaryDirectory(prefix="phoihop-demo-") as folder:
        path = write_csv_workbook(rows, Path(folder) / "lao-cai")
        result = import_workbook(path, progress=progress)
    if result.ok:
        ensure_demo_users()
        ensure_demo_moves(rows.get("_chuyen_sinh_hoat", []))
        ensure_demo_periods()  # period reports of 2021–2026 (periods.md)
    return result


@transaction.atomic
def ensure_demo_moves(moves: list[dict]) -> int:
    """The staff records of the demo's moves (chuyển sinh hoạt): those the timeline shows as done, and a
    few still waiting for Bát Xát's answer. Moves already there are left alone. Returns how many were new."""
    people = dict(
        Person.objects.unscoped().filter(code__in=[m["ma_nguoi"] for m in moves]).values_list("code", "pk")
    )
    units = dict(
        Unit.objects.filter(code__in={m[k] for m in moves for k in ("tu", "den")}).values_list("code", "pk")
    )
    existing = set(Move.objects.unscoped().values_list("person_id", "moved_on"))
    new = [
        Move(
            person_id=people[m["ma_nguoi"]],
            moved_on=m["ngay"],
            from_union_id=units[m["tu"]],
            to_union_id=units[m["den"]],
            status=m["trang_thai"],
            recorded_by="demo",
            decided_by="demo" if m["trang_thai"] != "cho" else "",
        )
        for m in moves
        if (people[m["ma_nguoi"]], m["ngay"]) not in existing
    ]
    Move.objects.unscoped().bulk_create(new)
    return len(new)


class DemoRefused(RuntimeError):
    """The demo was asked for where production settings are on."""


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise DemoRefused(
            "Không nạp dữ liệu mẫu: đang chạy với cấu hình vận hành thật (PHOIHOP_PRODUCTION=1). "
            "Dữ liệu và tài khoản mẫu chỉ dùng cho bản trình diễn."
        )


@transaction.atomic
def ensure_demo_users() -> list[tuple[str, str, str, str]]:
    """Create the demo sign-ins that do not exist yet. An account that exists is never touched: its
    password, role and unit stay as its owner or an admin left them."""
    refuse_in_production()
    units = {u.code: u for u in Unit.objects.filter(code__in=[u[2] for u in DEMO_USERS])}
    existing = set(
        User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
    )
    for username, role, unit_code, _ in DEMO_USERS:
        if username in existing:
            continue
        user = User(username=username, role=role, unit=units[unit_code], is_staff=role == "admin")
        user.set_password(DEMO_PASSWORD)
        user.save()
    return DEMO_USERS


def sign_in_lines() -> list[str]:
    lines = ["Tài khoản dùng thử (chỉ cho bản trình diễn):"]
    for username, role, unit, label in DEMO_USERS:
        lines.append(f"  {username:<10} / {DEMO_PASSWORD}   {role:<12} {unit:<15} {label}")
    return lines


def demo_loaded() -> bool:
    return User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).count() == len(DEMO_USERS)


def load_demo_portal() -> int:
    """The portal's demo news, led by the 2017–2020 review article written by the report's own
    narrative generator. Returns how many articles were new."""
    before = Article.objects.count()
    load_demo_news(report=build_report(program_code="CTPH-2017-2020"))
    return Article.objects.count() - before
