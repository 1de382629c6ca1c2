"""The codebook: codebook.md in the data package and its HTML rendering at /docs/codebook, both
generated from the table definitions that write the files."""
import html
import io
import re
import zipfile

import pytest
from flask.testing import FlaskClient

from api.read.tables import EXPORT_TABLES

DAY = "2026-01-15"


@pytest.fixture
def pages(app):
    """A plain client: HTML pages are not API routes, so the contract does not describe them."""
    return FlaskClient(app, app.response_class)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_html_codebook_shows_every_table_column_and_allowed_value(pages):
    response = pages.get(f"/docs/codebook?as_of={DAY}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<table>" in page and '<pre><code class="language-r">' in page
    text = _text(page)
    assert len(EXPORT_TABLES) == 12  # api/read/tables.py: 11 tables, and producer_lists since issue 15
    for table in EXPORT_TABLES.values():
        part = text.split(f"\n{table.name}\n", 1)[1]  # the table's heading
        assert table.description.split("`")[0] in part, table.name
        for column in table.columns:
            assert column.name in part, (table.name, column.name)
            for value in column.enum:
                assert str(value) in part, (table.name, column.name, value)
    for section in ("Partial dates", "How statuses and obligations are derived", "How to cite", "Stata"):
        assert section in text
    assert f"as_of={DAY}" in text


@pytest.mark.slow  # builds the whole data package
def test_the_html_codebook_is_the_packages_codebook_md(pages, client):
    page = _text(pages.get(f"/docs/codebook?as_of={DAY}").get_data(as_text=True))
    book = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data)) \
        .read("codebook.md").decode()
    rows = [line for line in book.splitlines() if line.startswith("| `")]
    assert len(rows) == sum(len(t.columns) for t in EXPORT_TABLES.values())
    for row in rows:  # every column row of the file, cell by cell, is on the page
        for cell in row.strip("|").split(" | "):
            assert cell.replace("`", "").replace("\\|", "|").strip() in page, cell


def test_a_bad_date_is_a_400_page(pages):
    response = pages.get("/docs/codebook?as_of=2026-02-30")
    assert response.status_code == 400 and response.mimetype == "text/html"
