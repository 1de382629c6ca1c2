"""Write api/rules/un_names.json: each state's short name in the six UN languages.

Source: datasets/country-codes, data/country-codes.csv at commit caa72d1e0e5af8876c170bb36a9e4d64a01bba88
(seed source s-unterm-names), columns 'UNTERM <Language> Short' (the UN terminology database's
short names). The UN's markers are dropped: the article in parentheses ("Finlande (la)"), and
the asterisks of a non-member ("State of Palestine (the) *", "Cook Islands (the) **"). Where
UNTERM has no row for a state
(Côte d'Ivoire and Türkiye at that commit), the UN Statistics Division's M49 names in the
columns 'official_name_<xx>' are used, except in English, where the dataset's own name is used
(that commit's official_name_en for CI reads "Ivory Coast", which is not the UN's form).

    python tools/build_un_names.py path/to/country-codes.csv
"""
import csv
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish"}
M49_COLUMN = {"ar": "official_name_ar", "zh": "official_name_cn", "fr": "official_name_fr",
              "ru": "official_name_ru", "es": "official_name_es"}
# "(la)", "(l')", "(the)", "(el)", "(los)", "(les)"...: the article the UN lists write after a name
ARTICLE = re.compile(r"\s*\((the|la|le|les|l'|l’|el|los|las)\)\s*$")


def clean(name: str) -> str:
    return ARTICLE.sub("", name.strip().rstrip("*").strip())


def main(csv_path: str) -> None:
    with open(csv_path, encoding="utf-8") as file:
        rows = {row["ISO3166-1-Alpha-2"]: row for row in csv.DictReader(file)}
    states = yaml.safe_load((ROOT / "seed_data" / "states.yaml").read_text())
    names = {}
    for state in states:
        row = rows[state["iso2"]]
        entry = {}
        for code, language in LANGUAGES.items():
            unterm = clean(row[f"UNTERM {language} Short"])
            entry[code] = unterm or (state["name"] if code == "en" else clean(row[M49_COLUMN[code]]))
            assert entry[code], (state["iso2"], code)
        names[state["iso2"]] = entry
    out = ROOT / "api" / "rules" / "un_names.json"
    out.write_text(json.dumps(names, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    print(f"{len(names)} states written to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
