"""The UI speaks Simplified Chinese: the catalogue is complete, current and compiled.

These tests expect the compiled catalogue (django.mo) that `make test` builds first with
compilemessages; .mo files are build output and not in git.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from departments.models import User

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# The same options as the documented command:
# makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
MAKEMESSAGES_IGNORE = [".venv", "var", "tests"]

ROLE_LABELS = {
    User.Role.STAFF: "部门窗口人员",
    User.Role.EDITOR: "编辑",
    User.Role.APPROVER: "签发人",
    User.Role.SCORER: "考核员",
}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(token: str) -> str:
    """The value of one C-style quoted string as gettext writes it."""
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), token[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Every active entry of a .po file, header included; obsolete (#~) entries are left out.

    An entry starts at its first comment or keyword line after the previous entry's
    msgstr; strings continue over following lines that start with a quote.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field continuation lines extend
    in_msgstr = False

    def start(lineno: int) -> Entry:
        entry = Entry(line=lineno)
        entries.append(entry)
        return entry

    def append(entry: Entry, name: str, index: int | None, value: str) -> None:
        if name == "msgstr":
            entry.msgstr[index or 0] = entry.msgstr.get(index or 0, "") + value
        elif name == "msgid":
            entry.msgid += value
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            entry.msgctxt = (entry.msgctxt or "") + value

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target, in_msgstr = None, None, False
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is None or in_msgstr:
                current, target, in_msgstr = start(lineno), None, False
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"stray string at line {lineno}"
            append(current, target[0], target[1], _unquote(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"cannot parse line {lineno}: {raw!r}"
        keyword, index, token = match[1], match[2], match[3]
        name = "msgstr" if keyword.startswith("msgstr") else keyword
        if current is None or (in_msgstr and name != "msgstr"):
            current, in_msgstr = start(lineno), False
        in_msgstr = name == "msgstr"
        target = (name, int(index) if index is not None else None)
        append(current, name, target[1], _unquote(token))
    return entries


def msgid_keys(text: str) -> set[tuple[str | None, str]]:
    return {entry.key for entry in parse_po(text) if entry.msgid}


def test_parser_reads_continuations_plurals_and_flags():
    text = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Two %(n)s "\n"\\"lines\\""\n'
        'msgstr "两行"\n\n'
        'msgctxt "menu"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n"多"\n\n'
        '#~ msgid "old"\n#~ msgstr "旧"\n'
    )
    header, single, plural = parse_po(text)
    assert header.msgid == "" and header.msgstr == {0: "Language: zh_Hans\n"}
    assert single.msgid == 'Two %(n)s "lines"' and single.msgstr == {0: "两行"}
    assert single.flags == {"fuzzy", "python-format"}
    assert (plural.msgctxt, plural.msgid, plural.msgid_plural) == ("menu", "one", "many")
    assert plural.msgstr == {0: "多"}


def test_catalogue_header():
    header = next(entry for entry in parse_po(PO_FILE.read_text("utf-8")) if not entry.msgid)
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields.get("Language") == "zh_Hans"
    assert fields.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert "fuzzy" not in header.flags


def test_every_message_is_translated():
    entries = [entry for entry in parse_po(PO_FILE.read_text("utf-8")) if entry.msgid]
    assert entries, f"no messages found in {PO_FILE}"
    untranslated = [
        entry.label
        for entry in entries
        # zh has nplurals=1, so a plural entry needs exactly msgstr[0].
        if not entry.msgstr or not all(value.strip() for value in entry.msgstr.values())
    ]
    fuzzy = [entry.label for entry in entries if "fuzzy" in entry.flags]
    assert not (untranslated or fuzzy), (
        "untranslated messages:\n"
        + "\n".join(untranslated or ["(none)"])
        + "\nfuzzy messages (check the translation, then drop the flag):\n"
        + "\n".join(fuzzy or ["(none)"])
    )


def test_translations_keep_placeholders():
    placeholder = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{\w*\}")
    broken = []
    for entry in parse_po(PO_FILE.read_text("utf-8")):
        if not entry.msgid:
            continue
        expected = sorted(placeholder.findall(entry.msgid))
        for value in entry.msgstr.values():
            if value and sorted(placeholder.findall(value)) != expected:
                broken.append(f"{entry.label} -> {value!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_catalogue_matches_the_source(monkeypatch):
    """Running makemessages now would neither add nor drop a message.

    makemessages has no dry run and rewrites the catalogue in place, so the original bytes
    are put back afterwards whatever happens.
    """
    original = PO_FILE.read_bytes()
    monkeypatch.chdir(settings.BASE_DIR)
    try:
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            ignore_patterns=MAKEMESSAGES_IGNORE,
            verbosity=0,
        )
        regenerated = PO_FILE.read_text("utf-8")
    finally:
        PO_FILE.write_bytes(original)

    before = msgid_keys(original.decode("utf-8"))
    after = msgid_keys(regenerated)
    missing = sorted(repr(msgid) for _, msgid in after - before)
    stale = sorted(repr(msgid) for _, msgid in before - after)
    assert not missing and not stale, (
        "the catalogue is out of date: run `DEBUG=1 .venv/bin/python manage.py makemessages"
        " -l zh_Hans --ignore=.venv --ignore=var --ignore=tests` and translate the new entries\n"
        f"missing from the catalogue: {missing}\nno longer in the source: {stale}"
    )


def test_login_page_is_in_chinese_by_default(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page
    # Django's own admin catalogue also translates "Log in"; this one only ours does.
    assert "登录工作简报系统" in page, "the project catalogue is not used: is django.mo compiled?"
    assert "Log in" not in page
    assert 'lang="zh-CN"' in page


@pytest.mark.parametrize(("role", "label"), ROLE_LABELS.items())
def test_role_labels_are_in_chinese(role, label):
    with translation.override("zh-hans"):
        assert User(role=role).get_role_display() == label
