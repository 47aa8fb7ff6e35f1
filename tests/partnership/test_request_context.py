import pytest
from django.test import RequestFactory

from partnership.middleware import client_ip


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # not behind a proxy: the header is ignored
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client forged the left-most entry
        (2, "203.0.113.7, 198.51.100.2", "203.0.113.7"),
        (1, "", "10.0.0.1"),
        (1, "203.0.113.7:5678", "203.0.113.7"),  # some load balancers add the port
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.1"),  # garbage never reaches the audit table's inet column
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = RequestFactory().get("/", headers=headers, REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == expected
