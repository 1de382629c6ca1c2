"""How names are compared: one folded form for search, whatever the case or accents, and the
rank of a match, so that the country a person means comes first."""
import functools
import json
import re
import unicodedata
from pathlib import Path

# Match ranks, best first. A code or a name typed whole beats any part of a name.
EXACT_CODE, EXACT_NAME, EXACT_OTHER_NAME, NAME_PREFIX, WORD_PREFIX, PART = range(6)
EXACT_RANKS = frozenset({EXACT_CODE, EXACT_NAME, EXACT_OTHER_NAME})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "–": "-", "—": "-"})


UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
UN_NAMES_FILE = Path(__file__).parent / "un_names.json"  # written by tools/build_un_names.py


@functools.cache
def _un_names() -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = json.loads(UN_NAMES_FILE.read_text(encoding="utf-8"))
    return names


def un_names(iso2: str) -> dict[str, str]:
    """A state's short name in the six UN languages (UNTERM, source s-unterm-names), by language code."""
    names = _un_names().get(iso2, {})
    return {language: names[language] for language in UN_LANGUAGES if language in names}


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(text: str) -> str:
    """The form two names are compared whole in: folded, one kind of apostrophe, single spaces,
    and without the article the UN lists write around a name ("the Netherlands", "Sudan (the)")."""
    key = " ".join(fold(text).translate(_QUOTES).split())
    key = re.sub(r"\s*\(the\)$", "", key)
    return key[4:] if key.startswith("the ") else key


def match_rank(query: str, codes: tuple[str, ...], name: str, other_names: list[str]) -> int | None:
    """How well `query` names a country: an EXACT_* rank when it is one of its codes (alpha-2,
    alpha-3, numeric), its name, or another of its names (official, UN, alias, former) whole;
    else NAME_PREFIX, WORD_PREFIX or PART for part of a name; None when it matches nothing."""
    key = name_key(query)
    if not key:
        return None
    code = query.strip().upper()
    if code in codes or (code.isdigit() and code.zfill(3) in codes):
        return EXACT_CODE
    keys = [name_key(name), *(name_key(other) for other in other_names)]
    if key == keys[0]:
        return EXACT_NAME
    if key in keys:
        return EXACT_OTHER_NAME
    if any(k.startswith(key) for k in keys):
        return NAME_PREFIX
    if any(re.search(rf"(?<!\w){re.escape(key)}", k) for k in keys):
        return WORD_PREFIX
    if any(key in k for k in keys):
        return PART
    return None


# Prose: the name a sentence uses. ISO lists invert some names ("Congo, The Democratic Republic
# of the"); English puts "the" before names that are a description ("Republic", "Kingdom",
# "States", "Islands"...) or a plural, as the UN's own short names mark with "(the)".
_THE_WORDS = frozenset({"Republic", "Kingdom", "Federation", "States", "Emirates", "Islands", "Union"})
_THE_NAMES = frozenset({"Netherlands", "Philippines", "Bahamas", "Comoros", "Gambia", "Holy See"})
_PROSE_EXCEPTIONS = {
    "Holy See (Vatican City State)": "the Holy See",
    "Congo": "the Republic of the Congo",  # "the Congo" alone is read as its neighbour too
}


def short_name(name: str) -> str:
    """The name in natural order: 'Congo, The Democratic Republic of the' -> 'Democratic Republic
    of the Congo', 'Palestine, State of' -> 'State of Palestine'; other names unchanged."""
    if ", " not in name:
        return name
    head, tail = name.split(", ", 1)
    natural = f"{tail} {head}"
    return natural[4:] if natural.startswith(("The ", "the ")) else natural


def prose_name(name: str) -> str:
    """The name as a sentence uses it, with a lower-case 'the' where English needs one:
    'the United States', 'the Democratic Republic of the Congo', 'Finland'."""
    if name in _PROSE_EXCEPTIONS:
        return _PROSE_EXCEPTIONS[name]
    short = short_name(name)
    words = set(short.replace("-", " ").split())
    if short in _THE_NAMES or words & _THE_WORDS or short.startswith("State of "):
        return f"the {short}"
    return short
