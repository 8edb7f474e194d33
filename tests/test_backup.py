"""Backup and restore: one archive, restored into a fresh database of the suite's backend.

Backups read committed data, so these tests run outside pytest-django's wrapping
transaction (transaction=True). The restore goes into a separate database (a new SQLite
file, or a PostgreSQL database created for the test) through `manage.py restore` in a
process of its own, as an operator would run it.
"""

import contextlib
import datetime
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bulletin import services
from bulletin.importer import import_file
from bulletin.models import Issue, Section
from scoring import services as scoring
from tests.factories import make_issue, make_section, make_series

ROOT = Path(__file__).resolve().parent.parent
BACKUP = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
        assert "2 issued PDF(s) verified" in restored.stdout
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


# --- refusals ------------------------------------------------------------------------------


@pytest.fixture
def archive(transactional_db, tmp_path) -> Path:
    """A small backup: one issued issue with a stored file standing in for its PDF."""
    pdf = b"%PDF-1.7 stand-in"
    issue = make_issue(make_series(), status=Issue.Status.ISSUED, pdf_sha256=sha256(pdf))
    issue.pdf.name = default_storage.save("issued/issue.pdf", ContentFile(pdf))
    issue.save(update_fields=["pdf"])
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


def test_the_archive_lists_every_file_with_its_digest(archive):
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        database = tar.extractfile(manifest["database_file"]).read()
    assert manifest["format"] == "jianbao-backup"
    assert manifest["database_vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["bulletin"]
    assert manifest["counts"] == {"issues": 1, "issued": 1, "issued_pdfs": 1}
    assert manifest["files"]["media/issued/issue.pdf"]["sha256"] == sha256(b"%PDF-1.7 stand-in")
    assert manifest["files"][manifest["database_file"]]["sha256"] == sha256(database)


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
