"""Correlates of War and Gleditsch-Ward state numbers: in the seed files, the country resource and
every export table about states, unknown left empty.

Expected values are read by hand from the crosswalk the seed cites (source s-countrycode):
vincentarelbundock/countrycode, commit 284d6a2f7e49d826e10894227a05d4c857e21540,
dictionary/codelist_without_cldr.csv, columns iso3c, cown, gwn.
"""
import io

import pandas as pd
import pytest
import yaml
from helpers import SEED_DIR

# iso3 -> (cown, gwn) as in the crosswalk's rows; None where its cell is empty
CROSSWALK = {"USA": (2, 2), "CAN": (20, 20), "NAM": (565, 565), "AFG": (700, 700), "DEU": (255, 260),
             "RUS": (365, 365), "AND": (232, None), "YEM": (679, None), "SRB": (None, 340),
             "PSE": (None, None), "COK": (None, None), "NIU": (None, None)}
STATE_TABLES = ["states", "treaty_actions", "policy_positions", "obligations", "statuses", "membership_timeline",
                "obligation_status", "country_year"]


def test_the_seed_carries_the_crosswalks_codes_and_cites_it():
    states = {s["iso3"]: s for s in yaml.safe_load((SEED_DIR / "states.yaml").read_text())}
    assert len(states) == 197
    for iso3, codes in CROSSWALK.items():
        assert (states[iso3]["cow_code"], states[iso3]["gw_code"]) == codes, iso3
        assert ("s-countrycode" in states[iso3]["sources"]) == (codes != (None, None)), iso3
    assert sum(s["cow_code"] is None for s in states.values()) == 4


def test_the_country_resource_gives_both_codes_or_null(client):
    for iso3, (cow, gw) in CROSSWALK.items():
        body = client.get(f"/api/v1/countries/{iso3}").get_json()
        assert (body["cow_code"], body["gw_code"]) == (cow, gw), iso3


@pytest.mark.slow
@pytest.mark.parametrize("table", STATE_TABLES)
def test_every_state_table_carries_the_codes_empty_when_unknown(client, table):
    body = client.get(f"/api/v1/exports/{table}.csv?as_of=2026-01-15").data
    frame = pd.read_csv(io.BytesIO(body), keep_default_na=False, na_values=[""], dtype={"numeric": str})
    assert {"cow_code", "gw_code"} <= set(frame.columns) and len(frame) > 0
    codes = frame.drop_duplicates("iso3").set_index("iso3")
    seen = [iso3 for iso3 in CROSSWALK if iso3 in codes.index]
    assert seen
    for iso3 in seen:
        got = tuple(None if pd.isna(v) else int(v) for v in codes.loc[iso3, ["cow_code", "gw_code"]])
        assert got == CROSSWALK[iso3], (table, iso3)
