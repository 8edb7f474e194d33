"""Small server-rendered SVG charts of the reporting points (no chart library)."""

from __future__ import annotations

from decimal import Decimal

from bulletin.adoption.figures import Line, format_points

WIDTH, PAD, LABEL = 640, 36, 150
BAR, GAP = 16, 6
LINE_HEIGHT = 220


def ranking(lines: list[Line]) -> dict:
    """The month's ranking: a horizontal bar per department, longest for the most points
    (a negative total draws no bar)."""
    top = max([line.points for line in lines] + [Decimal(1)])
    span = WIDTH - LABEL - PAD
    bars = []
    for index, line in enumerate(lines):
        length = float(max(line.points, Decimal(0)) / top) * span
        bars.append(
            {
                "y": PAD / 2 + index * (BAR + GAP),
                "width": length,
                "label": line.department.label,
                "rank": line.rank,
                "value": format_points(line.points),
            }
        )
    height = PAD + len(lines) * (BAR + GAP)
    return {"bars": bars, "width": WIDTH, "height": height, "left": LABEL, "bar": BAR}


def months(points: list[tuple[str, Decimal, int]]) -> dict:
    """A department's points month by month, each with its rank: (label, points, rank)."""
    if not points:
        return {"points": [], "width": WIDTH, "height": LINE_HEIGHT}
    values = [float(v) for _label, v, _rank in points]
    low, high = min(*values, 0.0), max(*values, 1.0)
    span = high - low or 1
    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)
    marks = [
        {
            "x": PAD + i * step,
            "y": LINE_HEIGHT - PAD - (LINE_HEIGHT - 2 * PAD) * (float(v) - low) / span,
            "label": label,
            "value": format_points(v),
            "rank": rank,
        }
        for i, (label, v, rank) in enumerate(points)
    ]
    zero = LINE_HEIGHT - PAD - (LINE_HEIGHT - 2 * PAD) * (0 - low) / span
    return {
        "points": marks,
        "path": " ".join(f"{m['x']:.1f},{m['y']:.1f}" for m in marks),
        "width": WIDTH,
        "height": LINE_HEIGHT,
        "zero": zero,
    }
