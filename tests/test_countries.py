"""/api/v1/countries on the curated data; every response is checked against openapi.yaml."""
import pytest
import yaml
from helpers import FROZEN_NOW, SEED_DIR, bearer, make_app

from api.extensions import db


def seed_records(path):
    return yaml.safe_load((SEED_DIR / path).read_text())


def test_finland_status_on_2020_01_01_names_its_accession_and_sources(client):
    body = client.get("/api/v1/countries/FI/status?as_of=2020-01-01").get_json()
    assert (body["status"], body["since"]) == ("state_party", "2012-07-01")
    assert body["caused_by"]["kind"] == "accession" and body["caused_by"]["date"] == "2012-01-09"
    assert body["sources"] and body["sources"] == body["caused_by"]["sources"]


@pytest.mark.parametrize("as_of, status, since", [
    ("2025-07-09", "state_party", "2012-07-01"),
    ("2025-07-10", "withdrawal_pending", "2025-07-10"),
    ("2026-01-09", "withdrawal_pending", "2025-07-10"),
    ("2026-01-10", "withdrawn", "2026-01-10"),
])
def test_finland_withdrawal_at_its_boundaries(client, as_of, status, since):
    body = client.get(f"/api/v1/countries/fin/status?as_of={as_of}").get_json()
    assert (body["status"], body["since"]) == (status, since)


def test_withdrawn_summary_is_one_plain_sentence(client):
    body = client.get("/api/v1/countries/FI/status?as_of=2026-11-28").get_json()
    assert body["summary"] == ("Finland withdrew from the Mine Ban Treaty with effect from 10 January 2026; "
                               "it had been a state party since 1 July 2012.")


def test_ukraine_is_still_bound_and_its_suspension_is_shown_as_disputed(client):
    body = client.get("/api/v1/countries/UA/status?as_of=2026-11-28").get_json()
    assert body["status"] == "state_party"
    assert [d["kind"] for d in body["disputes"]] == ["suspension_declaration"]
    assert body["disputes"][0]["dispute"]
    before = client.get("/api/v1/countries/UA/status?as_of=2025-01-01").get_json()
    assert before["disputes"] == []


@pytest.mark.usefixtures("frozen_clock")  # the default as_of: today, frozen
def test_undated_accession_is_reported_not_guessed(client):
    body = client.get("/api/v1/countries/LB/status").get_json()
    assert [a["kind"] for a in body["undated_actions"]] == ["accession"]
    assert body["undated_actions"][0]["date"] is None
    assert "date" in body["summary"] and "not known" in body["summary"]


@pytest.mark.usefixtures("frozen_clock")  # the default as_of: today, frozen
def test_us_has_never_signed(client):
    body = client.get("/api/v1/countries/usa/status").get_json()
    assert body["as_of"] == FROZEN_NOW.date().isoformat()  # the default as_of is the frozen clock's day
    assert (body["status"], body["since"], body["caused_by"]) == ("not_signatory", None, None)
    assert body["sources"]


@pytest.mark.usefixtures("frozen_clock")  # the default as_of: today, frozen
def test_country_detail_has_codes_status_summary_and_current_policies(client):
    body = client.get("/api/v1/countries/US").get_json()
    assert (body["iso2"], body["iso3"], body["numeric"], body["name"]) == ("US", "USA", "840", "United States")
    assert body["statuses"][0]["treaty"] == "apmbc" and body["statuses"][0]["summary"]
    assert body["policies"] and all(p["sources"] for p in body["policies"])


def test_us_policy_on_2021_04_06_is_the_2020_policy_and_the_dod_statement(client):
    body = client.get("/api/v1/countries/US/policies?as_of=2021-04-06").get_json()
    by_dimension = {p["dimension"]: p for p in body["items"]}
    assert by_dimension["use"]["effective"] == "2021-04-06"
    assert by_dimension["use"]["replaces"]["effective"] == "2020-01-31"
    assert by_dimension["geographic_scope"]["effective"] == "2020-01-31"
    assert by_dimension["geographic_scope"]["ended"] == "2022-06-21"


# The US use policies of seed_data/policies/US.yaml, each with its sources there: the Bush policy
# (us-2004-02-27-use), Obama's Korean Peninsula limit (us-2014-09-23-use), its rescission
# (us-2020-01-31-use), the Pentagon's review statement (us-2021-04-06-use), Biden's return to the
# Korean Peninsula limit (us-2022-06-21-use).
@pytest.mark.parametrize("as_of, effective", [
    ("2014-09-22", "2004-02-27"), ("2014-09-23", "2014-09-23"), ("2020-01-31", "2020-01-31"),
    ("2022-06-20", "2021-04-06"), ("2022-06-21", "2022-06-21"),
])
def test_us_use_policy_follows_the_administrations(client, as_of, effective):
    body = client.get(f"/api/v1/countries/US/policies?as_of={as_of}&dimension=use").get_json()
    assert [p["effective"] for p in body["items"]] == [effective]


def test_history_is_chronological_and_mixes_actions_and_policies(client):
    items = client.get("/api/v1/countries/FI/history?limit=500").get_json()["items"]
    # Finland's records in the seed files, read independently of the API.
    expected = {"treaty_action": [a["id"] for a in seed_records("treaty_actions/apmbc.yaml") if a["state"] == "FI"],
                "policy_position": [p["id"] for p in seed_records("policies/FI.yaml")],
                "obligation_event": [e["id"] for e in seed_records("obligations/apmbc.yaml") if e["state"] == "FI"]}
    assert all(expected.values())  # Finland has records of every kind
    assert {kind: sorted(i["record"]["id"] for i in items if i["type"] == kind) for kind in expected} == \
        {kind: sorted(ids) for kind, ids in expected.items()}
    dated = [i["date"] for i in items if i["date"]]
    assert dated == sorted(dated) and all(i["date"] is None for i in items[len(dated):])  # undated last
    kinds = [i["type"] for i in items]
    # Mixed, not grouped: the accession (2012-01-09) comes before Finland's 2012-07-01 positions, which
    # come before its withdrawal (2025-07-10) (seed_data/treaty_actions/apmbc.yaml, policies/FI.yaml).
    ids = [i["record"]["id"] for i in items]
    assert ids.index("apmbc-fi-accession") < kinds.index("policy_position") < ids.index("apmbc-fi-withdrawal")
    assert all(i["record"]["sources"] for i in items)


def test_list_filters_by_status_region_and_date(client):
    body = client.get("/api/v1/countries?status=withdrawn&as_of=2026-03-01").get_json()
    assert sorted(i["iso2"] for i in body["items"]) == ["EE", "FI", "LT", "LV", "PL"]
    europe = client.get("/api/v1/countries?region=Europe&status=withdrawal_pending&as_of=2025-09-01").get_json()
    assert sorted(i["iso2"] for i in europe["items"]) == ["EE", "FI", "LT", "LV", "PL"]


@pytest.mark.parametrize("q, iso2", [("burma", "MM"), ("IVORY coast", "CI"), ("cote d'ivoire", "CI"),
                                      ("Türkiye", "TR"), ("turkiye", "TR"), ("swaziland", "SZ"),
                                      ("north korea", "KP"), ("vatican", "VA")])
def test_search_by_any_name_or_alias_ignores_case_and_accents(client, q, iso2):
    items = client.get("/api/v1/countries", query_string={"q": q}).get_json()["items"]
    assert iso2 in [i["iso2"] for i in items]


def test_list_covers_all_197_states(client):
    # The 193 UN members and the Holy See, Palestine, the Cook Islands and Niue (seed_data/states.yaml).
    assert client.get("/api/v1/countries").get_json()["count"] == 197


def test_unknown_code_is_404_with_closest_matches(client):
    response = client.get("/api/v1/countries/FIM")
    assert response.status_code == 404 and response.content_type == "application/problem+json"
    assert "FI" in [c["iso2"] for c in response.get_json()["closest"]]


@pytest.mark.parametrize("query, parameter", [
    ("as_of=2021-02-30", "as_of"), ("as_of=99999-01-01", "as_of"), ("as_of=yesterday", "as_of"),
    ("status=party", "status"), ("region=Atlantis", "region"), ("treaty=" + "x" * 30, "treaty"),
    ("colour=red", "colour"), ("as_of=2020-01-01&as_of=2021-01-01", "as_of"),
])
def test_bad_parameters_are_400_problems_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/countries?{query}")
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    body = response.get_json()
    assert [p["name"] for p in body["invalid-params"]] == [parameter]
    assert parameter in body["detail"]


def test_bad_date_error_shows_a_valid_example(client):
    body = client.get("/api/v1/countries/FI/status?as_of=2021-02-30").get_json()
    assert "YYYY-MM-DD" in body["invalid-params"][0]["reason"]


# ISO 3166-1 numeric codes, as in seed_data/states.yaml: Finland 246, Afghanistan 004.
@pytest.mark.parametrize("code, iso2", [("246", "FI"), ("004", "AF"), ("4", "AF"), ("fin", "FI"), ("FI", "FI")])
def test_a_country_path_takes_alpha_and_numeric_codes(client, code, iso2):
    assert client.get(f"/api/v1/countries/{code}").get_json()["iso2"] == iso2
    assert client.get(f"/api/v1/countries/{code}/status?as_of=2026-06-01").status_code == 200


@pytest.mark.parametrize("code", ["0246", "999", "２４６"])
def test_other_digits_are_not_codes(client, code):
    assert client.get(f"/api/v1/countries/{code}").status_code == 404


def test_unknown_treaty_is_404_listing_valid_slugs(client):
    body = client.get("/api/v1/countries/FI/status?treaty=ccm").get_json()
    assert body["status"] == 404 and body["valid"] == ["apmbc"]


# The names people paste from the UN Treaty Collection and the UN member list, codes and
# everyday names: each must put the country meant first.
FIRST_MATCHES = [
    ("US", "US"), ("us", "US"), ("USA", "US"), ("840", "US"), ("United States of America", "US"),
    ("FI", "FI"), ("FIN", "FI"), ("246", "FI"), ("Finland", "FI"), ("Republic of Finland", "FI"),
    ("4", "AF"), ("004", "AF"),
    ("Republic of Korea", "KR"), ("the Republic of Korea", "KR"), ("South Korea", "KR"),
    ("Democratic People's Republic of Korea", "KP"), ("Democratic People’s Republic of Korea", "KP"),
    ("Iran (Islamic Republic of)", "IR"), ("Islamic Republic of Iran", "IR"), ("Viet Nam", "VN"),
    ("Türkiye", "TR"), ("Turkey", "TR"), ("Democratic Republic of the Congo", "CD"), ("Zaire", "CD"),
    ("Congo", "CG"), ("Bolivia (Plurinational State of)", "BO"), ("Venezuela (Bolivarian Republic of)", "VE"),
    ("Micronesia (Federated States of)", "FM"), ("Republic of Moldova", "MD"), ("State of Palestine", "PS"),
    ("United Republic of Tanzania", "TZ"), ("Lao People's Democratic Republic", "LA"), ("Holy See", "VA"),
    ("Netherlands (the)", "NL"), ("Guinea", "GN"), ("Niger", "NE"), ("Dominica", "DM"), ("Sudan", "SD"),
    ("Burma", "MM"), ("Swaziland", "SZ"), ("Ivory Coast", "CI"),
]


@pytest.mark.parametrize("q, iso2", FIRST_MATCHES)
def test_search_puts_the_country_meant_first(client, q, iso2):
    items = client.get("/api/v1/countries", query_string={"q": q}).get_json()["items"]
    assert items[0]["iso2"] == iso2, [i["iso2"] for i in items]


def test_republic_of_korea_is_never_north_korea_first_and_partial_matches_follow(client):
    items = [i["iso2"] for i in client.get("/api/v1/countries?q=Republic of Korea").get_json()["items"]]
    assert items[0] == "KR" and "KP" in items[1:]
    assert [i["iso2"] for i in client.get("/api/v1/countries?q=korea").get_json()["items"]] == ["KP", "KR"]


def test_an_explicit_sort_overrides_the_search_ranking(client):
    items = client.get("/api/v1/countries?q=us&sort=name").get_json()["items"]
    assert items[0]["iso2"] != "US" and [i["name"] for i in items] == sorted(i["name"] for i in items)


def test_policies_carry_the_precision_of_what_they_replaced_and_of_when_they_ended(client):
    before = client.get("/api/v1/countries/KR/policies?as_of=1996-01-01").get_json()["items"]
    transfer = next(p for p in before if p["dimension"] == "transfer")
    assert transfer["ended"] == "1997-01-01" and transfer["ended_precision"] == "year"
    now = client.get("/api/v1/countries/KR/policies?dimension=transfer").get_json()["items"][0]
    assert now["replaces"]["date_precision"] == "year" and now["ended_precision"] is None


@pytest.mark.usefixtures("frozen_clock")  # the default as_of: today, frozen
@pytest.mark.parametrize("code, start", [("US", "The United States "), ("CD", "The Democratic Republic of the Congo "),
                                         ("PS", "The State of Palestine "), ("FI", "Finland ")])
def test_status_summaries_name_the_state_as_prose(client, code, start):
    assert client.get(f"/api/v1/countries/{code}/status").get_json()["summary"].startswith(start)


def test_every_states_summary_is_a_sentence_without_iso_inversions(client):
    states = client.get("/api/v1/countries?limit=500").get_json()["items"]
    assert len(states) == len(seed_records("states.yaml"))
    for state in states:
        for day in ("2025-09-01", "2026-12-01"):
            summary = client.get(f"/api/v1/countries/{state['iso2']}/status?as_of={day}").get_json()["summary"]
            assert summary[0].isupper() and summary.endswith("."), summary
            assert not any(bad in summary for bad in (", The", ", State of", ", Republic of", ", Federated")), summary


@pytest.mark.usefixtures("frozen_clock")  # the default as_of: today, frozen
def test_an_undated_act_lowers_the_confidence_of_the_status(client):
    assert client.get("/api/v1/countries/LB/status").get_json()["confidence"] == "single_source"
    assert client.get("/api/v1/countries/US/status").get_json()["confidence"] == "confirmed_primary"


# UNTERM short names (datasets/country-codes at caa72d1e, source s-unterm-names), typed by hand
# from that file: Finland, Germany and the Republic of Korea in the six UN languages.
UN_NAMES = {
    "FI": {"ar": "فنلندا", "zh": "芬兰", "en": "Finland", "fr": "Finlande", "ru": "Финляндия", "es": "Finlandia"},
    "DE": {"ar": "ألمانيا", "zh": "德国", "en": "Germany", "fr": "Allemagne", "ru": "Германия", "es": "Alemania"},
    "KR": {"ar": "جمهورية كوريا", "zh": "大韩民国", "en": "Republic of Korea", "fr": "République de Corée",
           "ru": "Республика Корея", "es": "República de Corea"},
}


@pytest.mark.parametrize("iso2", UN_NAMES)
def test_a_country_has_its_names_in_the_six_un_languages(client, iso2):
    assert client.get(f"/api/v1/countries/{iso2}").get_json()["names"] == UN_NAMES[iso2]


def test_every_country_has_a_name_in_each_un_language_without_the_un_markers(client):
    codes = [i["iso2"] for i in client.get("/api/v1/countries?limit=250").get_json()["items"]]
    assert len(codes) == 197
    for code in codes:
        names = client.get(f"/api/v1/countries/{code}").get_json()["names"]
        assert sorted(names) == ["ar", "en", "es", "fr", "ru", "zh"] and all(names.values()), code
        assert not any(n.endswith(("*", "(the)", "(la)", "(le)", "(el)", "(l')")) for n in names.values()), code


@pytest.mark.parametrize("q, iso2", [("Finlande", "FI"), ("Alemania", "DE"), ("Финляндия", "FI"), ("德国", "DE"),
                                      ("République de Corée", "KR"), ("republica de corea", "KR"),
                                      ("Pays-Bas", "NL"), ("Países Bajos", "NL"), ("Côte d’Ivoire", "CI")])
def test_search_matches_a_name_in_any_un_language_first(client, q, iso2):
    items = client.get("/api/v1/countries", query_string={"q": q}).get_json()["items"]
    assert items[0]["iso2"] == iso2, [i["iso2"] for i in items]


@pytest.mark.usefixtures("frozen_clock")  # a cache hit expected: the cache key holds the day
@pytest.mark.parametrize("code, as_of, status, summary", [
    # Poland signed on 4 December 1997 and ratified on 27 December 2012 (UNTC XXVI-5,
    # https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVI-5&chapter=26&clang=_en;
    # Landmine Monitor 2013, seed_data source c-monitor-poland-2013).
    ("PL", "2000-01-01", "signatory", "Poland signed the Mine Ban Treaty on 4 December 1997 but has not ratified it."),
    # The Marshall Islands deposited its ratification on 12 March 2025, in force on 1 September 2025 (ICBL,
    # https://www.icblcmc.org/our-impact/marshall-islands-becomes-the-165th-state-party-to-the-mine-ban-treaty).
    ("MH", "2025-05-01", "consented_not_in_force",
     "The Marshall Islands deposited its instrument of ratification to the Mine Ban Treaty on 12 March 2025; "
     "the treaty enters into force for the Marshall Islands on 1 September 2025."),
])
def test_the_sentence_of_a_signatory_and_of_a_consent_not_yet_in_force(client, app_factory, code, as_of, status,
                                                                      summary):
    """Through the API, in Flask and again from the front door (whose answers for any date come
    from the per-state intervals, not from the view)."""
    url = f"/api/v1/countries/{code}/status?as_of={as_of}"
    body = client.get(url).get_json()
    assert (body["status"], body["summary"]) == (status, summary)
    front = app_factory(VERSION_CHECK_SECONDS=60)
    assert front.test_client().get("/api/v1/countries/FI/status?as_of=2020-01-01").status_code == 200  # learns
    front.wsgi_app.inner = lambda *args: pytest.fail(f"{url} went into Flask")
    fast = front.test_client().get(url)
    assert fast.headers["X-Cache"] == "hit" and fast.get_json() == body


# A made-up withdrawal held by Article 20(3) (no withdrawal in seed_data is held): Ukraine, a state
# party since 1 June 2006 in the small seed (tests/fixtures/seed_small), notifying on 15 January 2030
# while engaged in an armed conflict that ends on 9 May 2031. Article 20(2): effect six months after
# the notification (15 July 2030); Article 20(3): not while the state is engaged in an armed conflict.
HELD = {"id": "apmbc-ua-withdrawal-held", "state": "UA", "kind": "withdrawal", "date": "2030-01-15",
        "effective": "2030-07-15", "armed_conflict_hold": True, "conflict_ended": "2031-05-09",
        "confidence": "single_source", "sources": ["t-untc-status"]}
HELD_STATUSES = [
    ("2030-03-01", "withdrawal_pending", "2030-01-15",
     "Ukraine notified its withdrawal from the Mine Ban Treaty on 15 January 2030; the withdrawal would take "
     "effect on 15 July 2030, but under Article 20(3) not while Ukraine is engaged in an armed conflict. Ukraine "
     "is still a state party, bound by the treaty, as it has been since 1 June 2006."),
    ("2031-01-01", "withdrawal_suspended", "2030-07-15",
     "Ukraine notified its withdrawal from the Mine Ban Treaty on 15 January 2030, but under Article 20(3) it does "
     "not take effect while Ukraine is engaged in an armed conflict, so Ukraine remains bound; it has been a state "
     "party since 1 June 2006."),
    ("2031-06-01", "withdrawn", "2031-05-09",
     "Ukraine withdrew from the Mine Ban Treaty with effect from 9 May 2031; it had been a state party since "
     "1 June 2006."),
]


def test_a_withdrawal_held_by_an_armed_conflict_through_the_api(small_app, small_client):
    """withdrawal_suspended written by a curator and read back: the status, its sentence, the
    participants filter, and the same answers from the front door (VERSION_CHECK_SECONDS > 0)."""
    written = small_client.post("/api/v1/treaty-actions", json=HELD, headers=bearer())
    assert written.status_code == 201, written.json
    answers = {}
    for as_of, status, since, summary in HELD_STATUSES:
        body = small_client.get(f"/api/v1/countries/UA/status?as_of={as_of}").get_json()
        assert (body["status"], body["since"], body["summary"]) == (status, since, summary), as_of
        assert body["caused_by"]["id"] == HELD["id"]
        answers[as_of] = body
    suspended = small_client.get("/api/v1/treaties/apmbc/participants?as_of=2031-01-01&status=withdrawal_suspended")
    assert [item["iso2"] for item in suspended.get_json()["items"]] == ["UA"]

    front = make_app(small_app.config["SQLALCHEMY_DATABASE_URI"], VERSION_CHECK_SECONDS=60)
    reader = front.test_client()
    assert reader.get("/api/v1/countries/CA/status?as_of=2020-01-01").status_code == 200  # Flask: learns
    front.wsgi_app.inner = lambda *args: pytest.fail("a status for a date went into Flask")
    for as_of, body in answers.items():
        fast = reader.get(f"/api/v1/countries/UA/status?as_of={as_of}")
        assert fast.headers["X-Cache"] == "hit" and fast.get_json() == body, as_of
    with front.app_context():
        db.engine.dispose()
