"""The bulletin as a document: one context, one set of templates, HTML and PDF.

The web page and the PDF are rendered from the same templates and the same print
stylesheet (static/bulletin/print.css). WeasyPrint runs in this process with one shared
FontConfiguration and parsed stylesheets, so a warm render pays only for layout.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import re
import threading
import zlib
from functools import cache
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.html import strip_spaces_between_tags

from bulletin.adoption.figures import rank_groups, stored_line
from bulletin.adoption.models import AdoptionLine
from bulletin.models import Issue, Section, Submission, number_sections
from bulletin.printing import budget, fonts, tables, typesetting
from scoring.models import WindowScore

logger = logging.getLogger(__name__)

PRINT_CSS = "bulletin/print.css"
DOCUMENT = "bulletin/print/document.html"
_LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def bulletin_context(issue: Issue) -> dict:
    """Everything the bulletin templates need, in a fixed number of queries."""
    sections = issue.sections.prefetch_related(
        Prefetch(
            "submissions",
            queryset=Submission.objects.accepted().order_by("position", "pk"),
            to_attr="accepted_items",
        )
    )
    numbered = number_sections(sections)
    attachments = [s for s, _ in numbered if s.kind == Section.Kind.ATTACHMENT]
    months = {s.score_month for s in attachments if s.score_month}
    # The tables of the hall of the issue's series: a city's month is not the province's.
    scores = (
        WindowScore.objects.filter(month__in=months).in_hall(issue.series.hall_id).table()
        if months
        else []
    )
    for section in attachments:
        section.score_rows = [row for row in scores if row.month == section.score_month]
        section.score_groups = tables.rank_groups(section.score_rows)
    attach_reporting_tables(attachments)
    return {
        "issue": issue,
        "body_sections": [(s, m) for s, m in numbered if s.kind != Section.Kind.ATTACHMENT],
        "attachments": attachments,
    }


def attach_reporting_tables(attachments: list[Section]) -> None:
    """An attached 通报 (bulletin/adoption) prints its month's stored ranking: one query,
    none when no attachment is one."""
    ids = {s.adoption_report_id for s in attachments if s.adoption_report_id}
    lines = (
        AdoptionLine.objects.filter(month_id__in=ids)
        .select_related("department")
        .order_by("month_id", "position")
        if ids
        else []
    )
    by_month: dict[int, list] = {}
    for line in lines:
        by_month.setdefault(line.month_id, []).append(line)
    for section in attachments:
        section.adoption_groups = rank_groups(
            [stored_line(line) for line in by_month.get(section.adoption_report_id, [])]
        )


def pdf_title(issue: Issue) -> str:
    return f"{issue.series.title} {issue.number_label}"


def pdf_filename(issue: Issue) -> str:
    return f"{issue.series.title}{issue.number_label}.pdf"


def render_document_html(issue: Issue, context: dict | None = None) -> str:
    """The printed document; `context` is bulletin_context(issue) when one is at hand."""
    context = {**(context or bulletin_context(issue)), "pdf_title": pdf_title(issue)}
    # The templates' indentation (a score table's loop most of all) becomes text nodes
    # that WeasyPrint parses, boxes and throws away; the templates put no whitespace
    # between inline tags, so dropping it changes nothing on the page.
    return strip_spaces_between_tags(render_to_string(DOCUMENT, context))


@cache
def _stylesheet_path() -> Path:
    found = finders.find(PRINT_CSS)
    if not found:
        raise FileNotFoundError(PRINT_CSS)
    return Path(found)


# Modules of the print pipeline that never shape the PDF: editing them keeps the cache.
NOT_IN_THE_PDF = {"docx.py"}


def print_files(root: str = DOCUMENT) -> list[Path]:
    """Every file that shapes the printed document besides its content: the templates
    reached from `root` through extends and include, the template tag modules they load,
    the print stylesheet, the shipped faces and their stylesheet and the print pipeline's own modules."""
    from django.template import engines
    from django.template.loader import get_template
    from django.template.loader_tags import ExtendsNode, IncludeNode

    libraries = engines["django"].engine.libraries  # name -> module path
    found: dict[Path, None] = {}

    def walk(name: str) -> None:
        template = get_template(name).template
        path = Path(template.origin.name)
        if path in found:
            return
        found[path] = None
        for tags in _LOAD.findall(template.source):
            for library in tags.split():
                found[Path(import_module(libraries[library]).__file__)] = None
        nodes = [
            *(node.parent_name for node in template.nodelist.get_nodes_by_type(ExtendsNode)),
            *(node.template for node in template.nodelist.get_nodes_by_type(IncludeNode)),
        ]
        for expression in nodes:
            if not isinstance(expression.var, str) or expression.filters:
                # A name known only at render time could print anything: the cache key
                # could not know it, so such a template is refused outright.
                raise ValueError(f"{name}: include or extends of a variable template name")
            walk(expression.var)

    walk(root)
    found[_stylesheet_path()] = None
    found[fonts.stylesheet_path()] = None
    for role in fonts.ROLES:
        found[fonts.shipped_path(role)] = None
    for module in sorted(Path(__file__).parent.glob("*.py")):
        if module.name not in NOT_IN_THE_PDF:
            found[module] = None
    return list(found)


def files_digest(paths: list[Path]) -> str:
    import pydyf
    import weasyprint

    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(f"weasyprint {weasyprint.__version__} pydyf {pydyf.__version__}".encode())
    return digest.hexdigest()[:16]


@cache
def template_version() -> str:
    """A digest of everything besides the content that shapes the PDF.

    Part of the cache key: a deploy that changes a template, the stylesheet, a font or
    the print code makes every cached PDF stale without anyone keeping a list.
    """
    return files_digest(print_files())


def content_key(html: str) -> str:
    return hashlib.sha256(f"{template_version()}\n{html}".encode()).hexdigest()


# zlib's level 6 instead of the 9 pydyf asks for: on a bulletin's streams (mostly the
# embedded font subsets) it halves the compression time, about 10 ms a render, for
# 1.2 KB more PDF.
PDF_COMPRESSION_LEVEL = 6


class _PdfZlib:
    """zlib as pydyf sees it, compressing at PDF_COMPRESSION_LEVEL."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compress(data, /, level=PDF_COMPRESSION_LEVEL, **kwargs):
        return zlib.compress(data, PDF_COMPRESSION_LEVEL, **kwargs)

    @staticmethod
    def compressobj(level=PDF_COMPRESSION_LEVEL, *args, **kwargs):
        return zlib.compressobj(PDF_COMPRESSION_LEVEL, *args, **kwargs)


def _install_pdf_compression() -> None:
    import pydyf

    pydyf.zlib = _PdfZlib()


# WeasyPrint's user-agent stylesheet gives every element five footnote and note
# pseudo-elements and a ::marker; WeasyPrint computes a style for each, about 1,600 a
# render of a 300-element bulletin (a 29-row score table is 200 of the elements).
# The bulletin has no footnotes, notes or lists, so the print copy of the sheet drops
# those rules and keeps ::marker for the elements that are list items by default:
# 5 % fewer Python calls a render, the same PDF.
_UA_UNUSED_PSEUDO_ELEMENTS = ("::footnote-", "::note-")
_UA_MARKER = "::marker {"
_UA_LIST_MARKER = "li::marker, summary::marker {"


def _user_agent_stylesheet():
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    lines = [
        _UA_LIST_MARKER + line.removeprefix(_UA_MARKER) if line.startswith(_UA_MARKER) else line
        for line in UA.splitlines()
        if not line.startswith(_UA_UNUSED_PSEUDO_ELEMENTS)
    ]
    # Its @counter-style rules are WeasyPrint's own, which a render gets anyway.
    return CSS(string="\n".join(lines), counter_style=CounterStyle())


def _html_class():
    from weasyprint import HTML

    ua_stylesheet = _user_agent_stylesheet()

    class BulletinHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [ua_stylesheet]

    return BulletinHTML


class _Renderer:
    """One FontConfiguration and parsed stylesheets for the life of the process."""

    def __init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        typesetting.install()
        _install_pdf_compression()
        self.html_class = _html_class()
        self.font_config = FontConfiguration()
        self.stylesheets = [
            CSS(filename=str(fonts.stylesheet_path()), font_config=self.font_config),
            CSS(filename=str(_stylesheet_path()), font_config=self.font_config),
        ]
        # WeasyPrint's layout is not thread-safe with a shared FontConfiguration.
        self.lock = threading.Lock()

    def render(self, html: str) -> bytes:
        with self.lock:
            return self.render_unlocked(html)

    def layout(self, html: str):
        return self.html_class(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=self.stylesheets, font_config=self.font_config
        )

    def render_unlocked(self, html: str) -> bytes:
        document = self.layout(html)
        # A tie longer than a page goes on over the break: the row that opens the next
        # page prints the tie's rank again. Which row that is only the layout knows, so
        # the document is laid out once more with those rows marked; a mark changes no
        # row's height, so the pages break where they did.
        for _ in range(tables.MAX_PASSES):
            marked = tables.mark_continued(html, tables.continued_tie_rows(document))
            if marked == html:
                break
            html = marked
            document = self.layout(html)
        return document.write_pdf()

    def render_bounded(self, html: str, out: Path) -> None:
        """Write the PDF to `out` within the render budget (budget.RenderFailed if not)."""
        with self.lock:
            budget.run_bounded(self.render_unlocked, html, out)


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> _Renderer:
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = _Renderer()
            # Release fontconfig while the interpreter is still whole.
            atexit.register(_release_renderer)
        return _renderer


def _release_renderer() -> None:
    global _renderer
    _renderer = None


def render_pdf(html: str) -> bytes:
    return renderer().render(html)


# Text in every face of the layout: Pango loads a face the first time it lays one out.
_WARM_UP = "".join(
    f"<p style=\"font-family: '{role.family}'\">仿宋楷体黑体小标宋 2023年“38”—1—</p>"
    for role in fonts.ROLES
)


def warm_up() -> float:
    """Load the fonts and stylesheets and lay out one page now, so that the first PDF
    someone asks for after a start costs what the others do. Returns the seconds spent.

    Called where a web worker (deploy/gunicorn.conf.py) or the task worker (`manage.py
    worker`) starts."""
    import time

    start = time.perf_counter()
    render_pdf(f'<html lang="zh-CN"><body>{_WARM_UP}</body></html>')
    return time.perf_counter() - start


def render_issue_pdf(issue: Issue) -> bytes:
    return render_pdf(render_document_html(issue))


# --- the cache of rendered PDFs --------------------------------------------------------


def _cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "pdf-cache"


def cache_path(key: str) -> Path:
    return _cache_dir() / f"{key}.pdf"


def cached_only(html: str) -> bytes | None:
    """The cached PDF of a rendered document, or None: never renders."""
    try:
        return cache_path(content_key(html)).read_bytes()
    except FileNotFoundError:
        return None


def cached_pdf(html: str) -> tuple[bytes, bool]:
    """(PDF bytes, whether they came from the cache) for a rendered document; a render
    runs within the budget and raises budget.RenderFailed past it."""
    path = cache_path(content_key(html))
    try:
        return path.read_bytes(), True
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name first so a reader never sees half a file; a full
    # disk or a stopped render leaves no partial file behind.
    tmp = path.with_name(f"{path.stem}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        renderer().render_bounded(html, tmp)
        pdf = tmp.read_bytes()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return pdf, False
