"""Login throttling: growing delays after wrong passwords, per user name and per address.

No lockout: after settings.LOGIN_FAILURE_LIMIT wrong passwords for a user name, each further
attempt for that name waits 1 s, 2 s, 4 s … (at most settings.LOGIN_DELAY_MAX_SECONDS) after
the last failure, so someone else's failures cost the owner a short wait, not a locked
account; a login clears the name's failures. After settings.LOGIN_ADDRESS_FAILURE_LIMIT
failures from one address within settings.LOGIN_ADDRESS_WINDOW, across user names, that
address waits the same way, which slows spraying a few passwords over many names.

The state is LoginFailure rows in the database, shared by every gunicorn process. The login
forms (departments/forms.py, the site's and the admin's) ask login_attempt_start() before
they check a password and call login_attempt_succeeded() when it was right.
"""

import ipaddress
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone

from departments.models import LoginFailure

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# A user name's failures are forgotten a day after they happened; until then they keep its
# delay at the cap, which already allows only one guess per LOGIN_DELAY_MAX_SECONDS.
FORGET_AFTER = timedelta(days=1)
# Simultaneous attempts for one name or address: each loser looks again, at most this often.
CLAIM_TRIES = 5


def trusted_proxies() -> list[IPNetwork]:
    """settings.TRUSTED_PROXIES as networks; a bad entry stops the start (apps.py)."""
    try:
        return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error


def _parse_address(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> str:
    """The address the request came from, seen through the proxies we trust.

    Each trusted proxy appends the address it got the request from to X-Forwarded-For, so
    the header is read from the right: the first address that is not a trusted proxy is
    the client. What lies to its left was written by the client and is not believed, and
    the header is ignored altogether when the peer itself is not a trusted proxy.
    """
    # A peer that is no IP address (a Unix socket) gets the unspecified address.
    address = _parse_address(request.META.get("REMOTE_ADDR", "")) or ipaddress.IPv4Address(0)
    networks = trusted_proxies()
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while hops and any(address in network for network in networks):
        forwarded_for = _parse_address(hops.pop())
        if forwarded_for is None:
            break  # garbage from a trusted proxy: the proxy is the last address we know
        address = forwarded_for
    return str(address)


def _delay(failures: int, limit: int) -> timedelta:
    """1 s at the limit, doubling with each failure past it, capped."""
    if failures < limit:
        return timedelta(0)
    cap = settings.LOGIN_DELAY_MAX_SECONDS
    # 2 ** cap.bit_length() is already above the cap: no huge powers for a long attack.
    return timedelta(seconds=min(cap, 2 ** min(failures - limit, cap.bit_length())))


def _seconds_left(last: datetime | None, delay: timedelta, now: datetime) -> int:
    if last is None or not delay:
        return 0
    return max(0, math.ceil((last + delay - now).total_seconds()))


def login_attempt_start(*, username: str, address: str) -> int:
    """Seconds this login attempt has to wait, or 0 when it may check the password.

    An attempt let through is recorded at once as a failure of the name and the address,
    before the password is checked, so a second process deciding at the same moment counts
    it; login_attempt_succeeded() removes it again. The record takes the next sequence
    number of the name and of the address; when another attempt took one of them first,
    the unique constraints refuse this one and it decides again with that failure counted.
    """
    window = settings.LOGIN_ADDRESS_WINDOW
    for _try in range(CLAIM_TRIES):
        now = timezone.now()
        remembered = Q(time__gte=now - FORGET_AFTER)
        by_name = LoginFailure.objects.filter(username=username).aggregate(
            count=Count("pk", filter=remembered),
            last=Max("time", filter=remembered),
            seq=Max("username_seq"),
        )
        recent = Q(time__gte=now - window)
        by_address = LoginFailure.objects.filter(address=address).aggregate(
            count=Count("pk", filter=recent),
            last=Max("time", filter=recent),
            seq=Max("address_seq"),
        )
        wait = max(
            _seconds_left(
                by_name["last"], _delay(by_name["count"], settings.LOGIN_FAILURE_LIMIT), now
            ),
            _seconds_left(
                by_address["last"],
                _delay(by_address["count"], settings.LOGIN_ADDRESS_FAILURE_LIMIT),
                now,
            ),
        )
        if wait:
            return wait
        try:
            with transaction.atomic():
                LoginFailure.objects.create(
                    username=username,
                    username_seq=(by_name["seq"] or 0) + 1,
                    address=address,
                    address_seq=(by_address["seq"] or 0) + 1,
                    time=now,
                )
        except IntegrityError:
            continue
        LoginFailure.objects.filter(time__lt=now - max(FORGET_AFTER, window)).delete()
        return 0
    # Still losing after several looks: many attempts for this name or address at once.
    return 1


def login_attempt_succeeded(*, username: str) -> None:
    """The password was right: the name's failures, wherever they came from, are cleared."""
    LoginFailure.objects.filter(username=username).delete()
