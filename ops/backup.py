"""Backups: the database and the media files in one .tar.gz archive.

The archive holds
  database.sqlite3 or database.pgdump   the database (sqlite3 backup API / pg_dump -Fc)
  media/…                               MEDIA_ROOT, without the PDF render cache
  manifest.json                         format, time, versions, migrations, counts, the
                                        tables whose rows were left out and the size and
                                        SHA-256 of every other file
  manifest.sig                          with BACKUP_SIGNING_KEY: HMAC-SHA256 of the exact
                                        manifest bytes (hex), so it vouches for every file

The archive holds every password hash: it is created 0600 in a 0700 directory. A restore
unpacks and checks the whole archive (signature, digests, and every issued PDF against the
archived database) before it touches the database, so a damaged or altered archive
changes nothing. Encryption, if it comes, can wrap the finished archive (and be undone
before reading it) without changing what is inside.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import os
import re
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
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from bulletin.models import Issue

FORMAT = "jianbao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Rendered again on demand; an issued PDF lives under issued/ and is kept.
SKIPPED_MEDIA = {"pdf-cache"}
OUR_APPS = ("departments", "bulletin", "scoring")
# Rows a restore must not bring back: login sessions (they would log people back in),
# failed logins (and django-axes' tables where an older Jianbao left them), the
# background tasks' results (the db_table of django_tasks_db's DBTaskResult). The tables themselves stay, empty, so a restored
# database still matches its migrations.
TRANSIENT_TABLES = {
    "django_session",
    "django_tasks_database_dbtaskresult",
    # failed logins: addresses and user names, kept a day for the throttle only
    "departments_loginfailure",
}
TRANSIENT_PREFIXES = ("axes_",)

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"jianbao-{stamp}.tar.gz"


# --- backup -----------------------------------------------------------------------------


def signing_key() -> bytes | None:
    key = settings.BACKUP_SIGNING_KEY
    return key.encode() if key else None


def sign(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def transient_tables() -> list[str]:
    """The tables whose rows the dump leaves out (see TRANSIENT_TABLES)."""
    return sorted(
        table
        for table in connection.introspection.table_names()
        if table in TRANSIENT_TABLES or table.startswith(TRANSIENT_PREFIXES)
    )


def backup_create(*, output: Path, log: Log = print) -> dict:
    """Write the archive to `output` and return its manifest."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    database_file = DATABASE_FILES[vendor]
    # Only the last directory is ours to make private; the parents may be shared ones.
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    excluded = transient_tables()
    key = signing_key()
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="jianbao-backup-") as tmp:
        dump = Path(tmp) / database_file
        log(f"Dumping the {vendor} database …")
        if vendor == "sqlite":
            migrations, counted = _sqlite_dump(dump, excluded=excluded)
        else:
            migrations, counted = _pg_dump(dump, excluded=excluded)
        log(f"  {dump.stat().st_size} bytes, without the rows of {', '.join(excluded) or '-'}")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "django": django.get_version(),
            "database_vendor": vendor,
            "database_file": database_file,
            "migrations": migrations,
            "counts": counted,
            "excluded_data": excluded,
            "files": {},
        }
        # A leftover from an interrupted run may have another mode (os.open keeps an
        # existing file's); O_EXCL then also refuses a link planted under that name.
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                manifest["files"][database_file] = _add(tar, dump, database_file)
                log("Adding the media files …")
                media = 0
                for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                    manifest["files"][name] = _add(tar, path, name)
                    media += 1
                log(f"  {media} file(s)")
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                _add_bytes(tar, MANIFEST, data)
                if key:
                    _add_bytes(tar, SIGNATURE, sign(key, data).encode())
                    log("Signed with BACKUP_SIGNING_KEY.")
                else:
                    log("Not signed (BACKUP_SIGNING_KEY is not set).")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    # The archive appears under its name only once it is complete.
    partial.replace(output)
    return manifest


def counts() -> dict[str, int]:
    return {
        "issues": Issue.objects.count(),
        "issued": Issue.objects.issued().count(),
        "issued_pdfs": Issue.objects.exclude(pdf_sha256="").count(),
    }


def _dump_facts(cursor) -> tuple[dict[str, list[str]], dict[str, int]]:
    """The applied migrations and the counts, read through `cursor`: on the dumped SQLite
    file, or in the PostgreSQL transaction whose snapshot pg_dump wrote, so that they
    describe the dump and not the database a moment before or after it."""
    migrations: dict[str, list[str]] = {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    cursor.execute(
        "SELECT COUNT(*), COUNT(CASE WHEN status = %s THEN 1 END), "
        f"COUNT(CASE WHEN pdf_sha256 <> '' THEN 1 END) FROM {Issue._meta.db_table}",
        [Issue.Status.ISSUED.value],
    )
    issues, issued, issued_pdfs = cursor.fetchone()
    return migrations, {"issues": issues, "issued": issued, "issued_pdfs": issued_pdfs}


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


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
    tar.addfile(info, io.BytesIO(data))


def _sqlite_copy(path: Path) -> None:
    # The backup API copies a consistent snapshot while the site keeps running.
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _sqlite_dump(path: Path, *, excluded: list[str]) -> tuple[dict, dict]:
    _sqlite_copy(path)
    # Through Django's backend, not a bare sqlite3 connection: VACUUM evaluates CHECK
    # constraints that call the functions it registers (django_date_extract …).
    copy = type(connections[DEFAULT_DB_ALIAS])({**connection.settings_dict, "NAME": str(path)})
    try:
        with copy.cursor() as cursor:
            # The excluded tables reference only one another (axes' expirations point at
            # its attempts): once all are empty nothing dangles, whatever the order.
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in excluded:
                cursor.execute(f'DELETE FROM "{table}"')
            # Deleted rows stay readable in free pages until the file is rebuilt.
            cursor.execute("VACUUM")
            return _dump_facts(cursor)
    finally:
        copy.close()


def _pg_command(program: str, *args: str, connect: bool = True) -> str:
    """Run a PostgreSQL client program (on Django's database if `connect`); its stdout."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    command = [program, *args]
    if connect:
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command += [flag, str(db[key])]
        command += ["--dbname", db["NAME"]]
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, encoding="utf-8", check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode:
        raise BackupError(f"{program} failed:\n{result.stderr.strip()}")
    return result.stdout


def _pg_dump(path: Path, *, excluded: list[str]) -> tuple[dict, dict]:
    import psycopg

    # pg_dump reads the snapshot this transaction exported, which must stay open until it
    # is done; the counts are then read in the same transaction, so they see exactly the
    # rows pg_dump wrote even while the site keeps writing.
    with psycopg.connect(**connection.get_connection_params()) as snapshot:
        snapshot.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot.read_only = True
        (snapshot_id,) = snapshot.execute("SELECT pg_export_snapshot()").fetchone()
        _pg_command(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot_id}",
            *(f"--exclude-table-data={table}" for table in excluded),
            "--file",
            str(path),
        )
        return _dump_facts(snapshot.cursor())


# --- restore ----------------------------------------------------------------------------


def read_archive(*, archive: Path, into: Path, log: Log = print) -> dict:
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
            if MANIFEST not in names or not names[MANIFEST].isfile():
                raise BackupError(f"{not_a_backup} (it has no {MANIFEST}).")
            data = tar.extractfile(names[MANIFEST]).read()
            signature = None
            if SIGNATURE in names and names[SIGNATURE].isfile():
                signature = tar.extractfile(names[SIGNATURE]).read()
            _check_signature(archive, data, signature, log)
            try:
                manifest = json.loads(data)
            except ValueError:
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
                if not member.isfile()
                or (member.name not in files and member.name not in (MANIFEST, SIGNATURE))
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


def _check_signature(archive: Path, manifest: bytes, signature: bytes | None, log: Log) -> None:
    key = signing_key()
    if key is None:
        if signature is not None:
            log(
                "  warning: the archive is signed, but BACKUP_SIGNING_KEY is not set here: "
                "its signature was not checked"
            )
        return
    if signature is None:
        raise BackupError(
            f"{archive} is not signed, and BACKUP_SIGNING_KEY is set: an unsigned archive "
            "is refused. Nothing was restored."
        )
    if not hmac.compare_digest(signature.strip(), sign(key, manifest).encode()):
        raise BackupError(
            f"The signature of {archive} does not match BACKUP_SIGNING_KEY: the archive was "
            "altered or signed with another key. Nothing was restored."
        )
    log("  signature checked")


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


def _check_issued_pdfs(dump: Path, media: Path) -> int:
    """Check every issued file (the PDF, and the Word file where one is stored) the
    archived database records against the staged media files (the manifest's digests
    only say the files are those the backup wrote); return how many issues have them."""
    issues = _sqlite_issued_pdfs(dump) if connection.vendor == "sqlite" else _pg_issued_pdfs(dump)
    for issue in issues:
        label = f"Issue #{issue['id']} ({issue['year']} no. {issue['number']})"
        for field, what in ISSUED_FILES:
            digest = issue[f"{field}_sha256"]
            if digest:
                _check_issued_file(media, label, what, issue[field], digest)
    return len(issues)


# The files stored at issue time, each with the SHA-256 recorded beside it.
ISSUED_FILES = (("pdf", "issued PDF"), ("docx", "issued Word file"))


def _check_issued_file(media: Path, label: str, what: str, name: str, digest: str) -> None:
    path = media / (name or "")
    # A name reaching out of the staged media would check a file of this machine.
    if not name or not path.resolve().is_relative_to(media.resolve()):
        raise BackupError(
            f"{label} records the {what} {name!r}, which cannot be in the archive: it was "
            "altered. Nothing was restored."
        )
    if not path.is_file():
        raise BackupError(
            f"{label}: its {what} {name} is not in the archive. Nothing was restored."
        )
    if _sha256(path) != digest:
        raise BackupError(
            f"{label}: its {what} {name} does not match the SHA-256 the archived database "
            "records for it: the archive was altered. Nothing was restored."
        )


# A backup made before the Word file was stored (bulletin 0021) has no docx columns:
# its issues read as having none.
ISSUED_PDF_COLUMNS = ("id", "year", "number", "pdf", "pdf_sha256", "docx", "docx_sha256")


def _sqlite_issued_pdfs(dump: Path) -> list[dict]:
    table = Issue._meta.db_table
    db = sqlite3.connect(dump)
    try:
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        columns = [column for column in ISSUED_PDF_COLUMNS if column in present]
        rows = db.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE pdf_sha256 <> '' ORDER BY id"
        ).fetchall()
    finally:
        db.close()
    return [
        {column: "" for column in ISSUED_PDF_COLUMNS} | dict(zip(columns, row, strict=True))
        for row in rows
    ]


def _pg_issued_pdfs(dump: Path) -> list[dict]:
    # pg_restore without a database prints the table's data as a COPY block; no server is
    # needed, and nothing is restored yet.
    script = _pg_command(
        "pg_restore",
        "--data-only",
        f"--table={Issue._meta.db_table}",
        "--file=-",
        str(dump),
        connect=False,
    )
    return [
        {column: row.get(column, "") for column in ISSUED_PDF_COLUMNS}
        for row in copy_rows(script)
        if row["pdf_sha256"]
    ]


_COPY = re.compile(r"COPY \S+ \((?P<columns>.*)\) FROM stdin;")
_COPY_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)")
_COPY_CHARACTERS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_unescape(field: str) -> str:
    def character(match: re.Match) -> str:
        code = match.group(1)
        if code[0] == "x" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return _COPY_CHARACTERS.get(code, code)

    return _COPY_ESCAPE.sub(character, field)


def copy_rows(script: str) -> list[dict]:
    """The rows of the first COPY … FROM stdin block of a SQL script (PostgreSQL's text
    format: tab-separated, \\N for NULL, backslash escapes), as dicts by column name."""
    lines = iter(script.split("\n"))
    for line in lines:
        if match := _COPY.fullmatch(line):
            columns = [name.strip().strip('"') for name in match["columns"].split(",")]
            break
    else:
        return []
    rows = []
    for line in lines:
        if line == "\\.":
            break
        fields = [None if field == "\\N" else _copy_unescape(field) for field in line.split("\t")]
        rows.append(dict(zip(columns, fields, strict=True)))
    return rows


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
        manifest = read_archive(archive=archive, into=staging, log=log)
        _check_compatible(manifest)
        dump = staging / manifest["database_file"]
        checked = _check_issued_pdfs(dump, staging / "media")
        log(
            f"  backup of {manifest.get('created')}, {len(manifest['files'])} file(s), "
            f"{checked} issued issue(s) whose stored PDF and Word files match the archived "
            "database: checked"
        )
        if not force and not database_is_empty():
            raise BackupError(
                "The database is not empty. Restoring replaces everything in it: "
                "use --force if that is what you want. Nothing was restored."
            )
        log(f"Restoring the {connection.vendor} database …")
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
