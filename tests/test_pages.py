"""The readable HTML pages: status codes, key content, errors as HTML, and the size budget."""
import re

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/countries/FI", "/countries/UA?as_of=2026-01-01", "/compare?from=2025-01-01&to=2026-03-01",
         "/search?q=land"]


@pytest.fixture
def pages(app):
    """A plain client: HTML pages are not API routes, so the contract does not describe them."""
    return FlaskClient(app, app.response_class)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("url", PAGES)
def test_each_page_is_html_under_200_kb(pages, url):
    response = pages.get(url)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert len(response.data) < 200_000
    assert '<html lang="en">' in text(response) and 'href="#main"' in text(response)


def test_burma_search_lands_on_myanmar(pages):
    response = pages.get("/search?q=Burma")
    assert response.status_code == 302 and response.headers["Location"] == "/countries/MM"
    assert "<h1>Myanmar" in text(pages.get("/search?q=Burma", follow_redirects=True))


def test_a_search_with_several_matches_lists_them(pages):
    body = text(pages.get("/search?q=guin"))
    assert "Equatorial Guinea" in body and "Papua New Guinea" in body


@pytest.mark.parametrize("day, sentence", [
    ("2020-01-01", "Finland has been a state party to the Mine Ban Treaty since 1 July 2012"),
    ("2026-11-28", "Finland withdrew from the Mine Ban Treaty with effect from 10 January 2026; "
                   "it had been a state party since 1 July 2012."),
])
def test_the_finland_sentence_follows_the_date(pages, day, sentence):
    body = text(pages.get(f"/countries/FI?as_of={day}"))
    assert sentence in body and f'value="{day}"' in body


def test_country_page_cites_links_json_and_shows_timeline(pages):
    body = text(pages.get("/countries/fi?as_of=2026-11-28"))
    assert "“Finland: status under the Mine Ban Treaty as of 28 November 2026.”" in body
    version = re.search(r"Dataset version (\d{4}\.\d\d\.\d\d-[0-9a-f]{8})\. Accessed", body).group(1)
    public = pages.application.config["PUBLIC_URL"]
    permalink = f"{public}/countries/FI?as_of=2026-11-28&amp;dataset_version={version}"
    assert permalink in body and "@misc{mbt-fi-2026-11-28," in body
    assert 'href="/api/v1/countries/FI"' in body
    assert "Withdrawal (Mine Ban Treaty)" in body and "Policy on use: permitted with restrictions" in body
    assert "confirmed by a primary source" in body


def test_a_permalink_reads_the_version_it_names(pages):
    assert pages.get("/countries/FI?dataset_version=1999.01.01-00000000").status_code == 404


def test_compare_lists_the_2025_2026_withdrawals(pages):
    body = text(pages.get("/compare?from=2025-01-01&to=2026-03-01"))
    left = body.split('id="left"')[1].split("</ul>")[0]
    assert re.findall(r"\((\w\w)\)", left) == ["EE", "FI", "LV", "LT", "PL"]


def test_home_has_figures_map_table_and_chart(pages):
    body = text(pages.get("/?as_of=2026-03-01"))
    assert "as of 1 March 2026" in body and 'class="s-withdrawn"' in body
    assert "<table>" in body and "Withdrawals since 2025" in body and "Finland" in body


@pytest.mark.parametrize("url, status", [
    ("/countries/FI?as_of=2026-13-01", 400), ("/?as_of=yesterday", 400),
    ("/compare?from=2025-01-01&to=soon", 400), ("/search?q=", 400),
    ("/countries/ZZ", 404), ("/search?q=Atlantis", 404),
])
def test_bad_input_is_a_friendly_html_error(pages, url, status):
    response = pages.get(url)
    assert response.status_code == status and response.mimetype == "text/html"
    assert "Back to the home page" in text(response)


def test_the_api_still_answers_problems(pages):
    response = pages.get("/api/v1/countries/ZZ")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_a_withdrawn_states_obligations_say_when_they_stopped_binding(pages):
    after = pages.get("/countries/FI?as_of=2026-11-28").get_data(as_text=True)
    assert "The withdrawal took effect on 10 January 2026" in after
    assert "completed</strong> on 15 August 2015" in after
    assert "The withdrawal took effect" not in pages.get("/countries/FI?as_of=2025-06-01").get_data(as_text=True)


@pytest.mark.parametrize("q, iso2", [
    ("Republic of Korea", "KR"), ("Iran (Islamic Republic of)", "IR"), ("Viet Nam", "VN"), ("Türkiye", "TR"),
    ("Democratic Republic of the Congo", "CD"), ("Bolivia (Plurinational State of)", "BO"),
    ("Venezuela (Bolivarian Republic of)", "VE"), ("US", "US"), ("840", "US"), ("Guinea", "GN"),
])
def test_a_search_naming_one_country_whole_opens_it(pages, q, iso2):
    response = pages.get("/search", query_string={"q": q})
    assert response.status_code == 302 and response.headers["Location"] == f"/countries/{iso2}"


def test_a_partial_search_lists_the_best_matches_first(pages):
    body = text(pages.get("/search?q=korea"))
    assert body.index("North Korea") < body.index("South Korea")
    listed = re.findall(r'href="/countries/(\w\w)"', text(pages.get("/search?q=gui")))
    assert listed[0] == "GN" and {"GQ", "GW", "PG"} <= set(listed)


def test_policy_dates_are_as_precise_as_the_data_and_never_read_as_a_start(pages):
    korea = text(pages.get("/countries/KR"))
    assert '<dt>On record from</dt><dd><time datetime="2011-01-01">2011</time>' in korea  # year precision
    assert "1 January 2011" not in korea and "1 January 1995" not in korea and "Since" not in korea
    assert "a position may be older" in korea
    india = text(pages.get("/countries/IN"))
    assert '<time datetime="2013-12-01">December 2013</time>' in india and "1 December 2013" not in india


def test_the_country_page_shows_who_announced_the_quote_what_was_replaced_and_when_it_ended(pages):
    korea = text(pages.get("/countries/KR"))
    assert "<dt>Announced by</dt><dd>Government of the Republic of Korea (as reported by Landmine Monitor)" in korea
    assert "“It continues to insist on the military necessity of antipersonnel mines" in korea
    assert "<dt>Replaced</dt><dd>moratorium, on record from 1995</dd>" in korea
    earlier = text(pages.get("/countries/KR?as_of=1996-01-01"))
    assert "<dt>Ended</dt><dd>replaced by a later position on record from 1997</dd>" in earlier


def test_the_sentence_and_the_cite_box_come_before_the_detail(pages):
    body = text(pages.get("/countries/US"))
    assert body.index('class="summary"') < body.index('id="cite-h"') < body.index('id="policy-h"')
    assert "The United States has not signed or joined the Mine Ban Treaty." in body
    congo = text(pages.get("/countries/CD"))
    assert "<h1>Democratic Republic of the Congo" in congo and "The Democratic Republic of the Congo has been" in congo
    assert "“Democratic Republic of the Congo: status under the Mine Ban Treaty" in congo


def test_compare_with_reversed_dates_swaps_them_and_says_so(pages):
    body = text(pages.get("/compare?from=2026-03-01&to=2025-01-01"))
    assert "so the two are swapped" in body and "What changed between 1 January 2025 and 1 March 2026" in body
    left = body.split('id="left"')[1].split("</ul>")[0]
    assert re.findall(r"\((\w\w)\)", left) == ["EE", "FI", "LV", "LT", "PL"]
