"""Render benchmarks for the printed bulletin. Prints figures; asserts nothing.

    .venv/bin/python bench/render.py [--runs 9] [--memory-renders 50]

For each seed issue (imported into a throw-away SQLite database):
- warm render: median and min-max over --runs renders in this process after 2
  warm-ups, through Jianbao's renderer (shared FontConfiguration, parsed stylesheets,
  the shipped faces), template rendering included;
- the same HTML with WeasyPrint's defaults (the shipped faces as plain files, a new
  FontConfiguration and stylesheet parse per render), measured alternately with ours in
  the same loop;
- the ratio of the two medians;
- cold: wall time of a fresh `manage.py render_issue` process;
- PDF size;
then the first PDF of a fresh process, with and without the warm-up that gunicorn's
workers and `manage.py worker` run at start (bulletin.printing.rendering.warm_up),
and the peak RSS of a process after --memory-renders renders.

Targets on the 2-core reference machine: warm <= 250 ms median, ratio <= 0.65,
PDF <= 250 KB for seed 001, peak RSS after 50 renders <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("JIANBAO_BENCH_DIR") or tempfile.mkdtemp(prefix="jianbao-bench-"))
os.environ["JIANBAO_BENCH_DIR"] = str(WORK)
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DEBUG="1",
    JIANBAO_DEMO="0",
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    MEDIA_ROOT=str(WORK / "media"),
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bulletin.importer import import_file  # noqa: E402
from bulletin.printing import fonts, rendering  # noqa: E402

SEEDS = ["2022-39.txt", "2023-38.txt"]


def _plain_faces_css() -> str:
    """@font-face rules for the shipped faces as plain TTF/OTF files (decompressed once),
    so that the default variant pays for fonts what a first try would, and no more."""
    from fontTools.ttLib import TTFont

    rules = []
    for role in fonts.ROLES:
        font = TTFont(fonts.shipped_path(role))
        font.flavor = None
        path = WORK / f"{role.key}.{'otf' if 'CFF ' in font else 'ttf'}"
        font.save(str(path))
        rules.append(f'@font-face {{ font-family: "{role.family}"; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def default_render(html: str, faces: str) -> bytes:
    """WeasyPrint as a first try would call it: a new FontConfiguration and stylesheet
    parse per render, its own user-agent stylesheet, no typesetting of ours."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    stylesheets = [
        CSS(string=faces, font_config=config),
        CSS(filename=str(rendering._stylesheet_path()), font_config=config),
    ]
    return HTML(string=html, base_url=str(ROOT)).write_pdf(
        stylesheets=stylesheets, font_config=config
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def spread(samples: list[float]) -> str:
    return f"{ms(statistics.median(samples))} (min {ms(min(samples))}, max {ms(max(samples))})"


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: ru_maxrss would include the parent's
    peak, which a child inherits across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed renders per variant (>= 7)")
    parser.add_argument("--memory-renders", type=int, default=50)
    parser.add_argument("--memory-only", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--first-only", choices=["cold", "warmed"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_only:
        return memory_only(args.memory_only)
    if args.first_only:
        return first_only(args.first_only)

    call_command("migrate", verbosity=0)
    issues = [import_file(settings.DEMO_SEEDS_DIR / name) for name in SEEDS]
    missing = fonts.missing_shipped_faces()
    print(f"shipped faces: {'all there' if not missing else f'MISSING {missing}'}")
    print(f"runs: 2 warm-ups, then {args.runs} alternating renders per variant\n")
    faces = _plain_faces_css()

    for name, issue in zip(SEEDS, issues, strict=True):
        # Warm-ups: load fonts and parse stylesheets once, for both variants.
        for _ in range(2):
            rendering.render_issue_pdf(issue)
            default_render(rendering.render_document_html(issue), faces)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            pdf = rendering.render_issue_pdf(issue)
            ours.append(time.perf_counter() - start)
            html = rendering.render_document_html(issue)
            start = time.perf_counter()
            default_pdf = default_render(html, faces)
            theirs.append(time.perf_counter() - start)
        ratio = statistics.median(ours) / statistics.median(theirs)

        out = WORK / f"{name}.pdf"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "render_issue", issue.series.title,
             str(issue.year), str(issue.number), "-o", str(out)],
            check=True, capture_output=True, env=os.environ,
        )  # fmt: skip
        cold = time.perf_counter() - start

        print(f"{issue.series.title} {issue.label}  [{name}]")
        print(f"  warm render (Jianbao):      {spread(ours)}")
        print(f"  warm render (defaults):     {spread(theirs)}")
        print(f"  ratio Jianbao/defaults:     {ratio:.2f}")
        print(f"  cold render_issue process:  {ms(cold)}")
        print(f"  PDF size:                   {len(pdf) / 1024:.0f} KB"
              f" (defaults: {len(default_pdf) / 1024:.0f} KB)\n")  # fmt: skip

    # The first PDF of a new process, as after a deploy or a worker restart.
    for mode in ("cold", "warmed"):
        result = subprocess.run(
            [sys.executable, __file__, "--first-only", mode],
            check=True, capture_output=True, text=True, env=os.environ,
        )  # fmt: skip
        print(result.stdout.strip())
    print()
    # Memory in a process of its own: the default renders above leak a fontconfig
    # configuration each and would inflate this process's peak.
    result = subprocess.run(
        [sys.executable, __file__, "--memory-only", str(args.memory_renders)],
        check=True, capture_output=True, text=True, env=os.environ,
    )  # fmt: skip
    print(result.stdout.strip())


def first_only(mode: str) -> None:
    from bulletin.models import Issue

    issue = Issue.objects.order_by("-total_number").first()
    html = rendering.render_document_html(issue)
    warm = rendering.warm_up() if mode == "warmed" else None
    start = time.perf_counter()
    rendering.render_pdf(html)
    first = time.perf_counter() - start
    start = time.perf_counter()
    rendering.render_pdf(html)
    second = time.perf_counter() - start
    label = f"after warm_up ({ms(warm)} at start)" if warm is not None else "without warm-up"
    print(f"first PDF of a new process, {label}: {ms(first)}; the second: {ms(second)}")


def memory_only(renders: int) -> None:
    from bulletin.models import Issue

    issues = list(Issue.objects.all())
    for i in range(renders):
        rendering.render_issue_pdf(issues[i % len(issues)])
    print(
        f"peak RSS of a process after {renders} renders (seeds alternating): {peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
