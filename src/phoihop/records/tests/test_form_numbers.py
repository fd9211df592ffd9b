"""Money typed in a staff form is read as the workbook reads it (core.cells), and a value that cannot be
read for sure is named with what is wrong with it."""

from phoihop.records.models import WelfareContribution

WELFARE = {"code": "AS-1", "unit": "CDCS-BAC-1", "date": "15/01/2022", "amount_vnd": "", "purpose": "Tết"}


def post(client, world, amount):
    client.force_login(world.users["editor_bac"])
    return client.post("/ho-so/an-sinh/them/", WELFARE | {"amount_vnd": amount})


def test_money_grouped_with_spaces_or_carrying_its_currency_is_read(client, world):
    assert post(client, world, "17 000 000 đ").status_code == 302
    assert WelfareContribution.objects.unscoped().get(code="AS-1").amount_vnd == 17_000_000


def test_an_ambiguous_comma_is_named_not_guessed(client, world):
    response = post(client, world, "1,000")
    errors = [str(m) for m in response.context["form"].errors["amount_vnd"]]
    assert errors == [
        "'1,000' không rõ: dấu phẩy là dấu thập phân trong cách viết Việt Nam; nếu là số 1000, hãy ghi "
        "1.000 hoặc 1000."
    ]
    assert not WelfareContribution.objects.unscoped().exists()
