"""Hand-made data for the period-report tests, on top of the small named world (testing/world.py):
program CTPH-A-24 of LDLD-A and DUK-A, yearly periods 2023–2025, deadline 15 days, one reported
indicator, one validation rule."""

from datetime import date

from django.test import Client

from phoihop.accounts.models import ApiToken, User
from phoihop.periods.models import ReportedIndicator, ValidationRule
from phoihop.records.models import Program, WelfareContribution
from phoihop.testing.world import PASSWORD


def make_program(world, *, code="CTPH-A-24", frequency="nam", levels=1) -> Program:
    program = Program.objects.unscoped().create(
        code=code,
        name="Chương trình phối hợp An Phú 2023–2025",
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31),
        union_root=world.unit("LDLD-A"),
        party_root=world.unit("DUK-A"),
        frequency=frequency,
        due_days=15,
        report_levels=levels,
    )
    ReportedIndicator.objects.create(
        program=program, code="reported.tuyen_truyen", label="Số đoàn viên được tuyên truyền pháp luật"
    )
    ValidationRule.objects.create(
        program=program,
        left="reported.tuyen_truyen",
        operator="<=",
        right="100000",
        level="error",
        message="Số được tuyên truyền vượt quá 100.000",
    )
    return program


def add_user(world, username: str, role: str, unit_code: str) -> User:
    user = User(username=username, role=role, unit=world.unit(unit_code), is_staff=role == "admin")
    user.set_password(PASSWORD)
    user.save()
    world.users[username] = user
    return user


def api(world, username: str) -> tuple[Client, dict]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.users[username])}"}


def post(client_headers, path: str, body: dict):
    client, headers = client_headers
    return client.post("/api/v1/" + path, data=body, content_type="application/json", **headers)


def get(client_headers, path: str):
    client, headers = client_headers
    return client.get("/api/v1/" + path, **headers)


def welfare(world, code: str, unit_code: str, day: date, amount: int = 1_000_000) -> WelfareContribution:
    return WelfareContribution.objects.create(
        code=code, unit=world.unit(unit_code), date=day, amount_vnd=amount
    )
