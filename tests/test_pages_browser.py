"""The readable pages in a real browser: Debian's headless chromium driven by Playwright.

Skips when Playwright or /usr/bin/chromium is missing, fails instead when REQUIRE_BROWSER=1
(CI sets it and installs both; Playwright never downloads a browser here). Screenshots go to
tests/artifacts/ (or $PAGES_ARTIFACTS); UPDATE_DOCS_SCREENSHOT=1 also refreshes docs/finland.png.
"""
import itertools
import os
from pathlib import Path

import pytest
from helpers import ROOT, require, serving

CHROMIUM = Path("/usr/bin/chromium")
try:
    from playwright import sync_api
except ImportError:
    sync_api = None
MISSING = ("playwright (pip install -r requirements-dev.txt)" if sync_api is None
           else None if CHROMIUM.exists() else "/usr/bin/chromium (apt-get install chromium)")
if MISSING:
    require("REQUIRE_BROWSER", f"{MISSING} is missing: the browser tests did not run", allow_module_level=True)

ARTIFACTS = Path(os.environ.get("PAGES_ARTIFACTS", ROOT / "tests" / "artifacts"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {"home": "/", "finland": "/countries/FI", "compare": "/compare?from=2025-01-01&to=2026-03-01",
         "search": "/search?q=guin", "korea": "/countries/KR", "congo": "/countries/CD",
         "europe": "/?region=Europe&status=withdrawn&sort=since&order=desc", "embed": "/embed/map?as_of=2026-03-01",
         "error": "/countries/FI?as_of=not-a-date"}
# Pages are backend-agnostic (test_pages.py covers both databases): one backend is enough here.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


@pytest.fixture(scope="module")
def base_url(app):
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page that may reach the app and nothing else."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    yield page
    context.close()
    assert outside == [], f"external requests: {outside}"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[str]:
    page.evaluate(AXE.read_text() + "\n;0")  # not a <script> tag: the pages' CSP forbids inline scripts
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def layout_shift(page) -> float:
    return page.evaluate("""new Promise(done => new PerformanceObserver((list, observer) => {
        done(list.getEntries().reduce((sum, e) => sum + e.value, 0));
    }).observe({type: 'layout-shift', buffered: true}) || setTimeout(() => done(0), 500))""")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_loads_accessibly_without_layout_shift(page, name):
    response = page.goto(PAGES[name])
    assert response.status == (400 if name == "error" else 200)
    assert layout_shift(page) < 0.1  # first: a full-page screenshot and axe both disturb the layout
    shoot(page, name)
    assert serious_violations(page) == []


@pytest.mark.parametrize("name", PAGES)
def test_pages_fit_a_phone(browser, base_url, name):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(PAGES[name])
    shoot(page, f"{name}-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_phone_reads_the_baltic_states_and_the_charts(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto("/?region=Europe&as_of=2026-03-01")
    estonia = page.locator("path:has(title:text-is('Estonia: Withdrawn'))").bounding_box()
    assert estonia["width"] >= 12 and estonia["height"] >= 8  # 1:110m Estonia, zoomed to Europe
    assert not page.locator(".chart .wide").first.is_visible() and page.locator(".chart .narrow").first.is_visible()
    tick = page.locator(".chart .narrow .tick").first.bounding_box()
    assert tick["height"] >= 10  # 12-unit labels drawn at about 12 px, not shrunk to 7
    marks = [page.locator(".recent .narrow .withdrawal circle").nth(i).bounding_box() for i in range(3)]
    assert all(b["y"] + b["height"] <= c["y"] + 1 for b, c in itertools.pairwise(marks))  # one above the next
    context.close()


def test_the_states_table_sorts_and_filters_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/?as_of=2026-03-01")
    page.get_by_label("Region", exact=True).select_option("Europe")
    page.get_by_label("Status", exact=True).select_option("withdrawn")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**status=withdrawn**")
    assert page.locator("#states tbody tr").count() == 5  # EE, LV, LT, FI, PL withdrew in 2025-2026
    page.locator("#states thead").get_by_role("link", name="Since").click()
    page.wait_for_url("**sort=since**")
    assert page.locator("#states tbody tr th").first.inner_text() in ("Estonia", "Latvia", "Lithuania")
    page.locator("#states thead").get_by_role("link", name="Since").click()
    page.wait_for_url("**order=desc**")
    assert page.locator("#states tbody tr th").first.inner_text() == "Poland"
    context.close()


def test_another_site_can_frame_the_map_and_nothing_else(browser, base_url):
    html = (f'<iframe id="map" src="{base_url}/embed/map?as_of=2026-03-01" title="map"></iframe>'
            f'<iframe id="home" src="{base_url}/" title="home"></iframe>').encode()

    def elsewhere(environ, start_response):  # another site: a second server, another origin
        start_response("200 OK", [("Content-Type", "text/html")])
        return [html]

    context = browser.new_context()
    page = context.new_page()
    with serving(elsewhere) as other:
        page.goto(other)
        embedded = page.frame_locator("#map")
        sync_api.expect(embedded.locator(".source")).to_contain_text("dataset version")
        assert embedded.locator("svg path").count() > 100
        page.wait_for_timeout(500)
        # the home page refuses (frame-ancestors 'none'): Chromium shows its error page in the frame
        assert not any("Who is bound" in frame.content() for frame in page.frames)
    context.close()


def test_searching_burma_lands_on_myanmar(page):
    page.goto("/")
    page.get_by_label("Find a country").fill("Burma")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/countries/MM")
    assert page.locator("h1").inner_text().startswith("Myanmar")


@pytest.mark.parametrize("typed, iso2, heading", [
    ("Republic of Korea", "KR", "South Korea"), ("US", "US", "United States"), ("Iran (Islamic Republic of)", "IR", "Iran")])
def test_searching_a_un_name_or_code_lands_on_that_country(page, typed, iso2, heading):
    page.goto("/")
    page.get_by_label("Find a country").fill(typed)
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(f"**/countries/{iso2}")
    assert page.locator("h1").inner_text().startswith(heading)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_sentence_and_the_cite_box_are_near_the_top(browser, base_url, viewport):
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    page.goto("/countries/KR")
    assert page.locator(".summary").first.bounding_box()["y"] < viewport["height"]
    cite = page.locator("#cite-h").bounding_box()["y"]
    assert cite < page.locator("#policy-h").bounding_box()["y"] and cite < 3 * viewport["height"]
    assert page.locator(".position time").first.inner_text() in ("2007", "1997", "2011")
    context.close()


def test_changing_the_date_changes_finlands_status(page):
    page.goto("/countries/FI?as_of=2026-11-28")
    assert "withdrew from the Mine Ban Treaty" in page.locator(".summary").inner_text()
    page.get_by_label("Status as of").fill("2020-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**as_of=2020-01-01")
    assert "has been a state party" in page.locator(".summary").inner_text()
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        page.goto("/countries/FI?as_of=2026-11-28")
        page.screenshot(path=str(ROOT / "docs" / "finland.png"))


def test_copying_the_citation(page):
    page.goto("/countries/FI?as_of=2026-11-28")
    page.get_by_role("button", name="Copy citation").click()
    sync_api.expect(page.locator(".copied")).to_have_text("Copied to the clipboard.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Mine Ban Treaty Status API. “Finland: status under the Mine Ban Treaty")
    shoot(page, "finland-copied")


def test_country_page_prints_without_controls(page):
    page.goto("/countries/FI?as_of=2026-11-28")
    page.emulate_media(media="print")
    assert not page.locator(".date-form").is_visible() and not page.locator("header form").is_visible()
    assert page.locator(".summary").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "finland.pdf"))


def test_docs_render_every_operation_and_try_it_out_returns_data(page):
    page.goto("/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    operations = page.locator(".opblock").count()
    assert operations >= 18
    block = page.locator("#operations-countries-getCountryStatus")
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    block.locator("tr[data-param-name='code'] input").fill("FI")
    block.locator("tr[data-param-name='as_of'] input").fill("2020-01-01")
    block.get_by_role("button", name="Execute").click()
    body = block.locator(".live-responses-table .response-col_description .microlight").first
    sync_api.expect(body).to_contain_text('"status": "state_party"', timeout=20000)
    shoot(page, "docs")
