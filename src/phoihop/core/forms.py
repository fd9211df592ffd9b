"""The one date field of the staff forms: typed dd/mm/yyyy, as Vietnamese write dates (ISO still read).

The browser's own <input type=date> shows the date in the browser's locale order (mm/dd/yyyy on an
English-language Windows), so the field is a text input instead: it shows and takes dd/mm/yyyy
whatever the browser, with a pattern and a hint that work without JavaScript. `static/js/date-picker.js`
adds a calendar button beside it (the browser's own calendar, whose pick is written back as
dd/mm/yyyy); without JavaScript the field is typed. Query parameters read dates the same way
(core.params.parse_day)."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .params import read_day

PATTERN = r"\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}\s*|\s*\d{4}-\d{2}-\d{2}\s*"
HINT = _("Ngày/tháng/năm, ví dụ 30/06/2018")
PICK = _("Chọn ngày trên lịch")


class DayInput(forms.TextInput):
    """A text box for dd/mm/yyyy with its pattern, hint and the calendar button's hook."""

    template_name = "core/widgets/day.html"

    def __init__(self, attrs=None):
        base = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "dd/mm/yyyy",
            "pattern": PATTERN,
            "title": HINT,
            "size": 10,
            "maxlength": 10,
            "class": "day-input",
            "data-day-picker": PICK,  # the calendar button's name, in the page's language
        }
        super().__init__(base | (attrs or {}))

    def format_value(self, value):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        return super().format_value(value)


class DayField(forms.DateField):
    """A date typed dd/mm/yyyy (d/m/yyyy, dd-mm-yyyy and ISO yyyy-mm-dd are read too). Its bounds are
    the form's own (records: core.dates)."""

    widget = DayInput

    default_error_messages = {
        "invalid": _("Cần ngày dạng ngày/tháng/năm, ví dụ 15/03/2021."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        day = read_day(str(value))
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day
