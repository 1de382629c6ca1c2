"""Server-drawn SVG charts for the readable pages: the states parties over time.

Pure functions over what the service functions return; the templates only place the shapes.
Sizes are fixed (a viewBox and width/height) so nothing shifts while a page loads. Each chart
comes in two geometries, wide and narrow: the page shows the narrow one on a phone, where the
wide one's 12-unit labels would shrink to 7 px. A second chart zooms on the withdrawals since
2025, one step per date, so withdrawals weeks apart stay distinguishable.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from api.pages.maps import PALETTE
from api.rules import status

CONFIDENCE = {"confirmed_primary": ("●●●", "confirmed by a primary source"),
              "confirmed_secondary": ("●●○", "confirmed by a secondary source"),
              "single_source": ("●○○", "from a single source")}
WITHDRAWN_COLOUR = PALETTE[status.WITHDRAWN][0]
RECENT_FROM = date(2025, 1, 1)  # the first withdrawal from the treaty took effect after this


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    step: int  # one x tick every so many years (months on the recent chart)
    left: int = 44
    bottom: int = 28
    top: int = 14
    right: int = 16


WIDE, NARROW = Geometry(640, 260, 4), Geometry(360, 240, 8)
RECENT_WIDE, RECENT_NARROW = Geometry(640, 240, 6, right=36), Geometry(360, 260, 12, right=36)


def _axes(g: Geometry, start: date, end: date, low: int, high: int):
    x = lambda day: round(g.left + (day - start).days / (end - start).days * (g.width - g.left - g.right), 1)
    y = lambda n: round(g.height - g.bottom - (n - low) / (high - low) * (g.height - g.bottom - g.top), 1)
    return x, y


def _steps(points: list[dict], x, y, start: date, end: date, first: int) -> str:
    line = [f"M{x(start)} {y(first)}"]
    for point in points:
        if start <= point["date"] <= end:
            line.append(f"H{x(point['date'])}V{y(point['states_parties'])}")
    line.append(f"H{x(end)}")
    return "".join(line)


def _withdrawals(points: list[dict], since: date) -> list[dict]:
    return [{"date": p["date"], "count": p["states_parties"],
             "names": [c["name"] for c in p["changes"] if c["delta"] < 0]}
            for p in points if p["date"] >= since and any(c["delta"] < 0 for c in p["changes"])]


def parties_chart(points: list[dict], today: date, g: Geometry = WIDE,
                  highlight_from: date = RECENT_FROM) -> dict[str, Any]:
    """A step line of the number of states parties, with ticks and the recent withdrawals marked."""
    start, end = date(points[0]["date"].year, 1, 1), date(max(today, points[-1]["date"]).year + 1, 1, 1)
    top = (max(p["states_parties"] for p in points) // 20 + 1) * 20
    x, y = _axes(g, start, end, 0, top)
    withdrawals = [{**w, "x": x(w["date"]), "y": y(w["count"])} for w in _withdrawals(points, highlight_from)]
    return {"width": g.width, "height": g.height, "path": _steps(points, x, y, start, min(today, end), 0),
            "withdrawals": withdrawals, "band_x": x(highlight_from), "band_w": round(x(end) - x(highlight_from), 1),
            "x_ticks": [{"x": x(date(year, 1, 1)), "label": year} for year in range(start.year, end.year + 1, g.step)],
            "y_ticks": [{"y": y(n), "label": n} for n in range(0, top + 1, 40)],
            "left": g.left, "right": g.width - g.right, "bottom": y(0), "latest": points[-1]["states_parties"],
            "colour": WITHDRAWN_COLOUR}


def recent_chart(points: list[dict], today: date, g: Geometry = RECENT_WIDE, since: date = RECENT_FROM) -> dict:
    """The states parties since `since` on a zoomed scale, each withdrawal numbered and named."""
    before = [p["states_parties"] for p in points if p["date"] < since] or [0]
    inside = [p["states_parties"] for p in points if since <= p["date"] <= today]
    low, high = min([before[-1], *inside]) - 2, max([before[-1], *inside]) + 2
    end = date(today.year + 1, 1, 1) if today.month > 6 else date(today.year, 7, 1)
    x, y = _axes(g, since, end, low, high)
    withdrawals = []
    for number, w in enumerate(_withdrawals(points, since), start=1):
        withdrawals.append({**w, "number": number, "x": x(w["date"]), "y": y(w["count"])})
    ticks = [date(year, month, 1) for year in range(since.year, end.year + 1) for month in range(1, 13, g.step)]
    return {"width": g.width, "height": g.height, "path": _steps(points, x, y, since, min(today, end), before[-1]),
            "withdrawals": withdrawals,
            "x_ticks": [{"x": x(t), "label": t.strftime("%b %Y")} for t in ticks if since <= t <= end],
            "y_ticks": [{"y": y(n), "label": n} for n in range(low, high + 1) if n % 2 == 0],
            "left": g.left, "right": g.width - g.right, "bottom": y(low), "top": g.top, "colour": WITHDRAWN_COLOUR}


def home_charts(points: list[dict], today: date) -> dict[str, dict]:
    """The home page's charts, each in the wide and the narrow (phone) geometry."""
    return {"wide": parties_chart(points, today), "narrow": parties_chart(points, today, NARROW),
            "recent": recent_chart(points, today), "recent_narrow": recent_chart(points, today, RECENT_NARROW)}
