"""How names are compared and ranked (api/rules/names.py): pure, no app. The states are the curated
records of seed_data/states.yaml (ISO 3166 codes and names, UNTERM official names, aliases)."""
from pathlib import Path

import pytest
import yaml

from api.rules import names as n

STATES = {s["iso2"]: s for s in yaml.safe_load((Path(__file__).parent.parent / "seed_data" / "states.yaml").read_text())}


def rank(query, iso2):
    state = STATES[iso2]
    return n.match_rank(query, (state["iso2"], state["iso3"], state["numeric"]), state["name"],
                        [state["official_name"], *state["aliases"]])


@pytest.mark.parametrize("text, folded", [
    ("Türkiye", "turkiye"), ("CÔTE D’IVOIRE", "cote d’ivoire"), ("São Tomé", "sao tome"),
    ("Straße", "strasse"),  # casefold, not lower(): ß folds to ss
])
def test_fold_removes_case_and_accents(text, folded):
    assert n.fold(text) == folded


@pytest.mark.parametrize("text, key", [
    ("the Netherlands", "netherlands"), ("The Gambia", "gambia"), ("Sudan (the)", "sudan"),
    ("Sudan(the)", "sudan"), ("  Côte  d’Ivoire ", "cote d'ivoire"), ("Cote d`Ivoire", "cote d'ivoire"),
    ("Timor–Leste", "timor-leste"), ("Timor—Leste", "timor-leste"), ("Timor‐Leste", "timor-leste"),
    ("Côte d‘Ivoire", "cote d'ivoire"),
    ("Theland", "theland"),  # only the word "the" is an article
    ("Bathe (the) Islands", "bathe (the) islands"),  # "(the)" only at the end
])
def test_name_key_folds_quotes_dashes_spaces_and_the_article(text, key):
    assert n.name_key(text) == key


def test_the_records_used_below_are_those_of_the_seed():
    # South Korea: ISO 3166 KR/KOR/410, UNTERM "Republic of Korea", aliases ROK and the ISO inversion.
    assert STATES["KR"]["name"] == "South Korea" and STATES["KR"]["numeric"] == "410"
    assert STATES["KR"]["official_name"] == "Republic of Korea" and "ROK" in STATES["KR"]["aliases"]
    assert STATES["AF"]["numeric"] == "004"  # ISO 3166-1 numeric of Afghanistan


@pytest.mark.parametrize("query, iso2, expected", [
    ("KR", "KR", n.EXACT_CODE), ("kor", "KR", n.EXACT_CODE), (" 410 ", "KR", n.EXACT_CODE),
    ("4", "AF", n.EXACT_CODE), ("04", "AF", n.EXACT_CODE),  # a numeric code typed without its zeros
    ("South Korea", "KR", n.EXACT_NAME), ("south  KOREA", "KR", n.EXACT_NAME),
    ("Republic of Korea", "KR", n.EXACT_OTHER_NAME), ("rok", "KR", n.EXACT_OTHER_NAME),
    ("Korea, Republic of", "KR", n.EXACT_OTHER_NAME),
    ("sou", "KR", n.NAME_PREFIX), ("republic of k", "KR", n.NAME_PREFIX),
    ("korea", "KR", n.NAME_PREFIX),  # the alias "Korea, Republic of" starts so
    ("people", "KP", n.WORD_PREFIX), ("of korea", "KR", n.WORD_PREFIX),
    ("orea", "KR", n.PART), ("uth kor", "KR", n.PART),
    ("xyz", "KR", None), ("", "KR", None), ("   ", "KR", None), ("41", "KR", None), ("Japan", "KR", None),
])
def test_match_rank_orders_codes_names_other_names_prefixes_and_parts(query, iso2, expected):
    assert rank(query, iso2) == expected


def test_ranks_are_ordered_best_first_and_exact_ones_are_named():
    assert n.EXACT_CODE < n.EXACT_NAME < n.EXACT_OTHER_NAME < n.NAME_PREFIX < n.WORD_PREFIX < n.PART
    assert {n.EXACT_CODE, n.EXACT_NAME, n.EXACT_OTHER_NAME} == n.EXACT_RANKS


@pytest.mark.parametrize("name, short", [
    ("Congo, The Democratic Republic of the", "Democratic Republic of the Congo"),
    ("Congo, the Democratic Republic of the", "Democratic Republic of the Congo"),
    ("Palestine, State of", "State of Palestine"), ("Korea, Republic of", "Republic of Korea"),
    ("Finland", "Finland"), ("Guinea-Bissau", "Guinea-Bissau"),
])
def test_short_names_put_iso_inversions_in_natural_order(name, short):
    assert n.short_name(name) == short


def test_un_names_are_the_six_languages_in_un_order_and_nothing_for_an_unknown_code():
    # Finland in UNTERM (source s-unterm-names): Finlande (fr), Finlandia (es), Финляндия (ru), 芬兰 (zh)
    names = n.un_names("FI")
    assert list(names) == ["ar", "zh", "en", "fr", "ru", "es"]
    assert (names["en"], names["fr"], names["es"], names["ru"], names["zh"]) == \
        ("Finland", "Finlande", "Finlandia", "Финляндия", "芬兰")
    assert n.un_names("XX") == {}
