"""The add button of a records list follows the write predicate of the add page (accounts.scope.may_add):
a user is offered to add only records that could be theirs. Admissions are the party's (their party unit
makes them the writer's), referrals and people the union's, works and awards either side's."""

import pytest

from phoihop.accounts.models import User
from phoihop.orgs.models import Unit

pytestmark = pytest.mark.django_db

ADD_ADMISSION = "+ Thêm kết nạp đảng viên"


@pytest.fixture
def party_editor(demo_province):
    return User.objects.create(username="bientap_dang", role="editor", unit=Unit.objects.get(code="DUK-LC"))


def test_union_manager_is_not_offered_to_add_an_admission(demo_province, client):
    client.force_login(User.objects.get(username="lanhdao"))  # manager of the province federation
    page = client.get("/ho-so/ket-nap/")
    assert page.status_code == 200
    assert ADD_ADMISSION not in page.content.decode()
    assert client.get("/ho-so/ket-nap/them/").status_code == 403
    # Their own side's records: offered, and the add page opens.
    assert "/ho-so/gioi-thieu/them/" in client.get("/ho-so/gioi-thieu/").content.decode()
    assert client.get("/ho-so/gioi-thieu/them/").status_code == 200
    assert "/ho-so/cong-trinh/them/" in client.get("/ho-so/cong-trinh/").content.decode()


def test_party_editor_is_offered_admissions_not_referrals(party_editor, client):
    client.force_login(party_editor)
    assert ADD_ADMISSION in client.get("/ho-so/ket-nap/").content.decode()
    assert client.get("/ho-so/ket-nap/them/").status_code == 200
    referrals = client.get("/ho-so/gioi-thieu/")
    assert referrals.status_code == 200
    assert "/ho-so/gioi-thieu/them/" not in referrals.content.decode()
    assert client.get("/ho-so/gioi-thieu/them/").status_code == 403
    assert "/ho-so/khen-thuong/them/" in client.get("/ho-so/khen-thuong/").content.decode()


def test_party_viewer_is_offered_nothing(demo_province, client):
    client.force_login(User.objects.get(username="dangkhoi"))  # a viewer of the party bloc
    assert ADD_ADMISSION not in client.get("/ho-so/ket-nap/").content.decode()
    assert client.get("/ho-so/ket-nap/them/").status_code == 403
