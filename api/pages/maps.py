"""The world map of treaty status: palette, second cues, legend, region zoom and the shapes.

Pure functions over the list items of api.read.representations; the templates only place them.
The palette was chosen to stay apart for readers with red-green colour blindness:
tests/test_map_palette.py checks, with an independent implementation (colorspacious, Machado
et al. 2009 simulation), that every two statuses differ by a CIE76 Delta-E of at least 20 under
normal vision, deuteranopia and protanopia. Withdrawn and pending states also carry a hatch and
a dark outline, so the map does not rely on colour alone (WCAG 1.4.1).
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from api.rules import status

MAP_FILE = Path(__file__).parent / "static" / "map" / "world-110m.json"
NOT_COVERED = "not-covered"  # a territory or disputed area that is not one of the dataset's states
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
NOT_COVERED_LABEL = "Territory or disputed area, not in this dataset"
# Fill, and the colour of text drawn on it (WCAG AA contrast either way); pages.css repeats the
# badge colours and tests/test_map_palette.py checks that the two agree.
PALETTE = {
    status.STATE_PARTY: ("#4f377c", "#fff"),
    status.CONSENTED_NOT_IN_FORCE: ("#0299ff", "#000"),
    status.SIGNATORY: ("#957cb6", "#000"),
    status.WITHDRAWAL_PENDING: ("#f6c100", "#000"),
    status.WITHDRAWAL_SUSPENDED: ("#3e3010", "#fff"),
    status.WITHDRAWN: ("#de9252", "#000"),
    status.NOT_SIGNATORY: ("#a0a0a0", "#000"),
    NOT_COVERED: ("#eeeeee", "#000"),
}
# The second cue: a hatch (the pattern's id) for the states leaving or gone.
HATCHED = {status.WITHDRAWN: "hatch-cross", status.WITHDRAWAL_PENDING: "hatch-line",
           status.WITHDRAWAL_SUSPENDED: "hatch-line"}
# The box (x y width height on the map's projection) around each UN M49 region's states, padded
# by 12 units, from the shapes' sub-paths (boxes()); Europe's leaves out Russia east of the Urals
# and France's overseas departments, which would make the box the whole world.
# tests/test_pages_map.py checks every state of a region is inside its box.
REGION_BOXES = {"Africa": "385 101 221 295", "Americas": "0 0 360 452", "Asia": "502 44 365 261",
                "Europe": "386 0 188 133", "Oceania": "740 251 220 184"}
REGIONS = tuple(REGION_BOXES)


@functools.cache
def world() -> dict:
    """The pre-projected Natural Earth geometry (see tools/build_map.py), read on first use."""
    return json.loads(MAP_FILE.read_text())


def fill(key: str) -> str:
    return f"url(#{HATCHED[key]}-{key})" if key in HATCHED else PALETTE[_coloured_as(key)][0]


def _coloured_as(key: str) -> str:
    """A state that did not exist yet on the date is drawn like a territory: no state of the dataset there."""
    return NOT_COVERED if key == status.NOT_A_STATE else key


def map_shapes(items: list[dict]) -> list[dict]:
    """Each map shape with the status and name of its state (`items` from list_item)."""
    by_numeric = {item["numeric"]: item for item in items}
    shapes = []
    for shape in world()["shapes"]:
        item = by_numeric.get(shape["id"])
        key = item["status"] if item else NOT_COVERED
        title = (f"{item['name']}: {LABELS[key]}" if item
                 else f"{shape['name']}: a territory or disputed area, not one of the dataset's states")
        shapes.append({"d": shape["d"], "status": key, "fill": fill(key), "title": title,
                       "outline": key in HATCHED, "iso2": item["iso2"] if item else None})
    return shapes


def legend(items: list[dict], shapes: list[dict]) -> list[dict]:
    """Only the statuses some state has, in LABELS order, each with its number of states (all of
    them, drawn or too small to draw), then the territories if any is drawn."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    if any(shape["status"] == NOT_COVERED for shape in shapes):
        counts[NOT_COVERED] = 0
    labels = {**LABELS, NOT_COVERED: NOT_COVERED_LABEL}
    return [{"status": key, "label": label, "count": counts[key], "fill": fill(key),
             "colour": PALETTE[_coloured_as(key)][0], "outline": key in HATCHED}
            for key, label in labels.items() if key in counts]


def patterns() -> list[dict]:
    """The hatches the fills above refer to, one per hatched status (its colour underneath)."""
    return [{"id": f"{pattern}-{key}", "colour": PALETTE[key][0], "ink": PALETTE[key][1],
             "cross": pattern == "hatch-cross"} for key, pattern in HATCHED.items()]


def boxes(path: str):
    """The bounding box of each sub-path of a pre-projected path ('M x y l dx dy ... z')."""
    for sub in path.split("M")[1:]:
        numbers = [int(n) for n in re.findall(r"-?\d+", sub)]
        x, y = numbers[0], numbers[1]
        xs, ys = [x], [y]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=False):
            x, y = x + dx, y + dy
            xs.append(x)
            ys.append(y)
        yield min(xs), min(ys), max(xs), max(ys)


def view_box(region: str | None) -> str:
    """The whole world, or the box around one region's states (a phone can then read Europe)."""
    return REGION_BOXES.get(region or "", f"0 0 {world()['width']} {world()['height']}")


def map_model(items: list[dict], region: str | None = None, width: int = 960) -> dict:
    """What a template needs to draw the map: shapes, hatches, legend and the box to show."""
    shapes = map_shapes(items)
    box = view_box(region)
    _, _, box_w, box_h = (float(n) for n in box.split())
    drawn = {shape["iso2"] for shape in shapes}
    left, top = (float(n) for n in box.split()[:2])
    in_box = [s for s in shapes if any(b[0] < left + box_w and b[2] > left and b[1] < top + box_h and b[3] > top
                                        for b in boxes(s["d"]))]
    shown = [i for i in items if region in (None, i["region"])]
    return {"shapes": in_box, "legend": legend(shown, in_box), "patterns": patterns(), "view_box": box,
            "box": {"x": left, "y": top, "width": box_w, "height": box_h}, "hatch": round(6 * box_w / width, 2),
            "width": width, "height": round(width * box_h / box_w),
            "undrawn": sorted(i["name"] for i in shown if i["iso2"] not in drawn)}
