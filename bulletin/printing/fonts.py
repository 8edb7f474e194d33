"""Fonts for the printed bulletin, shipped with the project.

Every typeface role of the official layout (仿宋 body, 楷体 and 黑体 headings, 小标宋
titles, 宋体 page numbers) has a face in static/fonts/: a GB2312-plus-punctuation subset
of an open face (SOURCES below), committed with its licence and rebuilt by
`manage.py build_fonts`. static/fonts/fonts.css declares each shipped family with the
official faces as local() sources first: a machine that has 仿宋_GB2312 prints with it,
every other machine with the shipped face, so a bulletin lays out the same on CI, a
developer's laptop and the server, and a machine with no font at all still prints the
official layout. The HTML preview loads the same file. Characters outside the subsets
fall through the CSS stack to whatever system face has them; `unprintable()` names the
ones no face has, so the editor hears of them before sign-off.
"""

from __future__ import annotations

import copy
import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Role:
    key: str
    family: str  # the shipped family, as print.css and fonts.css name it
    official: tuple[str, ...]  # the faces GB/T 9704 offices use: local() sources first
    fallbacks: tuple[str, ...]  # system faces for characters outside the subset
    generic: str
    # The open face the shipped subset is cut from, and where it comes from.
    source: str
    index: int
    origin: str
    licence: str
    charset: str = "gb2312"  # or "marks": digits and punctuation only
    grid: bool = False  # quotes and digits respaced to the character grid

    @property
    def file(self) -> str:
        return f"jianbao-{self.key}.woff2"

    @property
    def stack(self) -> tuple[str, ...]:
        """The CSS font-family stack of the role."""
        return (self.family, *self.fallbacks, self.generic)


NOTO = "/usr/share/fonts/opentype/noto"
ROLES = [
    Role(
        "fangsong",
        "Jianbao FangSong",
        ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"),
        ("FandolFang", "Noto Serif CJK SC"),
        "serif",
        # 朱雀仿宋 (SIL OFL 1.1): an open 仿宋 design with all 6,763 GB2312 hanzi.
        "fonts/src/ZhuqueFangsong-Regular.ttf",
        0,
        "朱雀仿宋 (Zhuque Fangsong), fonts/src/ in this repository",
        "OFL-ZhuqueFangsong.txt",
        grid=True,
    ),
    Role(
        "kaiti",
        "Jianbao KaiTi",
        ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti"),
        ("FandolKai", "AR PL UKai CN", "LXGW WenKai", "Noto Serif CJK SC"),
        "serif",
        "/usr/share/fonts/truetype/arphic/ukai.ttc",
        0,
        "AR PL UKai CN, Debian package fonts-arphic-ukai",
        "ARPHICPL.txt",
    ),
    Role(
        "heiti",
        "Jianbao HeiTi",
        ("黑体", "SimHei", "STHeiti"),
        ("FandolHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"),
        "sans-serif",
        f"{NOTO}/NotoSansCJK-Regular.ttc",
        2,
        "Noto Sans CJK SC, Debian package fonts-noto-cjk",
        "OFL-NotoCJK.txt",
    ),
    Role(
        "xiaobiaosong",
        "Jianbao XiaoBiaoSong",
        ("方正小标宋简体", "FZXiaoBiaoSong-B05S"),
        # The heavy weights stand in for 小标宋; never a synthetic bold.
        ("Noto Serif CJK SC Black", "Noto Serif CJK SC"),
        "serif",
        f"{NOTO}/NotoSerifCJK-Black.ttc",
        2,
        "Noto Serif CJK SC Black, Debian package fonts-noto-cjk-extra",
        "OFL-NotoCJK.txt",
    ),
    Role(
        "songti",
        "Jianbao SongTi",
        ("宋体", "SimSun", "STSong"),
        ("FandolSong", "Noto Serif CJK SC"),
        "serif",
        f"{NOTO}/NotoSerifCJK-Regular.ttc",
        2,
        "Noto Serif CJK SC, Debian package fonts-noto-cjk",
        "OFL-NotoCJK.txt",
        # 宋体 prints the page numbers ("— 1 —") only.
        charset="marks",
    ),
]
ROLES_BY_KEY = {role.key: role for role in ROLES}
REGULAR_WEIGHT = 80  # fontconfig's number for a regular face


def shipped_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "fonts"


def shipped_path(role: Role) -> Path:
    return shipped_dir() / role.file


def stylesheet_path() -> Path:
    return shipped_dir() / "fonts.css"


def missing_shipped_faces() -> list[str]:
    return [role.file for role in ROLES if not shipped_path(role).is_file()]


# --- the shipped faces' stylesheet -----------------------------------------------------


def font_face_css() -> str:
    """fonts.css: each shipped family, the official faces tried first by local()."""
    rules = [
        "/* Written by `manage.py build_fonts`: the shipped faces of the print layout.\n"
        "   An official face the machine has comes first (local()), then the shipped\n"
        "   subset. Served to the browser as it is read by WeasyPrint. */"
    ]
    for role in ROLES:
        sources = [f'local("{name}")' for name in role.official]
        sources.append(f'url("{role.file}") format("woff2")')
        rules.append(
            f'@font-face {{\n  font-family: "{role.family}";\n'
            f"  src: {', '.join(sources)};\n  font-display: block;\n}}"
        )
    return "\n".join(rules) + "\n"


# --- which faces this machine has ------------------------------------------------------


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


def missing_official_faces() -> list[str]:
    return [
        f"{role.key}: {role.official[0]}"
        for role in ROLES
        if not any(installed_face(name) for name in role.official)
    ]


# --- characters no face has ------------------------------------------------------------


@cache
def shipped_characters() -> frozenset[int]:
    """The code points the shipped body face (仿宋) has."""
    from fontTools.ttLib import TTFont

    path = shipped_path(ROLES_BY_KEY["fangsong"])
    if not path.is_file():
        return frozenset()
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@lru_cache(maxsize=4096)
def system_has(code_point: int) -> bool:
    """Whether any face installed on this machine draws the character."""
    return bool(_fc_list(f":charset={code_point:x}"))


def unprintable(text: str) -> list[str]:
    """The characters of `text` that would print as boxes: in no shipped subset and in
    no installed face. In order of first appearance, each once."""
    shipped = shipped_characters()
    found: dict[str, None] = {}
    for ch in text:
        code = ord(ch)
        if ch in found or code in shipped or ch.isspace() or code < 0x20:
            continue
        if not system_has(code):
            found[ch] = None
    return list(found)


# --- building the shipped subsets -------------------------------------------------------

# Marks of Chinese text outside GB2312's own code points (its dash is U+2015).
EXTRA_MARKS = "—…·〔〕【】《》〈〉「」『』“”‘’"


def _gb2312() -> list[str]:
    """GB2312 in code order: its symbols, its 3,755 common hanzi (level 1), then the
    3,008 rarer ones (level 2)."""
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def marks() -> set[str]:
    """ASCII, general and CJK punctuation, full-width forms."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for start, end in ((0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF)):
        chars.update(chr(c) for c in range(start, end + 1))
    chars.update(EXTRA_MARKS)
    return chars


def gb2312_characters() -> set[str]:
    """GB2312's 7,445 characters plus the marks."""
    return marks() | set(_gb2312())


def _characters_by_frequency() -> list[str]:
    """ASCII, the common marks, then GB2312 in code order."""
    return [chr(c) for c in range(0x20, 0x7F)] + list(EXTRA_MARKS) + _gb2312()


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


# 朱雀仿宋's quotes and digits are proportional; the official 仿宋 sets quotes on a full
# character and digits on half of one, so 28 characters fill a line whatever they are.
FULL_WIDTH_OPENING = "“‘"
FULL_WIDTH_CLOSING = "”’"
HALF_WIDTH = "0123456789"


def _fit_to_grid(font) -> None:
    """Quotes on a full character (opening ones at its right, closing ones at its left,
    as GB 仿宋 has them), digits centred on half of one."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    em = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    glyphs = font.getGlyphSet()
    moves = []
    for chars, width, place in (
        (FULL_WIDTH_OPENING, em, "end"),
        (FULL_WIDTH_CLOSING, em, "start"),
        (HALF_WIDTH, em // 2, "centre"),
    ):
        for ch in chars:
            name = cmap.get(ord(ch))
            if name is None:
                continue
            old = font["hmtx"][name][0]
            dx = {"start": 0, "end": width - old, "centre": (width - old) // 2}[place]
            # Recorded with components resolved, before any glyph moves: “ may be built
            # of two ‘, which moves on its own.
            outline = DecomposingRecordingPen(glyphs)
            glyphs[name].draw(outline)
            moves.append((name, outline, dx, width))
    glyf = font["glyf"]
    for name, outline, dx, width in moves:
        pen = TTGlyphPen(None)
        outline.replay(TransformPen(pen, (1, 0, 0, 1, dx, 0)))
        glyph = pen.glyph()
        glyph.recalcBounds(glyf)
        glyf[name] = glyph
        font["hmtx"][name] = (width, getattr(glyph, "xMin", 0))


# The ascent and descent (in ems) every shipped face gets: Noto Serif CJK SC's, with
# which the print layout's line positions were worked out. CJK faces draw their
# ideographs in the same em box (-0.12 to 0.88), so any face sits on the line as the
# others do.
VERTICAL_METRICS = (1.151, 0.286)


def _set_vertical_metrics(font, ascent: float, descent: float) -> None:
    """Give every face the same ascent and descent.

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


def _rename(font, family: str) -> None:
    """The subset is a modified version: it carries a name of its own (the OFL keeps
    reserved names for the original) and keeps the source's copyright and licence."""
    postscript = family.replace(" ", "")
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID in (2, 17):
            record.string = "Regular"


def _as_woff2(font) -> None:
    """WOFF2 without its glyf transform: WeasyPrint (and every browser) undoes that
    transform in Python at each start, 3 s per TrueType face; 10 % more bytes instead."""
    from fontTools.ttLib.woff2 import WOFF2FlavorData

    font.flavor = "woff2"
    font.flavorData = WOFF2FlavorData(transformedTables=set())


def source_path(role: Role) -> Path:
    path = Path(role.source)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def build_shipped(*, log=print) -> list[Path]:
    """Cut each role's subset from its source face into static/fonts/ with fonts.css."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports every table it touches at INFO level.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    missing = [
        f"{r.key}: {source_path(r)} ({r.origin})" for r in ROLES if not source_path(r).is_file()
    ]
    if missing:
        raise FileNotFoundError("source faces missing:\n  " + "\n  ".join(missing))
    shipped_dir().mkdir(parents=True, exist_ok=True)
    written = []
    for role in ROLES:
        font = TTFont(source_path(role), fontNumber=role.index, lazy=False)
        chars = gb2312_characters() if role.charset == "gb2312" else marks()
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.flavor = "woff2"
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in chars))
        subsetter.subset(font)
        if role.grid:
            _fit_to_grid(font)
        _number_common_glyphs_first(font)
        _set_vertical_metrics(font, *VERTICAL_METRICS)
        _rename(font, role.family)
        _as_woff2(font)
        out = shipped_path(role)
        font.save(str(out))
        written.append(out)
        log(f"{role.key}: {role.origin} -> {out.name} ({out.stat().st_size // 1024} KB)")
    stylesheet_path().write_text(font_face_css(), encoding="utf-8")
    shipped_characters.cache_clear()
    return written
