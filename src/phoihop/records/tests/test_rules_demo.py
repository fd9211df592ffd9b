"""Issue 12 item 1: a record the import accepts, its own page saves unchanged. Every record of every
kind in the demo province (written through the import's raw writer) is put back through its staff form
as it is stored, and the form finds nothing to refuse."""

import pytest

from phoihop.accounts.models import User
from phoihop.accounts.scope import scope_for
from phoihop.records.kinds import KINDS

pytestmark = pytest.mark.django_db

SAMPLE = 100  # records per kind, spread over the whole table


@pytest.fixture
def superuser(demo_province):
    user = User(username="kiem-tra", role="admin", is_superuser=True, is_staff=True)
    user.save()
    return user


@pytest.mark.parametrize("kind", KINDS, ids=[k.slug for k in KINDS])
def test_every_demo_record_saves_unchanged_through_its_form(superuser, kind):
    scope = scope_for(superuser)
    records = kind.model.objects.unscoped().order_by("pk")
    total = records.count()
    assert total, f"the demo has no {kind.slug}"
    step = max(1, total // SAMPLE)
    refused = {}
    for record in records[::step] if step > 1 else records:
        stored = kind.form(instance=record, scope=scope)
        data = {name: stored[name].value() for name in stored.fields}
        form = kind.form(data, instance=record, scope=scope)
        if not form.is_valid():
            refused[str(record)] = form.errors.get_json_data()
    assert not refused, list(refused.items())[:5]
