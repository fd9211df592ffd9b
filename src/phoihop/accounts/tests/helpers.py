import time

from django_otp.oath import TOTP

from phoihop.testing.world import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"
VERIFY = "/tai-khoan/dang-nhap/ma-xac-thuc/"
SETUP = "/tai-khoan/xac-thuc-hai-buoc/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_for(device, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or `steps_ahead` steps of 30 s later: a code is
    accepted once, so a second sign-in in the same half minute uses the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"
