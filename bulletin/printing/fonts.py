"""Fonts for the printed bulletin: which faces are installed, subset copies, checks.

Each typeface role of the official layout (仿宋 body, 楷体 and 黑体 headings, 小标宋
titles, 宋体 page numbers) has a stack with the official face first and open fallbacks
after it; every face in a stack has CJK glyphs. `build_fonts` writes a GB2312 subset of
the best installed face of each role under var/fonts; the PDF loads those with
@font-face ahead of the stack, so a rare character (outside GB2312) still finds its glyph
in the full system face behind it.
"""

from __future__ import annotations

import copy
import json
import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Role:
    key: str
    subset_family: str  # the @font-face family of the subset copy
    official: tuple[str, ...]  # the faces GB/T 9704 offices use, when installed
    fallbacks: tuple[str, ...]  # open faces, all with CJK glyphs

    @property
    def stack(self) -> tuple[str, ...]:
        return (*self.official, *self.fallbacks)


ROLES = [
    Role(
        "fangsong",
        "Jianbao FangSong",
        ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"),
        ("FandolFang", "Noto Serif CJK SC"),
    ),
    Role(
        "kaiti",
        "Jianbao KaiTi",
        ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti"),
        ("FandolKai", "AR PL UKai CN", "LXGW WenKai", "Noto Serif CJK SC"),
    ),
    Role(
        "heiti",
        "Jianbao HeiTi",
        ("黑体", "SimHei", "STHeiti"),
        ("FandolHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    ),
    Role(
        "xiaobiaosong",
        "Jianbao XiaoBiaoSong",
        ("方正小标宋简体", "FZXiaoBiaoSong-B05S"),
        # The heavy weights stand in for 小标宋; never a synthetic bold.
        ("Noto Serif CJK SC Black", "Noto Serif CJK SC Bold", "Noto Serif CJK SC"),
    ),
    Role(
        "songti",
        "Jianbao SongTi",
        ("宋体", "SimSun", "STSong"),
        ("FandolSong", "Noto Serif CJK SC"),
    ),
]
ROLES_BY_KEY = {role.key: role for role in ROLES}
REGULAR_WEIGHT = 80  # fontconfig's number for a regular face
# Recorded in the manifest: subsets built before their glyphs were renumbered (see
# _number_common_glyphs_first) still work, but `build_fonts --if-missing` rebuilds them.
GLYPH_ORDER = "gb2312"


@dataclass(frozen=True)
class Face:
    family: str
    file: str
    index: int
    weight: int


def _fc_list(pattern: str) -> list[Face]:
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", "-f", "%{file}\t%{index}\t%{weight}\t%{family}\n", pattern],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            weight = int(parts[2]) if parts[2].isdigit() else REGULAR_WEIGHT
            faces.append(Face(parts[3], parts[0], int(parts[1]), weight))
    return faces


@cache
def installed_face(family: str) -> Face | None:
    """The installed face fontconfig knows by this family name (regular weight first)."""
    faces = _fc_list(family)
    if not faces:
        return None
    return min(faces, key=lambda f: (abs(f.weight - REGULAR_WEIGHT), f.file, f.index))


def best_face(role: Role) -> tuple[str, Face] | None:
    for family in role.stack:
        face = installed_face(family)
        if face:
            return family, face
    return None


def cjk_faces_installed() -> bool:
    return bool(_fc_list(":lang=zh"))


def missing_official_faces() -> list[str]:
    return [
        f"{role.key}: {role.official[0]}"
        for role in ROLES
        if not any(installed_face(name) for name in role.official)
    ]


# --- subset copies ---------------------------------------------------------------------


def subset_dir() -> Path:
    return Path(settings.FONT_SUBSET_DIR)


def manifest_path() -> Path:
    return subset_dir() / "manifest.json"


# Marks of Chinese text outside GB2312's own code points (its dash is U+2015).
EXTRA_MARKS = "—…·〔〕【】《》〈〉「」『』“”‘’"


def gb2312_characters() -> set[str]:
    """GB2312's 7,445 characters plus ASCII, general and CJK punctuation, full-width forms."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for start, end in ((0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)):
        chars.update(chr(c) for c in range(start, end + 1))
    chars.update(EXTRA_MARKS)
    return chars


def _characters_by_frequency() -> list[str]:
    """ASCII, the common marks, then GB2312 in code order: its symbols, its 3,755
    common hanzi (level 1), then the 3,008 rarer ones (level 2)."""
    chars = [chr(c) for c in range(0x20, 0x7F)] + list(EXTRA_MARKS)
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def _number_common_glyphs_first(font) -> None:
    """Give the glyphs of common characters the lowest glyph ids.

    WeasyPrint subsets an embedded font keeping every glyph id up to the highest one a
    document uses (the ids are written in the page content as they are). With the source
    face's order a page of common hanzi reaches ids near the end of the 13,000-glyph
    subset, so every PDF carried and compressed thousands of empty glyph slots per face;
    with common characters first most documents stop around id 4,500.
    """
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    cmap = font.getBestCmap()
    old_order = font.getGlyphOrder()
    first = [old_order[0]]  # .notdef stays glyph 0
    taken = set(first)
    for ch in _characters_by_frequency():
        name = cmap.get(ord(ch))
        if name and name not in taken:
            first.append(name)
            taken.add(name)
    new_order = first + [name for name in old_order if name not in taken]

    top = font["CFF "].cff.topDictIndex[0] if "CFF " in font else None
    fd_of = None
    if top is not None and hasattr(top, "FDSelect"):  # CID-keyed: a private dict per glyph
        fd_of = {name: top.FDSelect[gid] for gid, name in enumerate(old_order)}
    reorderGlyphs(font, new_order)
    if fd_of is not None:
        # reorderGlyphs moves the charstrings but not FDSelect; without this a glyph is
        # drawn with another glyph's subroutines. The charstrings still look theirs up
        # through the old FDSelect object, so the new one is a copy.
        fd_select = copy.copy(top.FDSelect)
        fd_select.gidArray = [fd_of[name] for name in new_order]
        top.FDSelect = fd_select


def build_subsets(*, log=print) -> dict:
    """Write a GB2312 subset of each role's best installed face; return the manifest."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports every table it touches at INFO level.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    subset_dir().mkdir(parents=True, exist_ok=True)
    unicodes = sorted(ord(c) for c in gb2312_characters())
    manifest: dict[str, dict] = {}
    built: dict[tuple[str, int], str] = {}
    reference: tuple[float, float] | None = None
    for role in ROLES:
        found = best_face(role)
        if not found:
            log(f"{role.key}: no installed face; the PDF uses the system stack")
            continue
        family, face = found
        key = (face.file, face.index)
        if key not in built:
            font = TTFont(face.file, fontNumber=face.index, lazy=False)
            options = subset.Options()
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=unicodes)
            subsetter.subset(font)
            _number_common_glyphs_first(font)
            if reference is None:
                reference = _vertical_metrics(font)
            _set_vertical_metrics(font, *reference)
            suffix = ".otf" if "CFF " in font else ".ttf"
            out = subset_dir() / f"{role.key}{suffix}"
            font.save(str(out))
            built[key] = out.name
            log(f"{role.key}: {family} ({Path(face.file).name}#{face.index}) -> {out.name}")
        manifest[role.key] = {
            "file": built[key],
            "family": family,
            "source": face.file,
            "index": face.index,
            "glyph_order": GLYPH_ORDER,
        }
    manifest_path().write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    font_face_css.cache_clear()
    return manifest


def _vertical_metrics(font) -> tuple[float, float]:
    """(ascent, descent) of a font in ems, as its hhea table states them."""
    upm = font["head"].unitsPerEm
    return font["hhea"].ascent / upm, -font["hhea"].descent / upm


def _set_vertical_metrics(font, ascent: float, descent: float) -> None:
    """Give every face the body face's ascent and descent.

    A run-in heading in 楷体 shares its line with 仿宋 text; with the same metrics the
    two sit on the same line box, and a PDF reader sees one line, not two.
    """
    upm = font["head"].unitsPerEm
    up, down = round(ascent * upm), round(descent * upm)
    font["hhea"].ascent, font["hhea"].descent = up, -down
    os2 = font["OS/2"]
    os2.usWinAscent, os2.usWinDescent = up, down
    os2.sTypoAscender, os2.sTypoDescender = up, -down
    os2.sTypoLineGap = 0
    font["hhea"].lineGap = 0


def read_manifest() -> dict:
    try:
        return json.loads(manifest_path().read_text())
    except (FileNotFoundError, ValueError):
        return {}


def subsets_current() -> bool:
    """Subsets exist and were built with the current glyph order."""
    manifest = read_manifest()
    return bool(manifest) and all(
        entry.get("glyph_order") == GLYPH_ORDER for entry in manifest.values()
    )


@cache
def font_face_css() -> str:
    """@font-face rules for the subset copies that exist (empty when none were built)."""
    rules = []
    for key, entry in read_manifest().items():
        role = ROLES_BY_KEY.get(key)
        path = subset_dir() / entry.get("file", "")
        if role and path.is_file():
            rules.append(
                f'@font-face {{ font-family: "{role.subset_family}"; '
                f'src: url("{path.resolve().as_uri()}"); }}'
            )
    return "\n".join(rules)
