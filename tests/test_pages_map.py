"""The map, the charts and what a reader can take away: palette, legend, region zoom, CSV, SVG, embed."""
import csv
import io
import itertools
import re
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest
import yaml
from flask.testing import FlaskClient
from helpers import ROOT

from api.pages import maps
from api.pages.page_data import what_changed
from api.rules import status

colorspacious = pytest.importorskip("colorspacious", reason="pip install -r requirements-dev.txt")
SVG = "{http://www.w3.org/2000/svg}"
DAY = "2026-03-01"  # after the 2025-2026 withdrawals (Estonia, Latvia, Lithuania, Finland, Poland)


@pytest.fixture
def pages(app):
    """A plain client: HTML pages are not API routes, so the contract does not describe them."""
    return FlaskClient(app, app.response_class)


def api_states(app, **args) -> list[dict]:
    return app.test_client().get("/api/v1/countries", query_string={"limit": 250, **args}).get_json()["items"]


def fills_by_status(svg_text: str) -> dict[str, str]:
    """The colour each status is drawn in: a path's fill, or the colour under its hatch."""
    root = ET.fromstring(svg_text)
    pattern_colour = {p.get("id"): p.find(f"{SVG}rect").get("fill") for p in root.iter(f"{SVG}pattern")}
    out, paths = {}, list(root.iter(f"{SVG}path"))
    assert paths
    for path in paths:
        fill = path.get("fill")
        hatch = re.fullmatch(r"url\(#(.+)\)", fill)
        out.setdefault(path.get("data-status"), set()).add(pattern_colour[hatch.group(1)] if hatch else fill)
    assert all(len(colours) == 1 for colours in out.values()), out
    return {key: colours.pop() for key, colours in out.items()}


def lab(hex_colour: str, cvd: str | None):
    """CIELab of a colour as seen with normal vision or a full dichromacy, simulated by
    colorspacious with Machado, Oliveira & Fernandes (2009), severity 100."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    space = "sRGB1" if cvd is None else {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
    return colorspacious.cspace_convert(rgb, space, "CIELab")


@pytest.mark.parametrize("vision", [None, "deuteranomaly", "protanomaly"])
def test_every_two_status_colours_stay_apart_for_colour_blind_readers(vision):
    colours = {key: fill for key, (fill, _ink) in maps.PALETTE.items()}
    # a state that did not exist yet is drawn like a territory (maps._coloured_as): not one more colour
    assert set(colours) == set(status.STATUSES) - {status.NOT_A_STATE} | {maps.NOT_COVERED}
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        delta_e = float(np.linalg.norm(lab(ca, vision) - lab(cb, vision)))  # CIE76 Delta-E*ab
        assert delta_e >= 20, f"{a} {ca} and {b} {cb}: Delta-E {delta_e:.1f} under {vision or 'normal vision'}"


def test_the_map_and_the_badges_use_the_checked_palette(pages):
    drawn = fills_by_status(pages.get(f"/map.svg?as_of={DAY}").get_data(as_text=True))
    assert {"state_party", "withdrawn", "not_signatory"} <= set(drawn)
    assert drawn == {key: maps.PALETTE[key][0] for key in drawn}
    css = (ROOT / "api" / "pages" / "static" / "pages.css").read_text()
    variables = dict(re.findall(r"--(\w+): (#[0-9a-f]{6})", css))
    # pages.css names: the badge of each status uses var(--name)
    names = {"state_party": "party", "consented_not_in_force": "consented", "signatory": "signatory",
             "withdrawal_pending": "pending", "withdrawal_suspended": "suspended", "withdrawn": "withdrawn",
             "not_signatory": "none", "not-covered": "nodata"}
    assert {key: variables[name] for key, name in names.items()} == {k: v[0] for k, v in maps.PALETTE.items()}


def test_withdrawn_states_carry_a_hatch_and_an_outline_as_well_as_a_colour(pages):
    body = pages.get(f"/?as_of={DAY}").get_data(as_text=True)
    finland = re.search(r'<path class="s-withdrawn" data-status="withdrawn" fill="([^"]+)" d="[^"]+"'
                        r' vector-effect="non-scaling-stroke"( stroke="#000" stroke-width="1.2")?><title>Finland: Withdrawn</title>', body)
    assert finland and finland.group(1) == "url(#hatch-cross-withdrawn)" and finland.group(2)
    assert '<pattern id="hatch-cross-withdrawn"' in body and '<pattern id="hatch-line-withdrawal_pending"' in body
    sweden = re.search(r'fill="([^"]+)" d="[^"]+" vector-effect="non-scaling-stroke"><title>Sweden: State party</title>',
                       body)
    assert sweden and sweden.group(1) == maps.PALETTE["state_party"][0]  # no hatch, no outline


@pytest.mark.parametrize("day", ["1998-06-01", DAY])
def test_the_legend_lists_only_the_statuses_present_with_the_apis_counts(app, pages, day):
    expected = {}
    for item in api_states(app, as_of=day):
        expected[item["status"]] = expected.get(item["status"], 0) + 1
    assert len(expected) >= 3
    body = re.sub(r"\s+", " ", pages.get(f"/?as_of={day}").get_data(as_text=True))
    legend = re.search(r'<ul class="legend">(.*?)</ul>', body).group(1)
    shown = dict(re.findall(r"</svg>([^<(]+?) \((\d+)\)</li>", legend))
    assert {label: int(count) for label, count in shown.items()} == {maps.LABELS[k]: n for k, n in expected.items()}
    assert "Territory or disputed area, not in this dataset" in legend and "No data" not in legend


def test_territories_are_marked_plainly_not_as_missing_data(pages):
    body = pages.get("/").get_data(as_text=True)
    # Greenland and Western Sahara are drawn by Natural Earth but are not among the 197 states
    assert "Greenland: a territory or disputed area, not one of the dataset&#39;s states" in body
    assert "W. Sahara: a territory or disputed area" in body and "no data" not in body


@pytest.mark.parametrize("region", maps.REGIONS)
def test_a_region_zoom_frames_every_state_of_the_region(app, pages, region):
    x, y, w, h = (int(n) for n in maps.view_box(region).split())
    body = pages.get(f"/map.svg?region={region}").get_data(as_text=True)
    assert f'viewBox="{x} {y} {w} {h}"' in body
    # the part of each state drawn largest lies inside the box (Russia's is in Asia, France's overseas
    # departments in the Americas: those parts are left out of Europe's box on purpose)
    states = {s["id"]: s for s in maps.world()["shapes"]}
    numeric = {s["iso2"]: s["numeric"] for s in yaml.safe_load((ROOT / "seed_data" / "states.yaml").read_text())}
    codes = {numeric[i["iso2"]] for i in api_states(app, region=region) if i["iso2"] != "RU"}
    inside = 0
    for numeric in codes & set(states):
        left, top, right, bottom = max(maps.boxes(states[numeric]["d"]), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        assert x <= left and right <= x + w and y <= top and bottom <= y + h, states[numeric]["name"]
        inside += 1
    assert inside >= 5  # Oceania has 6 states large enough to draw at 1:110m


def test_the_states_table_filters_and_sorts_on_the_server(app, pages):
    body = pages.get(f"/?as_of={DAY}&region=Europe&status=withdrawn&sort=since&order=desc").get_data(as_text=True)
    rows = re.findall(r'<tr><th scope="row"><a href="/countries/(\w\w)\?as_of=[^"]+">[^<]+</a></th>'
                      r"<td>([^<]+)</td><td>.*?</td><td>([^<]*)</td></tr>", body)
    expected = api_states(app, as_of=DAY, region="Europe", status="withdrawn")
    assert len(rows) == len(expected) == 5
    assert [r[2] for r in rows] == sorted((i["status_since"] for i in expected), reverse=True)
    assert rows[0][0] == "PL" and {r[1] for r in rows} == {"Europe"}
    assert 'aria-sort="descending"' in body and "<details class=\"table-alt\" open>" in body


@pytest.mark.parametrize("args, name", [("region=Mars", "region"), ("status=party", "status"),
                                         ("sort=size", "sort"), ("order=up", "order")])
def test_an_unknown_table_parameter_is_a_400_naming_it(pages, args, name):
    for url in (f"/?{args}", f"/states.csv?{args}"):
        response = pages.get(url)
        assert response.status_code == 400 and f"is not a {name} we know" in response.get_data(as_text=True)


def test_the_csv_is_the_table_on_screen_for_the_date_shown(app, pages):
    home = pages.get(f"/?as_of={DAY}&region=Europe&status=withdrawn").get_data(as_text=True)
    link = re.search(r'<a class="csv" href="([^"]+)"', home).group(1).replace("&amp;", "&")
    response = pages.get(link)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="mine-ban-treaty-states-{DAY}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = api_states(app, as_of=DAY, region="Europe", status="withdrawn")
    assert [r["name"] for r in rows] == sorted(i["name"] for i in expected) and len(rows) == 5
    version = app.test_client().get("/api/v1/dataset").get_json()["version"]
    assert {(r["as_of"], r["status"], r["status_label"], r["dataset_version"]) for r in rows} == {
        (DAY, "withdrawn", "Withdrawn", version)}
    whole = pages.get(f"/states.csv?as_of={DAY}").get_data(as_text=True).splitlines()
    assert len(whole) == 1 + len(api_states(app, as_of=DAY))


def test_the_map_downloads_as_a_standalone_svg_with_legend_and_source(app, pages):
    response = pages.get(f"/map.svg?as_of={DAY}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    root = ET.fromstring(body)  # well-formed XML on its own
    assert root.tag == f"{SVG}svg" and not list(root.iter(f"{SVG}style")) and not list(root.iter(f"{SVG}script"))
    version = app.test_client().get("/api/v1/dataset").get_json()["version"]
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Withdrawn (5)" in texts and f"dataset version {version}" in texts and "1 March 2026" in texts


def test_the_embeddable_map_may_be_framed_by_any_site_and_no_other_page_may(app, pages):
    response = pages.get(f"/embed/map?as_of={DAY}")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "'none'" not in policy and "X-Frame-Options" not in response.headers
    body = response.get_data(as_text=True)
    version = app.test_client().get("/api/v1/dataset").get_json()["version"]
    assert f"dataset version {version}" in body and "Source: Mine Ban Treaty Status API" in body
    for url in ("/", "/countries/FI", "/map.svg", "/api/v1/countries"):
        other = pages.get(url)
        assert other.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in other.headers[
            "Content-Security-Policy"], url


def test_home_links_the_take_aways_for_the_date_shown(pages):
    body = pages.get(f"/?as_of={DAY}").get_data(as_text=True)
    assert f'href="/map.svg?as_of={DAY}"' in body and f'href="/embed/map?as_of={DAY}"' in body
    assert f'href="/states.csv?as_of={DAY}&amp;sort=name&amp;order=asc"' in body


def test_the_recent_chart_numbers_each_withdrawal_at_its_own_height(pages):
    body = pages.get(f"/?as_of={DAY}").get_data(as_text=True)
    recent = body[body.index('aria-labelledby="recent-narrow-title"'):]
    marks = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="9"', recent[:recent.index("</svg>")])
    # Estonia, Latvia, Lithuania (27 Dec 2025), Finland (10 Jan 2026), Poland (20 Feb 2026)
    assert len(marks) == 3 and len({cy for _, cy in marks}) == 3
    assert "Estonia, Latvia, Lithuania, 27 December 2025" in body and "Poland, 20 February 2026" in body


@pytest.mark.parametrize("url", ["/", "/compare?from=2025-01-01&to=2026-03-01"])
def test_home_and_compare_have_a_cite_box(pages, url):
    body = re.sub(r"\s+", " ", pages.get(url).get_data(as_text=True))
    assert '<h2 id="cite-h">Cite this</h2>' in body and "Mine Ban Treaty Status API. “" in body
    assert re.search(r"Dataset version \d{4}\.\d\d\.\d\d-[0-9a-f]{8}\. Accessed", body)


def test_compare_says_a_position_was_restated_rather_than_permitted_to_permitted(pages):
    # seed_data/policies/FI.yaml: "use: under_review" on record from 2025-04-01, restated 2025-06-19
    body = re.sub(r"\s+", " ", pages.get("/compare?from=2025-05-01&to=2025-07-01").get_data(as_text=True))
    assert "use: restated, same terms (under review)" in body
    assert "under review → <strong>under review</strong>" not in body


@pytest.mark.parametrize("before, after, changed", [
    (None, ("permitted", None), "position"),
    (("prohibited", None), ("permitted", None), "position"),
    (("permitted_with_restrictions", "for self-defence"), ("permitted_with_restrictions", "at borders"), "restriction"),
    (("permitted_with_restrictions", "at borders"), ("permitted_with_restrictions", "at borders"), "restated"),
])
def testwhat_changed_inside_a_position(before, after, changed):
    record = lambda pair: pair and SimpleNamespace(position=pair[0], restriction=pair[1])
    assert what_changed(record(before), record(after)) == changed


def test_the_status_says_when_its_sources_were_last_checked(app, pages):
    sources = app.test_client().get("/api/v1/countries/FI/status?as_of=2026-03-01").get_json()["sources"]
    assert sources
    latest = max(date.fromisoformat(s["accessed"]) for s in sources)
    body = re.sub(r"\s+", " ", pages.get("/countries/FI?as_of=2026-03-01").get_data(as_text=True))
    status_part = body[body.index('class="summary"'):body.index('id="cite-h"')]
    assert f"Last checked: sources last read on {latest.day} {latest:%B %Y}." in status_part


@pytest.mark.parametrize("q, iso2", [("Finlande", "FI"), ("Alemania", "DE")])
def test_the_search_box_opens_a_country_named_in_another_un_language(pages, q, iso2):
    response = pages.get(f"/search?q={q}")
    assert response.status_code == 302 and response.headers["Location"] == f"/countries/{iso2}"


def test_the_country_page_shows_the_names_in_the_six_un_languages(pages):
    body = pages.get("/countries/FI").get_data(as_text=True)
    # UNTERM short names of Finland (datasets/country-codes at caa72d1e)
    for language, name in [("ar", "فنلندا"), ("zh", "芬兰"), ("fr", "Finlande"), ("ru", "Финляндия"), ("es", "Finlandia")]:
        assert f'<span lang="{language}"' in body and f">{name}</span>" in body


def test_a_region_zoom_counts_the_states_of_that_region(app, pages):
    expected, europe = {}, api_states(app, as_of=DAY, region="Europe")
    assert europe
    for item in europe:
        expected[item["status"]] = expected.get(item["status"], 0) + 1
    body = re.sub(r"\s+", " ", pages.get(f"/?as_of={DAY}&region=Europe").get_data(as_text=True))
    legend = re.search(r'<ul class="legend">(.*?)</ul>', body).group(1)
    shown = dict(re.findall(r"</svg>([^<(]+?) \((\d+)\)</li>", legend))
    assert {label: int(count) for label, count in shown.items()} == {maps.LABELS[k]: n for k, n in expected.items()}
    assert "Withdrawn (5)" in legend
