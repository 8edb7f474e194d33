"""Backups: the database and the media files in one .tar.gz archive.

The archive holds
  database.sqlite3 or database.pgdump   the database (sqlite3 backup API / pg_dump -Fc)
  media/…                               MEDIA_ROOT, without the PDF render cache
  manifest.json                         format, time, versions, migrations, counts and the
                                        size and SHA-256 of every other file

A restore unpacks and checks the whole archive before it touches the database, so a
damaged or altered archive changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from bulletin.models import Issue

FORMAT = "jianbao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Rendered again on demand; an issued PDF lives under issued/ and is kept.
SKIPPED_MEDIA = {"pdf-cache"}
OUR_APPS = ("departments", "bulletin", "scoring")

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"jianbao-{stamp}.tar.gz"


# --- backup -----------------------------------------------------------------------------


def backup_create(*, output: Path, log: Log = print) -> dict:
    """Write the archive to `output` and return its manifest."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    database_file = DATABASE_FILES[vendor]
    output.parent.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "django": django.get_version(),
        "database_vendor": vendor,
        "database_file": database_file,
        "migrations": applied_migrations(),
        "counts": counts(),
        "files": {},
    }
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="jianbao-backup-") as tmp:
        dump = Path(tmp) / database_file
        log(f"Dumping the {vendor} database …")
        if vendor == "sqlite":
            _sqlite_dump(dump)
        else:
            _pg_dump(dump)
        log(f"  {dump.stat().st_size} bytes")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                manifest["files"][database_file] = _add(tar, dump, database_file)
                log("Adding the media files …")
                media = 0
                for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                    manifest["files"][name] = _add(tar, path, name)
                    media += 1
                log(f"  {media} file(s)")
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    # The archive appears under its name only once it is complete.
    partial.replace(output)
    return manifest


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def counts() -> dict[str, int]:
    return {
        "issues": Issue.objects.count(),
        "issued": Issue.objects.issued().count(),
        "issued_pdfs": Issue.objects.exclude(pdf_sha256="").count(),
    }


def _media_files(root: Path):
    """(path, archive name) of every media file, skipping the cache and hidden files."""
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not (here == root and d in SKIPPED_MEDIA)
        )
        for filename in sorted(filenames):
            if not filename.startswith("."):
                path = here / filename
                yield path, "media/" + path.relative_to(root).as_posix()


class _HashingReader:
    def __init__(self, stream) -> None:
        self.stream, self.sha256 = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    info = tar.gettarinfo(str(path), arcname=name)
    with path.open("rb") as stream:
        reader = _HashingReader(stream)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _sqlite_dump(path: Path) -> None:
    # The backup API copies a consistent snapshot while the site keeps running.
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _pg_command(program: str, *args: str) -> None:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    command = [program, *args]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    command += ["--dbname", db["NAME"]]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode:
        raise BackupError(f"{program} failed:\n{result.stderr.strip()}")


def _pg_dump(path: Path) -> None:
    _pg_command("pg_dump", "--format=custom", "--file", str(path))


# --- restore ----------------------------------------------------------------------------


def read_archive(*, archive: Path, into: Path) -> dict:
    """Unpack `archive` into `into` and return its manifest once every file checks out."""
    not_a_backup = f"{archive} is not a Jianbao backup"
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    with archive.open("rb") as stream:
        if stream.read(2) != b"\x1f\x8b":
            raise BackupError(f"{not_a_backup} (not a .tar.gz archive).")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            names = {member.name: member for member in members}
            if MANIFEST not in names:
                raise BackupError(f"{not_a_backup} (it has no {MANIFEST}).")
            try:
                manifest = json.load(tar.extractfile(names[MANIFEST]))
            except (ValueError, TypeError):
                raise BackupError(f"{not_a_backup} (its {MANIFEST} is unreadable).") from None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{not_a_backup} (its {MANIFEST} is not ours).")
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"{archive} is a backup of format version {manifest.get('format_version')}; "
                    f"this version of Jianbao reads version {FORMAT_VERSION}."
                )
            files = manifest.get("files") or {}
            unexpected = [
                member.name
                for member in members
                if member.name != MANIFEST and (member.name not in files or not member.isfile())
            ]
            if unexpected:
                raise BackupError(
                    f"{archive} holds files its manifest does not list ({unexpected[0]} …): "
                    "it was altered. Nothing was restored."
                )
            tar.extractall(into, members=[names[n] for n in files if n in names], filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive} is damaged ({exc}). Nothing was restored.") from None
    for name, expected in files.items():
        path = into / name
        if not path.is_file():
            raise BackupError(f"{archive} lacks {name}: it is incomplete. Nothing was restored.")
        if _sha256(path) != expected.get("sha256"):
            raise BackupError(
                f"{name} in {archive} does not match its SHA-256 in the manifest: the archive "
                "is damaged or was altered. Nothing was restored."
            )
    if manifest.get("database_file") not in files:
        raise BackupError(f"{archive} holds no database dump. Nothing was restored.")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_is_empty() -> bool:
    """No row in any of Jianbao's tables (a freshly migrated or a blank database)."""
    tables = set(connection.introspection.table_names())
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.db_table in tables and model._base_manager.exists():
                return False
    return True


def _check_compatible(manifest: dict) -> None:
    """Refuse a backup this installation cannot use."""
    vendor = manifest.get("database_vendor")
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database; this installation uses {connection.vendor}. "
            "Restore it into a database of the same kind."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {
        (app, name)
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if app in {config.label for config in apps.get_app_configs()}
    }
    newer = sorted(in_backup - known)
    if newer:
        raise BackupError(
            "The backup comes from a newer version of Jianbao (migrations unknown here: "
            + ", ".join(f"{app}.{name}" for app, name in newer[:5])
            + "). Restore it with that version."
        )


def backup_restore(*, archive: Path, force: bool = False, log: Log = print) -> dict:
    """Replace the database and the media files with the archive's; return its manifest.

    The media files in place are moved aside (MEDIA_ROOT/.before-restore-<time>/), not
    deleted.
    """
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    # Unpacked inside MEDIA_ROOT (hidden, so never backed up): the files move into place
    # by renames on one filesystem, even when MEDIA_ROOT is a mount point.
    with tempfile.TemporaryDirectory(prefix=".jianbao-restore-", dir=media_root) as tmp:
        staging = Path(tmp)
        log(f"Reading {archive} …")
        manifest = read_archive(archive=archive, into=staging)
        _check_compatible(manifest)
        log(f"  backup of {manifest.get('created')}, {len(manifest['files'])} file(s), checked")
        if not force and not database_is_empty():
            raise BackupError(
                "The database is not empty. Restoring replaces everything in it: "
                "use --force if that is what you want. Nothing was restored."
            )
        log(f"Restoring the {connection.vendor} database …")
        dump = staging / manifest["database_file"]
        if connection.vendor == "sqlite":
            _sqlite_restore(dump)
        else:
            _pg_restore(dump)
        log("Restoring the media files …")
        _replace_media(staging / "media", media_root, log)
    # A backup of an older version: bring its schema up to this code's.
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        log(f"Applying the {len(plan)} migration(s) the backup predates …")
        call_command("migrate", interactive=False, verbosity=0)
    return manifest


def _sqlite_restore(dump: Path) -> None:
    # The backup API writes the whole file's content, page by page, under SQLite's own
    # locks: readers see the old or the new database, never a half-copied file.
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_restore(dump: Path) -> None:
    # Django's idle connection would only be in the way of the DROPs.
    connection.close()
    _pg_command(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(dump),
    )


def _replace_media(staged: Path, media_root: Path, log: Log) -> None:
    current = [entry for entry in media_root.iterdir() if not entry.name.startswith(".")]
    if current:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = media_root / f".before-restore-{stamp}"
        aside.mkdir()
        for entry in current:
            entry.rename(aside / entry.name)
        log(f"  the previous media files are kept in {aside}")
    if staged.is_dir():
        for entry in staged.iterdir():
            entry.rename(media_root / entry.name)
