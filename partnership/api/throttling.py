"""API throttles: per account for token or session callers, per client address for anonymous ones.

The rates come from settings.API_THROTTLE_RATES (read at request time, so a deployment or a test
can change them); None turns a throttle off. Counters live in the default cache (the database
cache: shared by every web process). Throttles run after authentication and permissions, so a
refused token (401) is not counted: knox tokens are 256-bit random values, not guessable.
"""

from django.conf import settings
from rest_framework import throttling


class _RateFromSettings:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        # DRF's own get_ident trusts the whole X-Forwarded-For header, which the client writes: a
        # new forged address per request would never be throttled. Use the address the rest of the
        # service trusts (TRUSTED_PROXY_COUNT hops from the right).
        from ..middleware import client_ip  # the middleware imports rest_framework.views, which imports this

        return client_ip(request) or ""


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    pass
