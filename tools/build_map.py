"""Build api/static/map/world-110m.json: pre-projected SVG paths per ISO 3166 numeric code.

Run once, by hand, when the geometry should change:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/build_map.py package/countries-110m.json

The input is Natural Earth 1:110m admin-0 countries (public domain) as TopoJSON, packaged by
world-atlas (ISC licence); its ids are ISO numeric codes, as in State.numeric. The projection
is Equal Earth; Antarctica is left out. Coordinates are rounded to whole pixels and written
as relative path commands, which keeps the home page well under its size budget.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "api" / "static" / "map" / "world-110m.json"
WIDTH = 960
A1, A2, A3, A4, M = 1.340264, -0.081106, 0.000893, 0.003796, math.sqrt(3) / 2
SKIP = {"010"}  # Antarctica


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, theta = math.radians(lon), math.asin(M * math.sin(math.radians(lat)))
    t2, t6 = theta ** 2, theta ** 6
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    return x, -theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep a ring that crosses the antimeridian (Fiji, Chukotka) on one side of the map:
    points on the minority side are pinned to the edge rather than drawn across the world."""
    if all(abs(a[0] - b[0]) < 180 for a, b in zip(points, points[1:])):
        return points
    east = sum(1 for lon, _ in points if lon > 0) * 2 >= len(points)
    edge = 180.0 if east else -180.0
    return [(edge if (lon < 0) == east else lon, lat) for lon, lat in points]


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else []


def path(rings: list[list[tuple[float, float]]], fit) -> str:
    parts = []
    for points in rings:
        pixels = [fit(*equal_earth(lon, lat)) for lon, lat in points]
        out, (px, py) = [f"M{pixels[0][0]} {pixels[0][1]}"], pixels[0]
        for x, y in pixels[1:]:
            if (x, y) != (px, py):
                out.append(f"{x - px} {y - py}")
                px, py = x, y
        if len(out) > 2:
            parts.append(out[0] + "l" + " ".join(out[1:]) + "z")
    return "".join(parts)


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    shapes = [(g.get("id"), g["properties"]["name"], [unwrap(ring(r, arcs)) for p in polygons(g) for r in p])
              for g in topology["objects"]["countries"]["geometries"] if g.get("id") not in SKIP]
    projected = [equal_earth(*pt) for _, _, rings in shapes for r in rings for pt in r]
    xs, ys = [p[0] for p in projected], [p[1] for p in projected]
    scale = (WIDTH - 4) / (max(xs) - min(xs))
    height = round((max(ys) - min(ys)) * scale) + 4

    def fit(x: float, y: float) -> tuple[int, int]:
        return round((x - min(xs)) * scale) + 2, round((y - min(ys)) * scale) + 2

    return {"width": WIDTH, "height": height,
            "source": "Natural Earth 1:110m admin-0 countries (public domain), via world-atlas 2.0.2",
            "shapes": [{"id": id_, "name": name, "d": path(rings, fit)} for id_, name, rings in shapes]}


if __name__ == "__main__":
    OUT.write_text(json.dumps(build(json.loads(Path(sys.argv[1]).read_text())), separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
