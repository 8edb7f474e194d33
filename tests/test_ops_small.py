"""Operations: the web server never runs with the development settings of a checkout, its
pid file, the cleanup of temporary files, and no signed-in page kept in a cache."""

import hashlib
import json
import os
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from bulletin.models import Issue
from ops.cleanup import remove_stale_temporary_files
from tests.factories import make_issue, make_series

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
# What `make` writes on a checkout without a .env (Makefile, target $(VENV)/.dev).
DEVELOPMENT_ENV = (
    "# Development settings written by make; see .env.example.\nDEBUG=1\nJIANBAO_DEMO=1\n"
)


# --- the web server and the development .env ------------------------------------------------


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A checkout as `make` leaves it, .env included: the settings and the gunicorn
    configuration are copies (they find the checkout from their own path), everything
    else links to this one."""
    root = tmp_path_factory.mktemp("checkout")
    for entry in ROOT.iterdir():
        if entry.name not in {"config", "deploy", "var"} and not entry.name.startswith("."):
            (root / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "config", root / "config", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "deploy").mkdir()
    shutil.copy(ROOT / "deploy" / "gunicorn.conf.py", root / "deploy")
    (root / ".env").write_text(DEVELOPMENT_ENV, encoding="utf-8")
    (root / "var").mkdir()
    return root


def process_env(**extra: str) -> dict[str, str]:
    """This environment without what the suite or the developer's shell sets for Jianbao."""
    ours = {
        "PYTEST_VERSION", "DEBUG", "JIANBAO_DEMO", "SECRET_KEY", "DATABASE_URL", "MEDIA_ROOT",
        "JIANBAO_VAR_DIR", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "TLS",
        "STATIC_MANIFEST", "BIND", "WEB_CONCURRENCY",
    }  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("GUNICORN_")}
    return {**env, **extra}


def settings_of(checkout: Path, entry_point: str, **env: str) -> subprocess.CompletedProcess:
    """DEBUG, DEMO_MODE and whether the key is the development one, as a process of the
    checkout sees them after importing `entry_point` ("manage" for manage.py's way)."""
    load = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup()"
        if entry_point == "manage"
        else f"import {entry_point}"
    )
    code = (
        f"{load}; from django.conf import settings; "
        "print(settings.DEBUG, settings.DEMO_MODE, settings.SECRET_KEY == settings.DEVELOPMENT_KEY)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=checkout,
        env=process_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_the_web_server_ignores_debug_and_demo_in_the_development_env(checkout, entry_point):
    result = settings_of(checkout, entry_point, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False"]


def test_the_web_server_without_a_key_refuses_to_start_instead_of_using_the_development_key(
    checkout,
):
    result = settings_of(checkout, "config.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_the_web_server_runs_in_debug_mode_when_its_environment_asks(checkout):
    result = settings_of(checkout, "config.wsgi", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def test_manage_py_still_reads_debug_and_demo_from_the_development_env(checkout):
    result = settings_of(checkout, "manage")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(checkout: Path, log: Path, **env: str) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            # No control socket: it lives in the home directory, shared with other servers.
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--no-control-socket", "config.wsgi"],
            cwd=checkout,
            env=process_env(
                WEB_CONCURRENCY="1",
                GUNICORN_THREADS="2",
                # Plain HTTP on loopback, no collectstatic: what this test does not look at.
                TLS="0",
                STATIC_MANIFEST="0",
                **env,
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    checkout: Path


@pytest.fixture(scope="module")
def server(checkout):
    """gunicorn started from the checkout as an operator would, the pid file named in
    GUNICORN_PID (as the README used to say) by a path relative to the checkout, in a
    directory that does not exist yet."""
    port = free_port()
    log = checkout / "gunicorn.log"
    process = gunicorn(
        checkout,
        log,
        BIND=f"127.0.0.1:{port}",
        SECRET_KEY=secrets.token_urlsafe(50),
        GUNICORN_PID="var/run/gunicorn.pid",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
            try:
                get(url + "/health/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()}")
                time.sleep(0.2)
        yield Server(process, url, checkout)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_in_a_checkout_with_the_development_env_serves_the_production_pages(server):
    status, page = get(server.url + "/no-such-page/")
    assert status == 404
    assert "DEBUG = True" not in page  # Django's technical 404 page says so
    assert '<html lang="zh-CN">' in page
    assert 'href="/issues/"' in page  # templates/404.html: back to the issues


def test_gunicorn_writes_its_pid_file_relative_to_the_checkout_and_answers(server):
    pid_file = server.checkout / "var" / "run" / "gunicorn.pid"
    assert int(pid_file.read_text()) == server.process.pid
    status, body = get(server.url + "/health/")
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"


def test_a_process_id_in_gunicorn_pid_is_left_to_gunicorn(monkeypatch):
    # gunicorn sets it to the old master's pid for the new one during a USR2 upgrade.
    monkeypatch.setenv("GUNICORN_PID", "12345")
    monkeypatch.delenv("GUNICORN_PIDFILE", raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["pidfile"] is None
    assert os.environ["GUNICORN_PID"] == "12345"


def test_an_absolute_pid_file_path_gets_its_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("GUNICORN_PID", raising=False)
    monkeypatch.setenv("GUNICORN_PIDFILE", str(tmp_path / "a" / "b" / "gunicorn.pid"))
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["pidfile"] == str(tmp_path / "a" / "b" / "gunicorn.pid")
    assert (tmp_path / "a" / "b").is_dir()


def test_no_pid_file_unless_one_is_named(monkeypatch):
    monkeypatch.delenv("GUNICORN_PID", raising=False)
    monkeypatch.delenv("GUNICORN_PIDFILE", raising=False)
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["pidfile"] is None


def test_the_development_key_is_refused_when_debug_is_off(checkout):
    key = "dev-only-insecure-key-do-not-use-in-production"
    refused = settings_of(checkout, "manage", DEBUG="0", SECRET_KEY=key)
    assert refused.returncode != 0
    assert "public development key" in refused.stderr
    allowed = settings_of(checkout, "manage", DEBUG="1", SECRET_KEY=key)
    assert allowed.returncode == 0, allowed.stderr


# --- temporary files ---------------------------------------------------------------------


def aged(path: Path, age: timedelta, *, directory: bool = False) -> Path:
    """`path` created (a file unless `directory`) and last modified `age` ago."""
    if directory:
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    then = time.time() - age.total_seconds()
    os.utime(path, (then, then))
    return path


OLD, RECENT = timedelta(hours=2), timedelta(minutes=5)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_stale_temporary_files_are_removed_and_everything_else_kept(media):
    cache = media / "pdf-cache"
    # A restore killed mid-way: its staging directory, all of it old.
    restore = media / ".jianbao-restore-k3j2"
    aged(restore / "media" / "issued" / "issue-1.pdf", OLD)
    aged(restore / "media" / "issued", OLD, directory=True)
    aged(restore / "media", OLD, directory=True)
    aged(restore / "db.sqlite3", OLD)
    aged(restore, OLD, directory=True)
    stale = [
        aged(cache / "0f3a.1234-5678.tmp", OLD),
        aged(cache / "older" / "9b1c.1-2.tmp", OLD),
        aged(media / ".health-x8f2", OLD),
        restore,
    ]
    # A restore still unpacking: an old directory with a new file in it.
    running = media / ".jianbao-restore-live"
    aged(running / "media" / "new.pdf", RECENT)
    aged(running, OLD, directory=True)
    kept = [
        aged(cache / "0f3a.pdf", OLD),  # a finished cache entry
        aged(cache / "77aa.99-1.tmp", RECENT),  # a render writing now
        aged(media / ".health-now", RECENT),
        aged(media / "issued" / "notes.tmp", OLD),  # not a temporary file of ours
        aged(media / ".before-restore-20240101-120000" / "issued" / "a.pdf", OLD),
        running,
    ]
    removed = remove_stale_temporary_files()
    assert sorted(removed) == sorted(stale)
    assert [path for path in stale if path.exists()] == []
    assert [path for path in kept if not path.exists()] == []


def test_cleanup_is_quiet_on_a_fresh_install_without_media(media):
    assert not media.exists()
    assert remove_stale_temporary_files() == []


def test_cleanup_tmp_command_takes_the_age(media):
    aged(media / "pdf-cache" / "a.1-1.tmp", timedelta(minutes=45))
    out = StringIO()
    call_command("cleanup_tmp", stdout=out)
    assert "Removed 0 " in out.getvalue()
    call_command("cleanup_tmp", "--older-than-minutes", "30", stdout=out)
    assert "Removed 1 " in out.getvalue()
    assert not (media / "pdf-cache" / "a.1-1.tmp").exists()


# --- caching of signed-in responses ------------------------------------------------------


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_a_signed_in_users_pages_and_redirects_are_private_and_never_stored(client, editor):
    client.force_login(editor)
    for url in (reverse("bulletin:issue_list"), "/", "/no-such-page/"):
        response = client.get(url)
        assert cache_control(response) == {"private", "no-store"}, (url, response.status_code)


def test_a_pdf_download_is_private_and_never_stored(client, editor, media):
    pdf = b"%PDF-1.7 stand-in"
    issue = make_issue(
        make_series(), status=Issue.Status.ISSUED, pdf_sha256=hashlib.sha256(pdf).hexdigest()
    )
    issue.pdf.name = default_storage.save("issued/issue.pdf", ContentFile(pdf))
    issue.save(update_fields=["pdf"])
    client.force_login(editor)
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert response.status_code == 200
    assert response.content == pdf
    assert cache_control(response) == {"private", "no-store"}


def test_anonymous_pages_get_no_cache_control_of_ours(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Cache-Control" not in response


def test_a_view_that_sets_its_own_caching_keeps_it(client, editor):
    client.force_login(editor)
    response = client.get(reverse("health"))  # never_cache
    assert {"no-cache", "must-revalidate", "max-age=0"} <= cache_control(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_own_caching_for_a_signed_in_user(editor):
    client = Client()  # a new handler: WhiteNoise reads the settings when it is built
    client.force_login(editor)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "public" in cache_control(response)
    assert "no-store" not in cache_control(response)
