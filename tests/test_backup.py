"""Backup and restore: one archive, restored into a fresh database of the suite's backend.

Backups read committed data, so these tests run outside pytest-django's wrapping
transaction (transaction=True). The restore goes into a separate database (a new SQLite
file, or a PostgreSQL database created for the test) through `manage.py restore` in a
process of its own, as an operator would run it.
"""

import contextlib
import datetime
import hashlib
import hmac
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import uuid
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bulletin import services
from bulletin.importer import import_file
from bulletin.models import Issue, Section
from departments.models import LoginFailure, User
from ops import backup
from scoring import services as scoring
from tests.factories import make_issue, make_section, make_series

ROOT = Path(__file__).resolve().parent.parent
BACKUP = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_signing_key(settings, monkeypatch):
    # A key in the environment of whoever runs the suite would sign and check everything.
    settings.BACKUP_SIGNING_KEY = ""
    monkeypatch.delenv("BACKUP_SIGNING_KEY", raising=False)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def issue_through_the_workflow(*, series, editor, approver) -> Issue:
    """An issue taken from creation to 印发; issuing stores its PDF (a real render)."""
    issue = services.issue_create(
        series=series,
        by=editor,
        period_start=datetime.date(2023, 9, 18),
        period_end=datetime.date(2023, 9, 22),
    )
    make_section(issue, 99, title="本周概况", kind=Section.Kind.FREE, body="大厅运行平稳。")
    services.issue_start_editing(issue=issue, by=editor)
    services.issue_send_to_review(issue=issue, by=editor)
    services.issue_approve(issue=issue, by=approver)
    services.issue_issue(issue=issue, by=editor)
    return issue


def make_data(*, editor, approver, clerk, scorer) -> None:
    seed = import_file(settings.DEMO_SEEDS_DIR / "2022-39.txt")
    services.issue_pdf(issue=seed)  # an imported issue's PDF is stored at first download
    issue_through_the_workflow(series=seed.series, editor=editor, approver=approver)
    open_issue = services.issue_create(series=seed.series, by=editor)
    section = make_section(
        open_issue, call_deadline=timezone.now() + datetime.timedelta(days=1), position=99
    )
    services.submission_create(
        section=section,
        department=clerk.department,
        author=clerk,
        headline="交通运输厅开展节前安全检查。",
        body="先后检查了天府机场高速成都收费站。",
        submit=True,
    )
    month = scoring.month_open(month=datetime.date(2023, 9, 1))
    scoring.entry_add(
        month=month,
        department=clerk.department,
        date=datetime.date(2023, 9, 5),
        points=Decimal("-0.5"),
        reason="迟到",
        by=scorer,
    )
    assert Issue.objects.exclude(pdf_sha256="").count() == 2


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def issued_pdfs() -> dict[str, str]:
    return dict(Issue.objects.exclude(pdf_sha256="").values_list("pdf", "pdf_sha256"))


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


class Target:
    """A fresh database and media directory, reached by a separate process."""

    def __init__(self, url: str, media: Path, query) -> None:
        self.env = {"DATABASE_URL": url, "MEDIA_ROOT": str(media)}
        self.media = media
        self.query = query  # (sql) -> rows, on the target database

    def row_counts(self) -> dict[str, int]:
        return {
            table: self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in row_counts()
        }

    def issued_pdfs(self) -> dict[str, str]:
        return dict(self.query("SELECT pdf, pdf_sha256 FROM bulletin_issue WHERE pdf_sha256 <> ''"))


@contextlib.contextmanager
def fresh_database(tmp_path: Path):
    media = tmp_path / "restored-media"
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql):
            with contextlib.closing(sqlite3.connect(path)) as db:
                return db.execute(sql).fetchall()

        yield Target(f"sqlite:///{path}", media, query)
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:

        def query(sql):
            with psycopg.connect(dbname=name, **params) as target:
                return target.execute(sql).fetchall()

        user = f"{db['USER']}:{db['PASSWORD'] or ''}@" if db["USER"] else ""
        url = f"postgres://{user}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
        yield Target(url, media, query)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@BACKUP
def test_a_backup_restores_into_a_fresh_database_with_every_issued_pdf_intact(
    tmp_path, editor, approver, clerk, scorer
):
    make_data(editor=editor, approver=approver, clerk=clerk, scorer=scorer)
    archive = tmp_path / "jianbao.tar.gz"
    out = StringIO()
    call_command("backup", output=archive, stdout=out)
    assert "3 issue(s), 2 issued, 2 issued PDF(s)" in out.getvalue()
    expected_rows, expected_pdfs = row_counts(), issued_pdfs()
    assert expected_rows["bulletin_issuetransition"] > 0

    with fresh_database(tmp_path) as target:
        restored = manage("restore", str(archive), env=target.env)
        assert restored.returncode == 0, restored.stderr
        assert "3 issued file(s) (PDF and Word) verified" in restored.stdout
        assert target.row_counts() == expected_rows
        assert target.issued_pdfs() == expected_pdfs
        for name, digest in target.issued_pdfs().items():
            assert sha256((target.media / name).read_bytes()) == digest
        assert not (target.media / "pdf-cache").exists()  # the cache is not backed up

        # The database now holds data: a second restore needs --force, and keeps the
        # media files it replaces.
        again = manage("restore", str(archive), env=target.env)
        assert again.returncode != 0
        assert "not empty" in again.stderr and "--force" in again.stderr
        forced = manage("restore", str(archive), "--force", env=target.env)
        assert forced.returncode == 0, forced.stderr
        assert target.row_counts() == expected_rows
        assert list(target.media.glob(".before-restore-*/issued/*.pdf"))


# --- what the archive holds, and who can read it ------------------------------------------


@BACKUP
def test_the_archive_is_written_private_in_a_private_backups_directory(
    settings, tmp_path, monkeypatch
):
    settings.VAR_DIR = tmp_path / "var"
    backups = settings.VAR_DIR / "backups"
    partial_modes = []
    add = backup._add

    def add_and_look(tar, path, name):
        partial_modes.extend(mode(partial) for partial in backups.glob("*.partial"))
        return add(tar, path, name)

    monkeypatch.setattr(backup, "_add", add_and_look)
    # A umask that lets anyone read new files: the modes must not depend on it.
    umask = os.umask(0)
    try:
        call_command("backup", stdout=StringIO())
    finally:
        os.umask(umask)
    (archive,) = backups.iterdir()
    assert archive.name.endswith(".tar.gz")
    assert mode(backups) == 0o700
    assert mode(archive) == 0o600
    assert partial_modes and set(partial_modes) == {0o600}


@pytest.fixture
def axes_tables(transactional_db):
    """Login attempts in a table django-axes left behind in a database that once had it
    (Jianbao used it before departments/throttle.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "axes_accesslog" ("id" integer PRIMARY KEY, "username" '
            'varchar(255) NULL, "ip_address" varchar(39) NULL)'
        )
        cursor.execute("INSERT INTO axes_accesslog VALUES (1, 'clerk', '10.0.0.9')")
    yield ["axes_accesslog"]
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "axes_accesslog"')


@BACKUP
def test_sessions_login_attempts_and_task_results_are_left_out_but_password_hashes_kept(
    tmp_path, clerk, axes_tables
):
    session = SessionStore()
    session["_auth_user_id"] = str(clerk.pk)
    session.create()
    # Pages' worth of them, so that deleting them frees pages a VACUUM must drop.
    expiry = timezone.now() + datetime.timedelta(days=1)
    Session.objects.bulk_create(
        Session(session_key=uuid.uuid4().hex, session_data="x" * 500, expire_date=expiry)
        for _ in range(100)
    )
    DBTaskResult.objects.create(
        args_kwargs={},
        task_path="bulletin.tasks.render_issue_pdf",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    LoginFailure.objects.create(
        username="clerk", address="10.0.0.9", time=timezone.now(), username_seq=1, address_seq=1
    )
    transient = {
        "django_session",
        DBTaskResult._meta.db_table,
        LoginFailure._meta.db_table,
        *axes_tables,
    }
    expected_rows = row_counts()
    assert all(expected_rows[table] > 0 for table in transient)
    archive = tmp_path / "jianbao.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())

    manifest = manifest_of(archive)
    every_axes_table = {table for table in expected_rows if table.startswith("axes_")}
    assert set(manifest["excluded_data"]) == transient | every_axes_table
    if connection.vendor == "sqlite":
        # Deleted and vacuumed: no free page is left to hold a session (some builds zero
        # deleted rows themselves, SECURE_DELETE, hence both checks).
        dumped = tmp_path / "dumped.sqlite3"
        with tarfile.open(archive, "r:gz") as tar:
            dumped.write_bytes(tar.extractfile(manifest["database_file"]).read())
        assert session.session_key.encode() not in dumped.read_bytes()
        with contextlib.closing(sqlite3.connect(dumped)) as db:
            assert db.execute("PRAGMA freelist_count").fetchone() == (0,)

    with fresh_database(tmp_path) as target:
        restored = manage("restore", str(archive), env=target.env)
        assert restored.returncode == 0, restored.stderr
        # The tables are there, empty; everything else came back whole.
        assert target.row_counts() == {
            table: 0 if table in transient else rows for table, rows in expected_rows.items()
        }
        users = dict(target.query(f"SELECT username, password FROM {User._meta.db_table}"))
        assert users == dict(User.objects.values_list("username", "password"))


@BACKUP
def test_the_manifest_counts_what_the_dump_holds_while_issues_are_being_added(
    tmp_path, monkeypatch
):
    series = make_series()
    make_issue(series)
    added = []

    def add_an_issue_elsewhere():
        # A thread has a database connection of its own, as a web worker would.
        def add():
            number = 2 + len(added)
            added.append(make_issue(series, number=number, total=number))
            connection.close()

        thread = threading.Thread(target=add)
        thread.start()
        thread.join()

    # The step that reads the database: SQLite's copy, or pg_dump.
    step = "_sqlite_copy" if connection.vendor == "sqlite" else "_pg_command"
    dump = getattr(backup, step)

    def dump_while_issues_are_added(*args, **kwargs):
        add_an_issue_elsewhere()
        result = dump(*args, **kwargs)
        add_an_issue_elsewhere()
        return result

    monkeypatch.setattr(backup, step, dump_while_issues_are_added)
    archive = tmp_path / "jianbao.tar.gz"
    call_command("backup", output=archive, stdout=StringIO())
    assert len(added) == 2 and Issue.objects.count() == 3

    with fresh_database(tmp_path) as target:
        restored = manage("restore", str(archive), env=target.env)
        assert restored.returncode == 0, restored.stderr
        (in_dump,), *_ = target.query("SELECT COUNT(*) FROM bulletin_issue")
    assert manifest_of(archive)["counts"]["issues"] == in_dump
    # SQLite copies the issue added before the copy; pg_dump reads a snapshot older
    # than both.
    assert in_dump == (2 if connection.vendor == "sqlite" else 1)


# --- refusals ------------------------------------------------------------------------------


@pytest.fixture
def stand_in(transactional_db) -> Issue:
    """One issued issue with a stored file standing in for its PDF."""
    pdf = b"%PDF-1.7 stand-in"
    issue = make_issue(make_series(), status=Issue.Status.ISSUED, pdf_sha256=sha256(pdf))
    issue.pdf.name = default_storage.save("issued/issue.pdf", ContentFile(pdf))
    issue.save(update_fields=["pdf"])
    return issue


@pytest.fixture
def archive(stand_in, tmp_path) -> Path:
    """A small backup of the stand-in issue."""
    path = tmp_path / "small.tar.gz"
    call_command("backup", output=path, stdout=StringIO())
    return path


def rewrite(archive: Path, change) -> Path:
    """A copy of the archive with `change(name, data)` applied to each member's bytes."""
    copy = archive.with_name("altered.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return copy


def refused(archive: Path, *flags: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("restore", str(archive), *flags, stdout=StringIO(), stderr=StringIO())
    return str(error.value)


def nothing_restored(tmp_path: Path) -> None:
    assert Issue.objects.count() == 1
    assert (tmp_path / "media" / "issued" / "issue.pdf").read_bytes() == b"%PDF-1.7 stand-in"
    assert not list((tmp_path / "media").glob(".jianbao-restore-*"))


def database_and_media() -> tuple:
    """What a refused restore must leave exactly as it was."""
    media = Path(settings.MEDIA_ROOT)
    issues = Issue.objects.order_by("pk").values_list("pk", "status", "pdf", "pdf_sha256")
    files = {path: path.read_bytes() for path in media.rglob("*") if path.is_file()}
    return row_counts(), list(issues), files


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_archive_lists_every_file_with_its_digest(archive):
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        database = tar.extractfile(manifest["database_file"]).read()
        names = tar.getnames()
    assert manifest["format"] == "jianbao-backup"
    assert manifest["database_vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["bulletin"]
    assert manifest["counts"] == {"issues": 1, "issued": 1, "issued_pdfs": 1}
    assert manifest["files"]["media/issued/issue.pdf"]["sha256"] == sha256(b"%PDF-1.7 stand-in")
    assert manifest["files"][manifest["database_file"]]["sha256"] == sha256(database)
    assert "django_session" in manifest["excluded_data"]
    assert "manifest.sig" not in names  # no BACKUP_SIGNING_KEY, no signature


def test_restore_refuses_a_non_empty_database_without_force(archive, tmp_path):
    message = refused(archive)
    assert "not empty" in message and "--force" in message
    nothing_restored(tmp_path)


def test_restore_refuses_an_archive_whose_files_do_not_match_the_manifest(archive, tmp_path):
    def tamper(name, data):
        return data + b"%altered" if name == "media/issued/issue.pdf" else data

    message = refused(rewrite(archive, tamper), "--force")
    assert "does not match its SHA-256" in message
    nothing_restored(tmp_path)


def test_restore_refuses_an_archive_with_files_the_manifest_does_not_list(archive, tmp_path):
    altered = archive.with_name("extra.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        extra = tarfile.TarInfo("media/issued/smuggled.pdf")
        extra.size = 3
        target.addfile(extra, io.BytesIO(b"%PD"))
    assert "does not list" in refused(altered, "--force")
    nothing_restored(tmp_path)


def test_restore_refuses_a_file_that_is_not_a_backup(archive, tmp_path):
    assert "is not a Jianbao backup" in refused(ROOT / "README.md", "--force")
    no_manifest = rewrite(archive, lambda name, data: None if name == "manifest.json" else data)
    assert "is not a Jianbao backup" in refused(no_manifest, "--force")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "damaged" in refused(truncated, "--force")
    nothing_restored(tmp_path)


def test_a_signed_archive_restores_with_its_key_and_without_one_with_a_warning(
    stand_in, tmp_path, settings
):
    settings.BACKUP_SIGNING_KEY = "the key"
    signed = tmp_path / "signed.tar.gz"
    call_command("backup", output=signed, stdout=StringIO())
    with tarfile.open(signed, "r:gz") as tar:
        manifest = tar.extractfile("manifest.json").read()
        signature = tar.extractfile("manifest.sig").read().decode()
    assert signature == hmac.new(b"the key", manifest, hashlib.sha256).hexdigest()

    with fresh_database(tmp_path) as target:
        checked = manage(
            "restore", str(signed), env={**target.env, "BACKUP_SIGNING_KEY": "the key"}
        )
        assert checked.returncode == 0, checked.stderr
        assert "signature checked" in checked.stdout
        unchecked = manage("restore", str(signed), "--force", env=target.env)
        assert unchecked.returncode == 0, unchecked.stderr
        assert "signature was not checked" in unchecked.stdout
        assert target.issued_pdfs() == issued_pdfs()


def test_restore_with_a_key_refuses_an_unsigned_archive(archive, tmp_path, settings):
    before = database_and_media()
    settings.BACKUP_SIGNING_KEY = "the key"
    message = refused(archive, "--force")
    assert "is not signed" in message and "Nothing was restored" in message
    assert database_and_media() == before
    nothing_restored(tmp_path)


def test_restore_with_a_key_refuses_a_wrong_signature(stand_in, tmp_path, settings):
    settings.BACKUP_SIGNING_KEY = "the key"
    signed = tmp_path / "signed.tar.gz"
    call_command("backup", output=signed, stdout=StringIO())
    before = database_and_media()

    settings.BACKUP_SIGNING_KEY = "another key"
    message = refused(signed, "--force")
    assert "signature" in message and "Nothing was restored" in message
    # The right key, but one byte added to the manifest after it was signed.
    settings.BACKUP_SIGNING_KEY = "the key"
    altered = rewrite(signed, lambda name, data: data + b" " if name == "manifest.json" else data)
    message = refused(altered, "--force")
    assert "signature" in message and "Nothing was restored" in message
    assert database_and_media() == before
    nothing_restored(tmp_path)


def test_restore_refuses_an_issued_pdf_that_does_not_match_the_archived_database(archive, tmp_path):
    # Replaced consistently: the manifest's digest is that of the new file, so only the
    # SHA-256 the archived database recorded at issue time can tell.
    other = b"%PDF-1.7 another document"
    member = "media/issued/issue.pdf"

    def tamper(name, data):
        if name == member:
            return other
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"][member] = {"size": len(other), "sha256": sha256(other)}
            return json.dumps(manifest).encode()
        return data

    before = database_and_media()
    message = refused(rewrite(archive, tamper), "--force")
    assert f"Issue #{Issue.objects.get().pk} " in message and "issued/issue.pdf" in message
    assert "does not match the SHA-256" in message and "Nothing was restored" in message
    assert database_and_media() == before
    nothing_restored(tmp_path)


def test_restore_refuses_an_archive_without_an_issued_pdf_its_database_records(archive, tmp_path):
    member = "media/issued/issue.pdf"

    def drop(name, data):
        if name == member:
            return None
        if name == "manifest.json":
            manifest = json.loads(data)
            del manifest["files"][member]
            return json.dumps(manifest).encode()
        return data

    before = database_and_media()
    message = refused(rewrite(archive, drop), "--force")
    assert f"Issue #{Issue.objects.get().pk} " in message and "is not in the archive" in message
    assert "Nothing was restored" in message
    assert database_and_media() == before
    nothing_restored(tmp_path)


def test_the_issues_of_a_pg_dump_are_read_from_its_copy_block():
    # What `pg_restore --data-only --table=… -f -` prints, with the escapes of COPY's text
    # format: \t, \\, \N for NULL.
    script = (
        "SET client_encoding = 'UTF8';\n\n"
        'COPY public.bulletin_issue (id, "number", pdf, pdf_sha256) FROM stdin;\n'
        "1\t38\tissued/a\\tb\\\\c.pdf\tabc\n"
        "2\t39\t\\N\t\n"
        "\\.\n\n"
    )
    assert backup.copy_rows(script) == [
        {"id": "1", "number": "38", "pdf": "issued/a\tb\\c.pdf", "pdf_sha256": "abc"},
        {"id": "2", "number": "39", "pdf": None, "pdf_sha256": ""},
    ]


def test_restore_refuses_an_issued_word_file_that_does_not_match_the_archived_database(
    stand_in, tmp_path
):
    word = b"PK stand-in Word file"
    Issue.objects.filter(pk=stand_in.pk).update(
        docx=default_storage.save("issued/issue.docx", ContentFile(word)), docx_sha256=sha256(word)
    )
    path = tmp_path / "with-word.tar.gz"
    call_command("backup", output=path, stdout=StringIO())
    other = b"PK another Word file"
    member = "media/issued/issue.docx"

    def tamper(name, data):
        if name == member:
            return other
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"][member] = {"size": len(other), "sha256": sha256(other)}
            return json.dumps(manifest).encode()
        return data

    message = refused(rewrite(path, tamper), "--force")
    assert "issued Word file issued/issue.docx" in message
    assert "does not match the SHA-256" in message and "Nothing was restored" in message
    nothing_restored(tmp_path)

    # The same file changed in storage: verify_pdfs names it.
    (tmp_path / "media" / "issued" / "issue.docx").write_bytes(other)
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 2 stored file"):
        call_command("verify_pdfs", stdout=StringIO(), stderr=err)
    assert "Word file does not match its SHA-256" in err.getvalue()
