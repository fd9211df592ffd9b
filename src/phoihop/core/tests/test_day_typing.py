"""Dates are typed dd/mm/yyyy, as Vietnamese write them: in query parameters (core.params) and in every
form (core.forms.DayField); ISO yyyy-mm-dd is still read. Bad dates are named, never a 500."""

from datetime import date

import pytest
from django import forms
from django.test import RequestFactory

from phoihop.core import params
from phoihop.core.forms import DayField, DayInput


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30/06/2018", date(2018, 6, 30)),
        ("1/7/2020", date(2020, 7, 1)),
        ("01-07-2020", date(2020, 7, 1)),
        ("01.07.2020", date(2020, 7, 1)),
        (" 2018-06-30 ", date(2018, 6, 30)),
        ("31/02/2020", None),  # no such day
        ("06/30/2018", None),  # month 30: the American order is not guessed
        ("30/06/18", None),  # a two-digit year is ambiguous
        ("３０/06/2018", None),  # full-width digits
        ("30/06/1900", None),  # outside 1945 … 2100 for a query parameter
        ("", None),
    ],
)
def test_parse_day_reads_the_vietnamese_order_and_iso(typed, expected):
    assert params.parse_day(typed) == expected


def test_day_parameter_answers_400_naming_the_format():
    request = RequestFactory().get("/", {"on": "31/02/2020"})
    with pytest.raises(params.BadParameter) as refused:
        params.day(request, "on")
    assert "31/02/2020" in str(refused.value) and "dd/mm/yyyy" in str(refused.value)
    assert params.day(RequestFactory().get("/", {"on": "30/06/2018"}), "on") == date(2018, 6, 30)


class Sample(forms.Form):
    on = DayField(label="Ngày")


def test_day_field_takes_dd_mm_yyyy_and_shows_it_back_that_way():
    form = Sample({"on": "30/06/2018"})
    assert form.is_valid() and form.cleaned_data["on"] == date(2018, 6, 30)
    assert Sample({"on": "2018-06-30"}).is_valid()  # ISO, as older links and tests send it
    bad = Sample({"on": "31/02/2020"})
    assert not bad.is_valid() and "ngày/tháng/năm" in bad.errors["on"][0]
    shown = str(Sample(initial={"on": date(2018, 6, 30)})["on"])
    assert 'value="30/06/2018"' in shown and 'type="text"' in shown and 'placeholder="dd/mm/yyyy"' in shown
    assert "date-picker.js" in shown  # the calendar button, added by the script; typing works without it


def test_day_field_keeps_dates_before_1945_for_forms_that_allow_them():
    # Birth dates of older members: the form's own bounds apply, not the query parameter's.
    form = Sample({"on": "15/08/1940"})
    assert form.is_valid() and form.cleaned_data["on"] == date(1940, 8, 15)


def test_day_input_writes_dates_in_vietnamese_order():
    assert DayInput().format_value(date(2025, 6, 30)) == "30/06/2025"


@pytest.mark.django_db
def test_pages_with_date_filters_read_dd_mm_yyyy(world, client):
    client.force_login(world.users["admin_a"])
    log = client.get("/nhat-ky/?from=01/01/2020&to=31/12/2030")
    assert log.status_code == 200 and "không phải ngày hợp lệ" not in log.content.decode()
    assert 'value="01/01/2020"' in log.content.decode()
    assert "không phải ngày hợp lệ" in client.get("/nhat-ky/?from=31/02/2020").content.decode()
    moves = client.get("/ho-so/chuyen-sinh-hoat/?tu=01/01/2024&den=31/12/2024")
    assert moves.status_code == 200 and 'value="01/01/2024"' in moves.content.decode()


@pytest.mark.django_db
def test_record_form_shows_and_takes_dates_dd_mm_yyyy(world, client):
    client.force_login(world.users["editor_bac"])
    form = client.get("/ho-so/nguoi/P-BAC-1/sua/").content.decode()
    assert 'name="union_joined_on" value="01/03/2015"' in form and 'type="date"' not in form
