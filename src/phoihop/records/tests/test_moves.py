"""A move between grassroots unions as staff do it: chuyển đi by the sending union, chờ tiếp nhận for a
receiving union outside the sender's scope, one step within one scope; the past stays where it was."""

from datetime import date

import pytest
from django.test import Client

from phoihop.accounts.models import User
from phoihop.records.models import Move, Person, TimelineEntry
from phoihop.testing.world import PASSWORD


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_nam(world):
    user = User(username="editor_nam", role="editor", unit=world.unit("LDLD-A-NAM"))
    user.set_password(PASSWORD)
    user.save()
    return user


def _move(client, code="P-BAC-1", day="2024-03-01", to="CDCS-NAM-1"):
    return client.post(f"/ho-so/nguoi/{code}/chuyen-di/", {"moved_on": day, "to_union": to})


def _rows(code):
    return [
        (e.starts_on, e.grassroots_union.code)
        for e in TimelineEntry.objects.unscoped().filter(person__code=code).order_by("starts_on")
    ]


def test_a_move_across_scopes_waits_for_the_receiving_union_then_keeps_the_past(world, editor_nam):
    sender, receiver = _client(world.users["editor_bac"]), _client(editor_nam)
    response = _move(sender)
    assert response.status_code == 302
    move = Move.objects.unscoped().get()
    assert move.status == Move.Status.PENDING
    # Nothing moved yet: the person is still Bắc Hà's.
    assert Person.objects.unscoped().get(code="P-BAC-1").grassroots_union.code == "CDCS-BAC-1"
    page = receiver.get("/ho-so/chuyen-sinh-hoat/").content.decode()
    assert "Chờ tiếp nhận" in page and "Nguyễn Thị Hoa" in page
    # The sender lists it as going out, but cannot accept on the receiver's behalf.
    assert "Nguyễn Thị Hoa" in sender.get("/ho-so/chuyen-sinh-hoat/").content.decode()
    sender.post("/ho-so/chuyen-sinh-hoat/", {"action": "accept", "move": move.pk})
    assert Move.objects.unscoped().get().status == Move.Status.PENDING

    receiver.post("/ho-so/chuyen-sinh-hoat/", {"action": "accept", "move": move.pk})
    person = Person.objects.unscoped().get(code="P-BAC-1")
    assert person.grassroots_union.code == "CDCS-NAM-1"
    assert person.enterprise.code == "DN-NAM"  # the receiving union's enterprise
    assert _rows("P-BAC-1") == [(date(2015, 3, 1), "CDCS-BAC-1"), (date(2024, 3, 1), "CDCS-NAM-1")]
    # Both sides list the move for 2024; neither lists it for 2023.
    for client in (sender, receiver):
        assert (
            "Nguyễn Thị Hoa"
            in client.get("/ho-so/chuyen-sinh-hoat/?tu=2024-01-01&den=2024-12-31").content.decode()
        )
        assert (
            "Nguyễn Thị Hoa"
            not in client.get("/ho-so/chuyen-sinh-hoat/?tu=2023-01-01&den=2023-12-31").content.decode()
        )


def test_the_former_union_sees_its_stretch_of_the_history_not_what_came_after(world, editor_nam):
    _move(_client(world.users["editor_bac"]))
    _client(editor_nam).post(
        "/ho-so/chuyen-sinh-hoat/", {"action": "accept", "move": Move.objects.unscoped().get().pk}
    )
    former = _client(world.users["editor_bac"]).get("/ho-so/nguoi/P-BAC-1/").content.decode()
    assert "Đã chuyển khỏi đơn vị của bạn ngày 01/03/2024" in former
    assert "Công ty Điện lực Nam Sơn" not in former  # the new workplace is not the former union's to see
    now = _client(editor_nam).get("/ho-so/nguoi/P-BAC-1/").content.decode()
    assert "Công đoàn cơ sở Công ty Chè Bắc Hà" in now and "Công đoàn cơ sở Điện lực Nam Sơn" in now


def test_a_refusal_needs_a_reason_and_leaves_the_person_where_they_were(world, editor_nam):
    _move(_client(world.users["editor_bac"]))
    move = Move.objects.unscoped().get()
    receiver = _client(editor_nam)
    page = receiver.post("/ho-so/chuyen-sinh-hoat/", {"action": "refuse", "move": move.pk}, follow=True)
    assert "Cần ghi lý do từ chối." in page.content.decode()
    receiver.post(
        "/ho-so/chuyen-sinh-hoat/", {"action": "refuse", "move": move.pk, "reason": "Chưa có quyết định"}
    )
    move.refresh_from_db()
    assert (move.status, move.refusal_reason) == (Move.Status.REFUSED, "Chưa có quyết định")
    assert Person.objects.unscoped().get(code="P-BAC-1").grassroots_union.code == "CDCS-BAC-1"
    assert _rows("P-BAC-1") == [(date(2015, 3, 1), "CDCS-BAC-1")]  # the row nguoi stood for


def test_within_one_scope_a_move_is_one_step(world):
    _move(_client(world.users["manager_a"]))
    assert Move.objects.unscoped().get().status == Move.Status.ACCEPTED
    assert Person.objects.unscoped().get(code="P-BAC-1").grassroots_union.code == "CDCS-NAM-1"


@pytest.mark.parametrize(
    ("day", "to", "message"),
    [
        ("2024-03-01", "CDCS-BAC-1", "không thể chuyển đến chính công đoàn này"),
        ("2024-03-01", "LDLD-A-NAM", "không phải công đoàn cơ sở"),
        ("2024-03-01", "KHONG-CO", "Không có đơn vị mã KHONG-CO"),
    ],
)
def test_bad_moves_are_refused_with_a_message_and_write_nothing(world, day, to, message):
    response = _move(_client(world.users["editor_bac"]), day=day, to=to)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Move.objects.unscoped().exists()
    assert not TimelineEntry.objects.unscoped().exists()


def test_a_move_to_a_dissolved_union_or_before_the_last_row_is_refused(world):
    nam = world.unit("CDCS-NAM-1")
    nam.dissolved_on = date(2023, 12, 31)
    nam.save()
    response = _move(_client(world.users["manager_a"]))
    assert "đã giải thể ngày 31/12/2023" in response.content.decode()
    nam.dissolved_on = None
    nam.save()
    _move(_client(world.users["manager_a"]))
    back = _move(_client(world.users["manager_a"]), code="P-BAC-1", day="2020-01-01", to="CDCS-NAM-1")
    assert back.status_code == 400  # dated before the last timeline row (the 2024 move)
    assert "sau dòng quá trình cuối (01/03/2024)" in back.content.decode()
    assert len(_rows("P-BAC-1")) == 2


def test_an_outsider_neither_sees_nor_answers_a_move(world, editor_nam):
    _move(_client(world.users["editor_bac"]))
    move = Move.objects.unscoped().get()
    outsider = _client(world.users["outsider"])
    assert "Nguyễn Thị Hoa" not in outsider.get("/ho-so/chuyen-sinh-hoat/").content.decode()
    assert outsider.post("/ho-so/chuyen-sinh-hoat/", {"action": "accept", "move": move.pk}).status_code == 404
    assert outsider.get("/ho-so/nguoi/P-BAC-1/chuyen-di/").status_code == 404
    assert Move.objects.unscoped().get().status == Move.Status.PENDING


def test_the_former_union_lists_its_stretch_not_the_person_where_they_went(world):
    _move(_client(world.users["manager_a"]))  # one step: Bắc Hà → Nam Sơn on 2024-03-01
    former = _client(world.users["editor_bac"])
    assert "P-BAC-1" not in former.get("/ho-so/nguoi/").content.decode()
    history = former.get("/ho-so/qua-trinh/").content.decode()
    assert "P-BAC-1" in history and "Công đoàn cơ sở Điện lực Nam Sơn" not in history
    assert former.get("/ho-so/nguoi/P-BAC-1/").status_code == 200  # the person page: its stretch only


def test_a_move_dated_in_a_locked_period_is_refused(world):
    from phoihop.periods.tests.helpers import api, make_program, post

    make_program(world)  # CTPH-A-24, yearly reports; Bắc Hà submits and the province approves 2024
    bac = "programs/CTPH-A-24/periods/2024/units/LDLD-A-BAC"
    assert post(api(world, "editor_bac"), bac + "/submit", {}).status_code == 200
    assert post(api(world, "manager_a"), bac + "/approve", {}).status_code == 200
    response = _move(_client(world.users["editor_bac"]), day="2024-03-01")
    assert response.status_code == 400 and "2024" in response.content.decode()
    assert not Move.objects.unscoped().exists()
    assert _move(_client(world.users["editor_bac"]), day="2025-02-01").status_code == 302  # 2025 is open
