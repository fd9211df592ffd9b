from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from phoihop.orgs.models import Unit

from .models import User


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class CodeForm(forms.Form):
    """Six digits from the authenticator app."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class UnitCodeField(forms.CharField):
    """A unit named by its code; the view passes the reader's scope, so a unit outside it reads as
    one that does not exist."""

    def __init__(self, *args, scope=None, **kwargs):
        self.scope = scope
        super().__init__(*args, max_length=64, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        try:
            return self.scope.units().get(code=code)
        except Unit.DoesNotExist as missing:
            raise forms.ValidationError(
                _("Không có đơn vị mã '%(code)s' trong phạm vi của bạn.") % {"code": code}
            ) from missing


class UserForm(forms.Form):
    """Create (with username and password) or change (role, unit, active) an account."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"))
    unit = UnitCodeField(label=_("Mã đơn vị"))
    is_active = forms.BooleanField(label=_("Được đăng nhập"), required=False, initial=True)
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, actor, scope, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(User.Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in actor.grantable_roles()]
        self.fields["role"].initial = User.Role.VIEWER  # the least a new account needs
        self.fields["unit"].scope = scope
        if creating:
            del self.fields["is_active"]
        else:
            for name in ("username", "password1", "password2"):
                del self.fields[name]

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        UnicodeUsernameValidator()(name)
        return name

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        elif data.get("password1") and data.get("username"):
            # Every problem at once: the password rules are shown beside a wrong unit code, say.
            try:
                validate_password(data["password1"], User(username=data["username"]))
            except forms.ValidationError as weak:
                self.add_error("password1", weak)
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Ghi chú (dùng cho việc gì)"), max_length=100, required=False)
    days = forms.IntegerField(label=_("Số ngày hiệu lực"), min_value=1, max_value=365, initial=90)
