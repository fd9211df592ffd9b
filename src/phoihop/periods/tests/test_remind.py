"""Reminders: `phoihop remind` e-mails and notifies once per state change, never twice for the same state."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from phoihop.periods.models import Notification
from phoihop.periods.remind import remind

from .helpers import api, make_program
from .helpers import post as post_now

BAC = "programs/CTPH-A-24/periods/2024/units/LDLD-A-BAC"


@pytest.fixture
def reminded(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for username in ("editor_bac", "manager_a", "viewer_nam"):
        user = world.users[username]
        user.email = f"{username}@example.vn"
        user.save()
    make_program(world)
    return world


def _texts(user):
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


@pytest.mark.django_db
def test_overdue_and_due_soon_reminders_go_once(reminded):
    # 2025-01-10: the 2024 period is due on 15/01/2025 (within 7 days).
    sent = remind(today=date(2025, 1, 10))
    editor_texts = _texts(reminded.users["editor_bac"])
    assert any("đến hạn nộp ngày 15/01/2025" in t and "Bắc Hà" in t for t in editor_texts)
    assert sent.emails >= 1 and any(m.to == ["editor_bac@example.vn"] for m in mail.outbox)
    assert not _texts(reminded.users["viewer_nam"])  # a viewer cannot submit: no reminder
    # The same day again, or the next day: nothing new.
    assert remind(today=date(2025, 1, 10)).notifications == 0
    assert remind(today=date(2025, 1, 11)).notifications == 0
    # Once overdue, one overdue reminder, then silence.
    remind(today=date(2025, 1, 20))
    overdue = [t for t in _texts(reminded.users["editor_bac"]) if "quá hạn 5 ngày" in t and "2024" in t]
    assert len(overdue) == 1
    assert remind(today=date(2025, 1, 21)).notifications == 0


@pytest.mark.django_db
def test_each_state_change_is_told_once(reminded, django_capture_on_commit_callbacks):
    def post(*args):  # notifications leave once the act is committed
        with django_capture_on_commit_callbacks(execute=True):
            return post_now(*args)

    editor, manager = api(reminded, "editor_bac"), api(reminded, "manager_a")
    post(editor, BAC + "/submit", {})
    waiting = [t for t in _texts(reminded.users["manager_a"]) if "chờ bạn duyệt" in t]
    assert len(waiting) == 1
    call_command("remind")  # the daily run does not repeat what the submission already said
    assert len([t for t in _texts(reminded.users["manager_a"]) if "chờ bạn duyệt" in t]) == 1
    post(manager, BAC + "/return", {"comment": "Thiếu số liệu quý IV"})
    returned = [t for t in _texts(reminded.users["editor_bac"]) if "bị trả lại: Thiếu số liệu quý IV" in t]
    assert len(returned) == 1
    call_command("remind")
    assert len([t for t in _texts(reminded.users["editor_bac"]) if "bị trả lại" in t]) == 1
    # Resubmitted: a new state, a new "awaiting" notification.
    post(editor, BAC + "/submit", {})
    assert len([t for t in _texts(reminded.users["manager_a"]) if "chờ bạn duyệt" in t]) == 2
