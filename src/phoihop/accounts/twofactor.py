"""Two-factor sign-in with TOTP (django-otp): who must give a code, and the enrolment's QR code.

A user who has confirmed an authenticator device gives a code after the password at every sign-in.
Where `REQUIRE_2FA` is on (production settings), `admin` and `manager` accounts (and superusers) must
enrol one before they can open any page; for the other roles, and everywhere outside production, it
is optional. Until the code is given the session is half signed in: `SecondFactorMiddleware` shows
every page as to a visitor who is not signed in, except the code and enrolment pages and sign-out.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "phoihop"


def must_enrol(user) -> bool:
    """Whether this account may not work without a second factor."""
    if not settings.REQUIRE_2FA:
        return False
    return bool(user.is_superuser or user.role in settings.ROLES_REQUIRING_2FA)


def second_factor_pending(user) -> bool:
    """Signed in with the password, but a code is still owed (or a device must be enrolled first)."""
    if not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return user_has_device(user, confirmed=True) or must_enrol(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key in the base32 form authenticator apps accept when typed in by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """An inline SVG of the otpauth:// address (no script, no external image: the CSP allows it)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def check_code(device: TOTPDevice, code: str) -> bool:
    """A code from the authenticator app; django-otp slows repeated failures down (throttling)."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return False
    allowed, _ = device.verify_is_allowed()
    return bool(allowed) and device.verify_token(code)
