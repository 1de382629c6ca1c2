"""Sources are listed by authority (issue 14, item 6): depositary/UN and governments, then the
Convention's bodies, then monitors, then press, then others; one order for the API and the pages."""
import pytest

from api.read.authority import (
    CONVENTION_BODIES,
    DEPOSITARY_AND_GOVERNMENTS,
    MONITORS,
    OTHERS,
    PRESS,
    authority_rank,
    by_authority,
)


# Publishers as written in seed_data/sources/ (treaty.yaml, general.yaml, policy_*.yaml).
@pytest.mark.parametrize("publisher, rank", [
    ("United Nations Treaty Collection", DEPOSITARY_AND_GOVERNMENTS),
    ("Verdragenbank, Ministerie van Buitenlandse Zaken (Netherlands)", DEPOSITARY_AND_GOVERNMENTS),
    ("U.S. Department of State", DEPOSITARY_AND_GOVERNMENTS),
    ("Finnish Ministry of Defence", DEPOSITARY_AND_GOVERNMENTS),
    ("Anti-Personnel Mine Ban Convention Implementation Support Unit", CONVENTION_BODIES),
    ("Ninth Meeting of the States Parties (document copy hosted by docstoc.com)", CONVENTION_BODIES),
    ("Landmine and Cluster Munition Monitor", MONITORS),
    ("International Campaign to Ban Landmines", MONITORS),
    ("Reuters", PRESS),
    ("TASS (republished by news-pravda.com)", PRESS),
    ("UNN", PRESS),  # a Ukrainian news agency, not the UN
    ("Human Rights Watch", OTHERS),
    ("Wikipedia", OTHERS),
])
def test_rank_of_a_publisher(publisher, rank):
    assert authority_rank(publisher) == rank


def test_order_is_by_rank_and_stable_within_a_rank():
    sources = [{"id": "a", "publisher": "Reuters"}, {"id": "b", "publisher": "Landmine and Cluster Munition Monitor"},
               {"id": "c", "publisher": "Wikipedia"}, {"id": "d", "publisher": "United Nations"},
               {"id": "e", "publisher": "Anti-Personnel Mine Ban Convention Implementation Support Unit"},
               {"id": "f", "publisher": "Ministry for Foreign Affairs of Finland"}]
    assert [s["id"] for s in by_authority(sources)] == ["d", "f", "e", "b", "a", "c"]


# seed_data/treaty_actions/apmbc.yaml: Andorra's signature cites t-untc-xxvi-5 (United Nations
# Treaty Collection), t-monitor-2023-andorra (the Monitor) and t-nl-verdragenbank-008170 (the
# Netherlands' treaty database): the two official ones first (by id), the Monitor last.
ANDORRA_SIGNATURE = ["t-nl-verdragenbank-008170", "t-untc-xxvi-5", "t-monitor-2023-andorra"]


def test_the_api_lists_a_records_sources_by_authority(client):
    items = client.get("/api/v1/countries/AD/history").json["items"]
    signature = [item["record"] for item in items if item["record"]["id"] == "apmbc-ad-signature"]
    assert signature, [item["record"]["id"] for item in items]
    assert [s["id"] for s in signature[0]["sources"]] == ANDORRA_SIGNATURE


def test_the_page_lists_them_in_the_same_order(plain_client):
    page = plain_client.get("/countries/AD").get_data(as_text=True)
    urls = ["verdragenbank.overheid.nl/nl/Verdrag/Details/008170_p.html", "mtdsg_no=XXVI-5",
            "the-monitor.org/en-gb/reports/2023/andorra/mine-ban-policy.aspx"]
    lists = [block.split("</ul>")[0] for block in page.split('<ul class="sources">')[1:]]
    cited = [block for block in lists if all(url in block for url in urls)]
    assert cited, "no source list cites all three"
    for block in cited:
        positions = [block.find(url) for url in urls]
        assert positions == sorted(positions)
