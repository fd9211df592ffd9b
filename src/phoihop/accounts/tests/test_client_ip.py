"""The client's address: X-Forwarded-For is believed only from a listed proxy."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from phoihop.core.client_ip import client_ip

from .helpers import sign_in


def request(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "proxies, peer, forwarded, expected",
    [
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # nobody trusted: the header is a lie
        (["10.0.0.1"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # a stranger's header
        (["10.0.0.1"], "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        (
            ["10.0.0.0/8"],
            "10.0.0.1",
            "1.2.3.4, 198.51.100.7, 10.0.0.2",
            "198.51.100.7",
        ),  # rightmost untrusted
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "not-an-ip", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "198.51.100.7:5123", "198.51.100.7"),
        (["::1"], "::1", "[2001:db8::5]:443", "2001:db8::5"),
    ],
)
def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings, proxies, peer, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(peer, forwarded)) == expected


def test_lockout_counts_the_forwarded_address_behind_a_trusted_proxy(world, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(5):
        sign_in(client, "viewer_nam", "sai", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # Another browser behind the same proxy is not locked out by the first one's failures.
    other = sign_in(client, "viewer_nam", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302


def test_a_forged_header_from_outside_does_not_dodge_the_lockout(world, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for i in range(5):
        sign_in(client, "viewer_nam", "sai", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}")
    locked = sign_in(client, "viewer_nam", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.1.1.99")
    assert locked.status_code in (403, 429)
