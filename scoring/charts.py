"""Small server-rendered SVG charts: no chart library, nothing from a CDN."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD = 640, 220, 36


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def distribution(totals: list[Decimal], step: int = 5) -> dict:
    """How many departments scored in each band of `step` points."""
    if not totals:
        return {"bars": [], "width": WIDTH, "height": HEIGHT}
    low = math.floor(min(totals) / step) * step
    high = math.floor(max(totals) / step) * step
    bands = list(range(int(low), int(high) + step, step))
    counts = [sum(1 for t in totals if b <= t < b + step) for b in bands]
    top = max(counts) or 1
    slot = (WIDTH - 2 * PAD) / len(bands)
    bars = [
        Bar(
            x=PAD + i * slot + slot * 0.1,
            y=HEIGHT - PAD - (HEIGHT - 2 * PAD) * count / top,
            width=slot * 0.8,
            height=(HEIGHT - 2 * PAD) * count / top,
            label=f"{band}–{band + step}",
            value=count,
        )
        for i, (band, count) in enumerate(zip(bands, counts, strict=True))
    ]
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "base": HEIGHT - PAD}


def line(points: list[tuple[str, Decimal]]) -> dict:
    """A department's totals month by month."""
    if not points:
        return {"points": [], "width": WIDTH, "height": HEIGHT}
    values = [float(v) for _, v in points]
    low, high = min(*values, 100.0) - 2, max(*values, 100.0) + 2
    span = high - low or 1
    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)
    marks = [
        {
            "x": PAD + i * step,
            "y": HEIGHT - PAD - (HEIGHT - 2 * PAD) * (float(v) - low) / span,
            "label": label,
            "value": v,
        }
        for i, (label, v) in enumerate(points)
    ]
    hundred = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (100 - low) / span
    return {
        "points": marks,
        "path": " ".join(f"{m['x']:.1f},{m['y']:.1f}" for m in marks),
        "width": WIDTH,
        "height": HEIGHT,
        "hundred": hundred,
    }
