"""Server-drawn SVG geometry for the readable pages: the world map and the parties chart.

Pure functions over what the service functions return; the templates only place the shapes.
Sizes are fixed (a viewBox and width/height) so nothing shifts while a page loads.
"""
from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

from api.rules import status

MAP_FILE = Path(__file__).parent / "static" / "map" / "world-110m.json"
LABELS = {
    status.STATE_PARTY: "State party",
    status.CONSENTED_NOT_IN_FORCE: "Joined, not yet in force",
    status.SIGNATORY: "Signed, not ratified",
    status.WITHDRAWAL_PENDING: "Withdrawal pending",
    status.WITHDRAWAL_SUSPENDED: "Withdrawal suspended (Art. 20(3))",
    status.WITHDRAWN: "Withdrawn",
    status.NOT_SIGNATORY: "Not a signatory",
    status.NOT_A_STATE: "Not yet a state",
}
CONFIDENCE = {"confirmed_primary": ("●●●", "confirmed by a primary source"),
              "confirmed_secondary": ("●●○", "confirmed by a secondary source"),
              "single_source": ("●○○", "from a single source")}
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T, PAD_R = 640, 260, 44, 28, 14, 16


@functools.cache
def world() -> dict:
    """The pre-projected Natural Earth geometry (see tools/build_map.py), read on first use."""
    return json.loads(MAP_FILE.read_text())


def map_shapes(items: list[dict]) -> list[dict]:
    """Each map shape with the status and name of its state (`items` from countries.list_item)."""
    by_numeric = {item["numeric"]: item for item in items}
    shapes = []
    for shape in world()["shapes"]:
        item = by_numeric.get(shape["id"])
        shapes.append({"d": shape["d"], "status": item["status"] if item else "no-data",
                       "title": f"{item['name']}: {LABELS[item['status']]}" if item else f"{shape['name']}: no data",
                       "iso2": item["iso2"] if item else None})
    return shapes


def parties_chart(points: list[dict], today: date, highlight_from: date = date(2025, 1, 1)) -> dict:
    """A step line of the number of states parties, with ticks and the recent withdrawals marked."""
    start, end = date(points[0]["date"].year, 1, 1), date(max(today, points[-1]["date"]).year + 1, 1, 1)
    top = (max(p["states_parties"] for p in points) // 20 + 1) * 20
    x = lambda day: round(PAD_L + (day - start).days / (end - start).days * (CHART_W - PAD_L - PAD_R), 1)
    y = lambda n: round(CHART_H - PAD_B - n / top * (CHART_H - PAD_B - PAD_T), 1)
    line, previous = [f"M{x(start)} {y(0)}"], 0
    for point in points:
        line.append(f"H{x(point['date'])}V{y(point['states_parties'])}")
        previous = point["states_parties"]
    line.append(f"H{x(min(today, end))}")
    withdrawals = [{"x": x(p["date"]), "y": y(p["states_parties"]), "date": p["date"], "count": p["states_parties"],
                    "names": [c["name"] for c in p["changes"] if c["delta"] < 0]}
                   for p in points if p["date"] >= highlight_from and any(c["delta"] < 0 for c in p["changes"])]
    return {"width": CHART_W, "height": CHART_H, "path": "".join(line), "withdrawals": withdrawals,
            "band_x": x(highlight_from), "band_w": round(x(end) - x(highlight_from), 1),
            "x_ticks": [{"x": x(date(year, 1, 1)), "label": year} for year in range(start.year, end.year + 1, 4)],
            "y_ticks": [{"y": y(n), "label": n} for n in range(0, top + 1, 40)],
            "left": PAD_L, "right": CHART_W - PAD_R, "bottom": y(0), "latest": previous}
