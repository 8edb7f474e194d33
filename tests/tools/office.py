"""LibreOffice as the office suite that reads the Word export back: .docx to PDF.

`soffice --headless --convert-to pdf` runs with a profile directory of its own (two runs
sharing one wait for each other's lock, or fail) and a deadline. The machine has no
official face (仿宋_GB2312, 黑体 …), so LibreOffice gets a fontconfig configuration
that adds the project's shipped faces and names them as the official ones, as an
office PC with the official fonts would have them: the PDF then shows what the Word
file asks for rather than what a bare CI machine substitutes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SOFFICE_NAMES = ("soffice", "libreoffice")
INSTALL = "apt-get install -y --no-install-recommends libreoffice-writer-nogui"
TIMEOUT_SECONDS = 180


class OfficeMissing(RuntimeError):
    pass


def soffice() -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise OfficeMissing(
        "LibreOffice (soffice) is not installed: script/bootstrap test installs it "
        f"(Debian: {INSTALL})"
    )


def _plain_faces(root: Path) -> Path:
    """The shipped WOFF2 faces as plain font files: LibreOffice embeds a face in its PDF
    from the file's own tables, which a WOFF2 file holds compressed."""
    from fontTools.ttLib import TTFont

    from bulletin.printing import fonts

    digest = hashlib.sha256()
    for role in fonts.ROLES:
        digest.update(fonts.shipped_path(role).read_bytes())
    folder = root / f"faces-{digest.hexdigest()[:12]}"
    if folder.is_dir():
        return folder
    partial = Path(tempfile.mkdtemp(prefix="faces-", dir=root))
    for role in fonts.ROLES:
        font = TTFont(fonts.shipped_path(role))
        font.flavor = None
        suffix = ".otf" if "CFF " in font else ".ttf"
        font.save(partial / f"{role.key}{suffix}")
    try:
        partial.rename(folder)
    except OSError:  # another run got there first
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def fontconfig_file(root: Path) -> Path:
    """A configuration: the machine's own, the shipped faces, and each official name
    (fonts.ROLES) resolved to its shipped face."""
    from bulletin.printing import fonts

    root.mkdir(parents=True, exist_ok=True)
    faces = _plain_faces(root)
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family>'
        f"<prefer><family>{role.family}</family></prefer></alias>"
        for role in fonts.ROLES
        for name in role.official
    )
    conf = root / f"fonts-{faces.name}.conf"
    if not conf.exists():
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            "<fontconfig>"
            '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
            f"<dir>{faces}</dir><cachedir>{root / 'fc-cache'}</cachedir>{aliases}"
            "</fontconfig>\n",
            encoding="utf-8",
        )
    return conf


@dataclass
class Converted:
    pdf: Path
    seconds: float


def docx_to_pdf(docx: Path, outdir: Path, *, cache: Path, timeout: float = TIMEOUT_SECONDS):
    """Convert with LibreOffice; the PDF's path and how long soffice took."""
    program = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(cache)), "HOME": str(profile)}
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(outdir),
        str(docx),
    ]
    start = time.perf_counter()
    # soffice is a script that starts soffice.bin: a session of its own, so a run past
    # its deadline is stopped with everything it started.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(f"soffice did not finish within {timeout:.0f} s") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    seconds = time.perf_counter() - start
    pdf = outdir / f"{docx.stem}.pdf"
    if process.returncode != 0 or not pdf.is_file():
        raise RuntimeError(
            f"soffice could not convert {docx.name} (exit {process.returncode}):\n"
            f"{stdout}\n{stderr}"
        )
    return Converted(pdf, seconds)
