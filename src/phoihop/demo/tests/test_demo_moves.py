"""The demo shows members moving between districts in 2023–2024 (timelines, staff move records, three
moves waiting for Bát Xát), while the 2017–2020 review keeps every figure (test_demo_figures)."""

import pytest
from django.test import Client

from phoihop.accounts.models import User
from phoihop.records.models import Move, Person, TimelineEntry

pytestmark = pytest.mark.django_db


def test_members_moved_in_2023_2024_keep_their_past(demo_province):
    moved = Move.objects.unscoped().filter(status=Move.Status.ACCEPTED)
    assert moved.count() == 60
    assert all(m.moved_on.year in (2023, 2024) for m in moved)
    assert TimelineEntry.objects.unscoped().count() == 120
    move = moved.select_related("person").order_by("pk").first()
    rows = list(TimelineEntry.objects.unscoped().filter(person=move.person).order_by("starts_on"))
    assert [r.grassroots_union_id for r in rows] == [move.from_union_id, move.to_union_id]
    assert Person.objects.unscoped().get(pk=move.person_id).grassroots_union_id == move.to_union_id


def test_bat_xat_has_moves_waiting_for_its_answer(demo_province):
    client = Client()
    client.force_login(User.objects.get(username="batxat"))
    page = client.get("/ho-so/chuyen-sinh-hoat/").content.decode()
    assert "Chờ tiếp nhận" in page
    waiting = Move.objects.unscoped().filter(status=Move.Status.PENDING)
    assert waiting.count() == 3
    for move in waiting.select_related("person"):
        assert move.person.full_name in page
