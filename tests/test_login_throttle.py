"""Login throttling behind the TLS proxy: growing delays per user name and per client
address, never a lockout someone else can cause, on the site's login and the admin's.

The clock is a fixture that only moves when a test says so; no test sleeps.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.html import escape

from departments.models import LoginFailure
from departments.throttle import client_address, login_attempt_start

PROXY = "10.0.0.2"  # the TLS proxy in front, as the app sees it
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.10"
LIMIT = 5
ADDRESS_LIMIT = 20
CAP = 300


class Clock:
    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture(autouse=True)
def throttle_settings(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_FAILURE_LIMIT = LIMIT
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = ADDRESS_LIMIT
    settings.LOGIN_ADDRESS_WINDOW = datetime.timedelta(minutes=15)
    settings.LOGIN_DELAY_MAX_SECONDS = CAP
    return settings


def login(username, password, *, client=VICTIM, url="/login/", peer=PROXY, forwarded=None):
    """One login post from `client` through the proxy (or straight from `peer`)."""
    browser = Client()
    response = browser.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=client if forwarded is None else forwarded,
    )
    response.logged_in = "_auth_user_id" in browser.session
    return response


def wait_of(response) -> int | None:
    """The seconds the refused form asks to wait (None: not refused by the throttle)."""
    assert response.status_code == 200, response.status_code
    form = response.context.get("form")
    errors = form.errors.as_data().get("__all__", [])
    throttled = [e for e in errors if e.code == "throttled"]
    if not throttled:
        return None
    error = throttled[0]
    # The page shows the message with the number, and keeps the typed user name.
    html = response.content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        assert escape(error.message % error.params) in html
    assert f'value="{escape(form.data["username"])}"' in html
    return error.params["seconds"]


def fail(times, username, **kwargs) -> None:
    """`times` wrong passwords, each answered as such (none refused by the throttle)."""
    for _attempt in range(times):
        response = login(username, "wrong", **kwargs)
        assert wait_of(response) is None
        assert not response.logged_in


def fail_patiently(clock, times, username, **kwargs) -> None:
    """`times` wrong passwords, waiting out each delay first, as a patient attacker does."""
    for _attempt in range(times):
        wait = wait_of(login(username, "wrong", **kwargs))
        if wait:
            clock.advance(wait)
            fail(1, username, **kwargs)


def spray(times, address) -> None:
    """`times` wrong passwords from `address`, a few per user name: no name's own limit."""
    for i in range(times):
        fail(1, f"guess{i // (LIMIT - 1)}", client=address)


@pytest.fixture
def users(db, clerk, editor, admin_user):
    return {"clerk": clerk, "editor": editor, "admin": admin_user}


# The client's address


def request_from(peer: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


def test_without_trusted_proxies_the_client_is_the_peer_whatever_the_header_says(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from(PROXY, "203.0.113.5")) == PROXY
    assert client_address(request_from("192.0.2.1")) == "192.0.2.1"


def test_x_forwarded_for_is_read_from_the_right_past_the_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.7"]
    # The client wrote 6.6.6.6 itself; the outer proxy 192.0.2.7 appended the real client,
    # the inner one (the peer, 10.0.0.2) appended 192.0.2.7.
    request = request_from("10.0.0.2", "6.6.6.6, 203.0.113.5, 192.0.2.7")
    assert client_address(request) == "203.0.113.5"
    # A request from the proxies themselves (a health check) is the last proxy.
    assert client_address(request_from("10.0.0.2", "10.0.0.9")) == "10.0.0.9"
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"
    # Garbage from a trusted proxy: the proxy is the last address known.
    assert client_address(request_from("10.0.0.2", "6.6.6.6, not-an-ip")) == "10.0.0.2"
    # IPv6, and an IPv4 peer seen through a dual-stack socket.
    assert client_address(request_from("::ffff:10.0.0.2", "2001:db8::1")) == "2001:db8::1"


def test_an_untrusted_peer_is_the_client_even_with_a_header(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_address(request_from("198.51.100.77", "203.0.113.5")) == "198.51.100.77"


def test_a_mistyped_trusted_proxies_stops_the_start():
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DATABASE_URL"}}
    env.update(
        DEBUG="1", TRUSTED_PROXIES="10.0.0.2,10.0.0.300", DJANGO_SETTINGS_MODULE="config.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
    assert "10.0.0.300" in result.stderr


# Per user name


def test_behind_the_proxy_one_clients_failures_do_not_slow_another_user(users, clock):
    fail(LIMIT, "editor", client=ATTACKER)
    spray(ADDRESS_LIMIT - LIMIT, ATTACKER)
    assert wait_of(login("clerk", "pw", client=ATTACKER)) == 1  # the attacker is slowed
    # Same proxy, another real client, another user: straight in, no wait.
    response = login("clerk", "pw", client=VICTIM)
    assert response.status_code == 302
    assert response.logged_in


def test_the_victim_waits_only_the_short_delay_after_an_attackers_failures(users, clock):
    fail(LIMIT, "editor", client=ATTACKER)
    # The owner, from their own desk, with the right password: one second, not 15 minutes.
    assert wait_of(login("editor", "pw", client=VICTIM)) == 1
    clock.advance(1)
    response = login("editor", "pw", client=VICTIM)
    assert response.status_code == 302
    assert response.logged_in


def test_however_long_the_attack_the_victim_never_waits_more_than_the_cap(users, clock):
    fail_patiently(clock, LIMIT + 15, "editor", client=ATTACKER)
    wait = wait_of(login("editor", "pw", client=VICTIM))
    assert wait == CAP
    clock.advance(CAP)
    assert login("editor", "pw", client=VICTIM).logged_in


def test_delays_double_with_each_failure_and_stop_at_the_cap(users, clock):
    fail(LIMIT, "editor", client=ATTACKER)
    waits = []
    for _step in range(11):
        wait = wait_of(login("editor", "wrong", client=ATTACKER))
        waits.append(wait)
        # Still refused a second before the delay is over, counted from the last failure.
        clock.advance(wait - 1)
        assert wait_of(login("editor", "wrong", client=ATTACKER)) == 1
        clock.advance(1)
        fail(1, "editor", client=ATTACKER)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


def test_a_refused_attempt_checks_no_password_and_does_not_count(users, clock, monkeypatch):
    fail_patiently(clock, LIMIT + 2, "editor", client=ATTACKER)  # a 4-second wait now
    checked = []
    real = ModelBackend.authenticate

    def spy(self, request, username=None, password=None, **kwargs):
        checked.append(username)
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", spy)
    failures = LoginFailure.objects.count()
    for password in ["pw", "wrong", "pw"]:
        assert wait_of(login("editor", password, client=ATTACKER)) == 4
    assert checked == []  # the right password and a wrong one get the same refusal
    assert LoginFailure.objects.count() == failures
    clock.advance(4)  # the hammering did not push the delay further
    assert login("editor", "pw", client=VICTIM).logged_in
    assert checked == ["editor"]


def test_a_successful_login_clears_the_user_names_failures(users, clock):
    fail_patiently(clock, LIMIT + 1, "editor", client=ATTACKER)
    clock.advance(2)
    assert login("editor", "pw", client=VICTIM).logged_in
    assert not LoginFailure.objects.filter(username="editor").exists()
    # Back to LIMIT free tries before any wait.
    fail(LIMIT, "editor", client=VICTIM)
    assert wait_of(login("editor", "pw", client=VICTIM)) == 1


def test_failures_of_one_user_name_do_not_slow_another(users, clock):
    fail_patiently(clock, LIMIT + 2, "editor", client=ATTACKER)
    assert wait_of(login("editor", "pw", client=ATTACKER)) == 4
    assert login("clerk", "pw", client=ATTACKER).logged_in


# Per address, across user names


def test_spraying_user_names_from_one_address_is_slowed(users, clock):
    # Four passwords for each of five names: no name reaches its own limit.
    for name in ["zhang", "wang", "li", "zhao", "chen"]:
        fail(LIMIT - 1, name, client=ATTACKER)
    # The next name from that address waits, with the right password too.
    assert wait_of(login("clerk", "pw", client=ATTACKER)) == 1
    assert wait_of(login("sun", "guess", client=ATTACKER)) == 1
    # Another client behind the same proxy is not slowed.
    assert login("clerk", "pw", client=VICTIM).logged_in
    # The address's delays grow as its user names' do.
    clock.advance(1)
    fail(1, "sun", client=ATTACKER)
    assert wait_of(login("zhou", "guess", client=ATTACKER)) == 2


def test_an_address_is_free_again_once_its_failures_leave_the_window(users, clock):
    for name in ["zhang", "wang", "li", "zhao", "chen"]:
        fail(LIMIT - 1, name, client=ATTACKER)
    assert wait_of(login("sun", "guess", client=ATTACKER)) == 1
    clock.advance(15 * 60 + 1)
    # The window is over: LIMIT - 1 more tries on a fresh name get a plain answer.
    fail(LIMIT - 1, "sun", client=ATTACKER)


def test_an_untrusted_client_cannot_spoof_x_forwarded_for(users, clock):
    # Straight to the app (not through the proxy) with a new "client" in every request.
    for i in range(ADDRESS_LIMIT):
        fail(1, f"user{i}", peer=ATTACKER, forwarded=f"192.0.2.{i}")
    # Every attempt was charged to the real peer, which now waits whatever it claims.
    assert wait_of(login("clerk", "pw", peer=ATTACKER, forwarded="192.0.2.200")) == 1
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {ATTACKER}
    # The addresses it claimed are untouched: a user there logs in at once.
    assert login("clerk", "pw", client="192.0.2.3").logged_in


def test_a_client_behind_the_proxy_cannot_spoof_by_sending_its_own_header(users, clock):
    # The proxy appends the real client to whatever the client sent.
    for i in range(ADDRESS_LIMIT):
        fail(1, f"user{i}", forwarded=f"192.0.2.{i}, {ATTACKER}")
    assert wait_of(login("clerk", "pw", forwarded=f"192.0.2.200, {ATTACKER}")) == 1
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {ATTACKER}


# The admin's login


def test_the_admin_login_is_throttled_too(users, clock):
    fail(LIMIT, "admin", client=ATTACKER, url="/admin/login/")
    response = login("admin", "pw", client=VICTIM, url="/admin/login/")
    assert wait_of(response) == 1
    assert not response.logged_in
    clock.advance(1)
    response = login("admin", "pw", client=VICTIM, url="/admin/login/")
    assert response.status_code == 302
    assert response.logged_in


def test_the_site_login_and_the_admin_login_share_one_count(users, clock):
    fail(LIMIT, "admin", client=ATTACKER)
    assert wait_of(login("admin", "pw", client=VICTIM, url="/admin/login/")) == 1
    clock.advance(1)
    fail(1, "admin", client=ATTACKER, url="/admin/login/")
    assert wait_of(login("admin", "pw", client=VICTIM)) == 2


def test_the_admin_login_refuses_a_huge_user_name_before_recording_it(users, clock):
    response = login("x" * 100_000, "pw", client=ATTACKER, url="/admin/login/")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not LoginFailure.objects.exists()


# Several gunicorn processes at once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same", ["username", "address"])
def test_simultaneous_attempts_at_the_limit_let_only_one_through(same, clock):
    if connection.vendor != "postgresql":
        pytest.skip("simultaneous writers need PostgreSQL; CI runs this on it")
    limit = LIMIT if same == "username" else ADDRESS_LIMIT
    for i in range(limit - 1):
        login_attempt_start(username="editor" if same == "username" else f"u{i}", address=ATTACKER)
    workers = 8
    barrier = threading.Barrier(workers)
    waits: list[int] = []
    errors: list[BaseException] = []

    def attempt(i: int) -> None:
        try:
            barrier.wait()
            waits.append(
                login_attempt_start(
                    username="editor" if same == "username" else f"v{i}",
                    address=f"192.0.2.{i}" if same == "username" else ATTACKER,
                )
            )
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(waits) == [0] + [1] * (workers - 1)
    assert LoginFailure.objects.count() == limit
