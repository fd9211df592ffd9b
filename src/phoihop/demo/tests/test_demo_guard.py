"""The demo never reaches production, and never resets the password of an account that exists."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from phoihop.accounts.models import User
from phoihop.demo.services import DEMO_PASSWORD, DEMO_USERS, DemoRefused, ensure_demo_users, load_demo
from phoihop.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_units():
    for code in {unit for _, _, unit, _ in DEMO_USERS}:
        Unit.objects.create(code=code, name=code, kind="ldld_tinh", founded_on=date(2000, 1, 1))


def test_demo_command_refuses_with_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PHOIHOP_PRODUCTION=1"):
        call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(DemoRefused):
        load_demo()
    assert not Unit.objects.exists() and not User.objects.exists()


def test_demo_sign_ins_are_not_created_with_production_settings(settings, demo_units):
    settings.PRODUCTION = True
    with pytest.raises(DemoRefused):
        ensure_demo_users()
    assert not User.objects.exists()


def test_an_existing_account_keeps_its_password_role_and_unit(demo_units):
    other = Unit.objects.create(code="KHAC", name="Khác", kind="ldld_tinh")
    admin = User(username="admin", role="viewer", unit=other)
    admin.set_password("Mat-khau-that-cua-toi-9")
    admin.save()
    ensure_demo_users()
    admin.refresh_from_db()
    assert admin.check_password("Mat-khau-that-cua-toi-9") and not admin.check_password(DEMO_PASSWORD)
    assert (admin.role, admin.unit.code) == ("viewer", "KHAC")
    # The demo sign-ins that did not exist are created with the published password.
    batxat = User.objects.get(username="batxat")
    assert batxat.check_password(DEMO_PASSWORD) and batxat.role == "editor"
