"""/api/v1/producers and the producer lists behind it: Landmine Monitor's lists of the states it
considers producers or potential producers of anti-personnel mines (seed_data/monitor_lists/)."""
import csv
import io

import pytest
import yaml

from api.write.record_schemas import ProducerListIn
from api.write.seed_files import SeedError, read_seed

# Landmine Monitor 2014, as quoted by capitolhillcubans.com on 5 December 2014 (source
# ml-capitolhillcubans-lm2014): "currently only 11 states are identified as potential producers of
# antipersonnel mines: China, Cuba, India, Iran, Myanmar, North Korea, Pakistan, Russia, Singapore,
# South Korea, and Vietnam."
LM_2014 = {"CN", "CU", "IN", "IR", "MM", "KP", "PK", "RU", "SG", "KR", "VN"}

# Landmine Monitor Report 2003 (15 producers), partly read: Voice of America, 15 September 2003 (source
# ml-voa-lm2003-asia): "nine of the world's 15 mine producers and stockpilers, including South Korea, Singapore,
# China, India and Pakistan"; Taipei Times, 1 September 2004 (ml-taipeitimes-2004-producers): "Other countries
# designated as land mine producers include the US, Russia, Cuba, Egypt and Iran, according to a report released
# last year by the group".
LM_2003_READ = {"KR", "SG", "CN", "IN", "PK", "US", "RU", "CU", "EG", "IR"}

# Landmine Monitor Report 2007 (13 producers), partly read: Hindustan Times, 17 December 2007 (source
# p3-ht-2007-12-17): "Internationally, only 13 countries produce anti-personnel mines" and "India, along with Russia,
# China and Pakistan, remains one of the largest producers, even if not an active user, of antipersonnel landmines in
# the world, according to the report".
LM_2007_READ = {"CN", "IN", "PK", "RU"}

# Landmine Monitor 2021 (12 producers), partly read: Newsweek (source ml-newsweek-lm2021): "The U.S. is one of only 12
# countries still producing landmines, according to a Landmine Monitor report released ... on Wednesday."
LM_2021_READ = {"US"}


def test_the_2014_list_reproduces_landmine_monitor_2014(client):
    body = client.get("/api/v1/producers?year=2014").get_json()
    assert body["list"]["id"] == "lm-2014-producers" and body["list"]["complete"] is True
    assert {s["iso2"] for s in body["states"]} == LM_2014 and body["list"]["stated_count"] == 11
    assert [s["name"] for s in body["states"]] == sorted(s["name"] for s in body["states"])


@pytest.mark.parametrize("year, list_id", [
    (2003, "lm-2003-producers"),  # Landmine Monitor Report 2003, released 9 September 2003 (Human Rights Watch)
    (2004, "lm-2004-producers"),  # Landmine Monitor Report 2004, launched 17 November 2004
    (2006, "lm-2004-producers"),  # no list between the 2004 and 2007 reports is in the data
    (2007, "lm-2007-producers"),  # Landmine Monitor Report 2007, released 12 November 2007 (the Monitor's release events)
    (2009, "lm-2007-producers"),
    (2010, "lm-2010-producers"),  # Landmine Monitor 2010, released 24 November 2010 (IANS; The Kathmandu Post)
    (2013, "lm-2010-producers"),  # no list between the 2010 and 2014 reports is in the data
    (2020, "lm-2014-producers"),  # the 2014 list stands until the 2021 report
    (2021, "lm-2021-producers"),  # Landmine Monitor 2021, released 10 November 2021
    (2022, "lm-2021-producers"),  # no 2022 list is in the data
    (2023, "lm-2023-producers"),  # Landmine Monitor 2023, launched 14 November 2023
    (2030, "lm-2025-producers"),
])
def test_a_list_speaks_for_its_year_and_the_years_after_until_the_next(client, year, list_id):
    assert client.get(f"/api/v1/producers?year={year}").get_json()["list"]["id"] == list_id


def test_a_partial_list_says_so_and_how_many_it_left_out(client):
    listed = client.get("/api/v1/producers?year=2023").get_json()
    # Landmine Monitor 2023 lists 12 states; the summary read (ml-wom-lm2023) names six, Armenia among them.
    assert listed["list"]["complete"] is False and listed["list"]["stated_count"] == 12
    assert {s["iso2"] for s in listed["states"]} == {"AM", "IN", "IR", "MM", "PK", "RU"}
    assert listed["list"]["notes"]


def test_the_2003_list_names_the_ten_states_read_of_its_fifteen(client):
    body = client.get("/api/v1/producers?year=2003").get_json()
    assert body["list"]["id"] == "lm-2003-producers"
    assert body["list"]["complete"] is False and body["list"]["stated_count"] == 15
    assert {s["iso2"] for s in body["states"]} == LM_2003_READ


@pytest.mark.parametrize("year, stated, read", [
    (2007, 13, LM_2007_READ),  # Hindustan Times and Control Arms Foundation of India, 17 December 2007
    (2021, 12, LM_2021_READ),  # Newsweek, on the release of Landmine Monitor 2021
])
def test_a_partial_list_names_only_the_states_its_sources_name(client, year, stated, read):
    body = client.get(f"/api/v1/producers?year={year}").get_json()
    assert body["list"]["id"] == f"lm-{year}-producers"
    assert body["list"]["complete"] is False and body["list"]["stated_count"] == stated
    assert {s["iso2"] for s in body["states"]} == read and body["list"]["notes"]


@pytest.mark.parametrize("year, launched", [
    (2003, "2003-09-09"),  # Human Rights Watch, 9 September 2003: "released today in Washington, D.C."
    (2004, "2004-11-17"),  # NATO press-conference transcript, 17 November 2004: "the launch of the 2004 report"
    (2007, "2007-11-12"),  # the Monitor: "On Monday 12 November 2007, the major, global findings ... were released"
    (2010, "2010-11-24"),  # IANS, Wednesday 24 November 2010: "as a new report about landmines was released"
    (2021, "2021-11-10"),  # infoscum.com, 16 November 2021: "The Landmine Monitor for 2021, released on November 10"
])
def test_a_list_is_dated_by_its_reports_launch(client, year, launched):
    listed = client.get(f"/api/v1/producers?year={year}").get_json()["list"]
    assert listed["published"] == launched and listed["date_precision"] == "day"


def test_without_a_year_the_latest_list_answers(client):
    body = client.get("/api/v1/producers").get_json()
    assert body["year"] is None and body["list"]["id"] == "lm-2025-producers"


def test_a_year_before_the_first_list_has_no_list(client):
    # The earliest list in the data is Landmine Monitor Report 2003's (seed_data/README.md lists the ones not found).
    body = client.get("/api/v1/producers?year=2002").get_json()
    assert body["list"] is None and body["states"] == []


@pytest.mark.parametrize("year", ["1800", "abc", "2014.5"])
def test_a_bad_year_is_a_problem_naming_it(client, year):
    response = client.get(f"/api/v1/producers?year={year}")
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert "year" in response.get_json()["detail"]


def test_the_export_holds_every_list(client):
    text = client.get("/api/v1/exports/producer_lists.csv").get_data(as_text=True)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {f"lm-{year}-producers" for year in (2003, 2004, 2007, 2010, 2014, 2021, 2023, 2025)}
    assert set(rows["lm-2014-producers"]["states"].split(";")) == LM_2014


@pytest.mark.parametrize("change, message", [
    ({"stated_count": 12}, "a complete list names them all"),
    ({"states": ["CN", "CN"]}, "A state is listed twice."),
    ({"complete": False, "notes": None}, "A partial list needs a note"),
    ({"states": ["cn"]}, "ISO 3166-1 alpha-2"),
])
def test_a_list_that_contradicts_itself_is_rejected(change, message):
    record = {"id": "lm-x", "report": "Landmine Monitor X", "published": "2014-12-01", "stated_count": 1,
              "states": ["CN"], "complete": True, "notes": None, "confidence": "single_source", "sources": ["s"]}
    errors = ProducerListIn().validate(record | change)
    assert message in str(errors)


def test_an_unknown_state_in_a_list_names_file_record_and_field(seed_dir):
    (seed_dir / "monitor_lists").mkdir()
    source = yaml.safe_load((seed_dir / "states.yaml").read_text())[0]["sources"][0]
    (seed_dir / "monitor_lists" / "producers.yaml").write_text(yaml.safe_dump([{
        "id": "lm-x", "report": "Landmine Monitor X", "published": "2014-12-01", "states": ["XX"],
        "complete": True, "confidence": "single_source", "sources": [source]}]))
    with pytest.raises(SeedError) as error:
        read_seed(seed_dir)
    assert "monitor_lists/producers.yaml: record lm-x: field 'states': unknown state 'XX'" in str(error.value)


@pytest.mark.parametrize("iso2", ["CU", "IR", "KP", "SG", "VN"])
def test_every_state_on_the_2014_list_without_a_position_now_has_one(client, iso2):
    # Issue 15: Cuba, Iran, North Korea, Singapore and Vietnam had no production position.
    body = client.get(f"/api/v1/countries/{iso2}/policies?dimension=production&as_of=2014-12-31").get_json()
    assert [p["dimension"] for p in body["items"]] == ["production"]


def test_a_published_list_is_an_event_of_the_change_feed(client):
    items = client.get("/api/v1/changes?since=2014-12-01&sort=date&limit=100").get_json()["items"]
    listed = next(i for i in items if i["table"] == "producer_list" and i["id"] == "lm-2014-producers")
    assert listed["type"] == "event" and listed["date"] == "2014-12-01" and listed["state"] is None
    # Month precision (seed_data/monitor_lists/producers.yaml): the title says "December 2014".
    assert listed["title"] == ("Landmine Monitor 2014 was published in December 2014, listing 11 states as "
                               "producers or potential producers of anti-personnel mines")
    assert "The states: China, Cuba" in listed["summary"]
