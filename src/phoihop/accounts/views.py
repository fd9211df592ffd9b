"""Account pages: sign-in with the second factor, own password, two-factor enrolment, API tokens, and
the admins' management of the accounts of their subtree."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from phoihop.core import params
from phoihop.core.client_ip import client_ip

from . import selectors, services, twofactor
from .forms import CodeForm, SignInForm, TokenForm, UserForm
from .middleware import pending_user
from .scope import scope_for

PAGE_SIZE = 50


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _second_factor_step(request):
    """Where a half-signed-in user goes next: the code, or enrolment when they have no device yet."""
    user = pending_user(request)
    name = "accounts:otp_verify" if twofactor.confirmed_device(user) else "accounts:otp_setup"
    query = (
        f"?next={request.POST.get('next') or request.GET.get('next')}"
        if (request.POST.get("next") or request.GET.get("next"))
        else ""
    )
    return redirect(reverse(name) + query)


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        if pending_user(request) is not None:
            return _second_factor_step(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if twofactor.second_factor_pending(form.get_user()):
            self.request.pending_second_factor_user = form.get_user()
            return _second_factor_step(self.request)
        return response


def otp_verify(request):
    """The second step of signing in: the six-digit code."""
    user = pending_user(request)
    if user is None:
        return redirect("site:home" if request.user.is_authenticated else settings.LOGIN_URL)
    device = twofactor.confirmed_device(user)
    if device is None:
        return redirect("accounts:otp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.check_code(device, form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_next_url(request, reverse(settings.LOGIN_REDIRECT_URL)))
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn; hãy nhập mã mới trong ứng dụng."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request, "")})


def otp_setup(request):
    """Enrol an authenticator app (QR code + a code to confirm), or turn two-factor sign-in off where
    it is optional."""
    user = pending_user(request) or request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if pending_user(request) is not None and twofactor.confirmed_device(user):
        return redirect("accounts:otp_verify")  # a device exists: the code, not a second device
    required = twofactor.must_enrol(user)
    device = twofactor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if device is not None:  # turning it off
            if required:
                messages.error(request, _("Vai trò của bạn bắt buộc xác thực hai bước; không thể tắt."))
                return redirect("accounts:otp_setup")
            if twofactor.check_code(device, code):
                user.totpdevice_set.all().delete()
                services.log_second_factor(user=user, enrolled=False, ip_address=client_ip(request))
                messages.success(request, _("Đã tắt xác thực hai bước."))
                return redirect("accounts:otp_setup")
            form.add_error(
                "code", _("Mã xác thực không đúng hoặc đã hết hạn; hãy nhập mã mới trong ứng dụng.")
            )
        else:
            pending = twofactor.enrolment_device(user)
            if twofactor.check_code(pending, code):
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                otp_login(request, pending)
                services.log_second_factor(user=user, enrolled=True, ip_address=client_ip(request))
                messages.success(request, _("Đã bật xác thực hai bước."))
                return redirect(_next_url(request, reverse("accounts:otp_setup")))
            form.add_error("code", _("Mã xác thực không đúng; hãy quét lại mã QR và nhập mã đang hiện."))
    context = {
        "form": form,
        "device": device,
        "required": required,
        "next": _next_url(request, ""),
        "pending": pending_user(request) is not None,
    }
    if device is None:
        pending = twofactor.enrolment_device(user)
        context |= {"qr_svg": twofactor.qr_svg(pending), "secret": twofactor.secret_text(pending)}
    return render(request, "accounts/otp_setup.html", context)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_own_password(
            user=request.user, new_password=form.cleaned_data["new_password1"], ip_address=client_ip(request)
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Đã đổi mật khẩu."))
        return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form})


# ---- API tokens ------------------------------------------------------------------------------------


@login_required
def tokens(request):
    """The user's own API tokens: issue one (shown once), see expiry and last use, revoke."""
    form = TokenForm(request.POST or None, initial={"days": settings.API_TOKEN_DAYS})
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            new_key = services.issue_token(
                actor=request.user,
                user=request.user,
                days=form.cleaned_data["days"],
                name=form.cleaned_data["name"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm(initial={"days": settings.API_TOKEN_DAYS})
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_key": new_key, "tokens": selectors.tokens_of(user=request.user)},
    )
    response["Cache-Control"] = "no-store"  # the new key is in the page once
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.token_or_404(user=request.user, pk=pk)
    services.revoke_token(actor=request.user, token=token, ip_address=client_ip(request))
    messages.success(request, _("Đã thu hồi mã API %(prefix)s…") % {"prefix": token.prefix})
    return redirect("accounts:tokens")


# ---- user management (admins, their subtree) ------------------------------------------------------


def _require_manager(request):
    if not request.user.can("manage_users"):
        raise PermissionDenied(_("Chỉ quản trị được quản lý tài khoản."))


@login_required
def users(request):
    _require_manager(request)
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    page = Paginator(selectors.managed_users(actor=request.user, query=query), PAGE_SIZE).get_page(
        params.page_number(request)
    )
    return render(request, "accounts/users.html", {"page": page, "q": query})


def _apply(form: UserForm, call) -> bool:
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    return True


@login_required
def user_create(request):
    _require_manager(request)
    form = UserForm(request.POST or None, actor=request.user, scope=scope_for(request.user), creating=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = {}

        def call():
            created["user"] = services.create_user(
                actor=request.user,
                username=d["username"],
                unit=d["unit"],
                role=d["role"],
                password=d["password1"],
                ip_address=client_ip(request),
            )

        if _apply(form, call):
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": created["user"].username})
            return redirect("accounts:user_edit", pk=created["user"].pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, pk: int):
    target = selectors.managed_user_or_404(actor=request.user, pk=pk)
    _require_manager(request)
    initial = {
        "role": target.role,
        "unit": target.unit.code if target.unit else "",
        "is_active": target.is_active,
    }
    scope = scope_for(request.user)
    form = UserForm(request.POST or None, actor=request.user, scope=scope, creating=False, initial=initial)
    new_password = None
    if request.method == "POST" and request.POST.get("action") == "reset":
        form = UserForm(None, actor=request.user, scope=scope, creating=False, initial=initial)
        new_password = services.reset_password(
            actor=request.user, target=target, ip_address=client_ip(request)
        )
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def call():
            services.update_user(
                actor=request.user,
                target=target,
                unit=d["unit"],
                role=d["role"],
                is_active=d["is_active"],
                ip_address=client_ip(request),
            )

        if _apply(form, call):
            messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": target.username})
            return redirect("accounts:user_edit", pk=target.pk)
        target.refresh_from_db()
    response = render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "creating": False,
            "target": target,
            "new_password": new_password,
            "has_2fa": twofactor.confirmed_device(target) is not None,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
