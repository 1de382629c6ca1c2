"""Sources in order of authority, wherever a record's sources are listed (API, pages, exports):
the depositary (the UN) and governments first, then the Convention's own bodies (its meetings and
Implementation Support Unit), then the monitors (Landmine and Cluster Munition Monitor, ICBL),
then the press, then everything else. Within a rank, sources keep their id order.

The rank is read from a source's publisher, the field every source has (seed_data/sources/).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

DEPOSITARY_AND_GOVERNMENTS, CONVENTION_BODIES, MONITORS, PRESS, OTHERS = range(5)
RANK_NAMES = ("depositary_or_government", "convention_body", "monitor", "press", "other")

# (rank, words of a publisher's name), tried in order: the first rank with a word in the name wins.
_WORDS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (CONVENTION_BODIES, ("implementation support unit", "mine ban convention", "meeting of the states parties",
                         "review conference", "summit on a mine-free world", "committee on article 5",
                         "15msp presidency")),
    (MONITORS, ("landmine and cluster munition monitor", "international campaign to ban landmines",
                "landmine monitor", "icbl")),
    (DEPOSITARY_AND_GOVERNMENTS, ("united nations", "un office", "ministry", "ministerie", "ministero",
                                  "government", "permanent mission", "department of", "white house",
                                  "embassy", "parliament", "senator", "congressional research service",
                                  "republic of", "kingdom of", "mine action cent", "mine action authority",
                                  "victim assistance authority",
                                  "national security and defense council", "tractatenblad", "boletín oficial",
                                  "dziennik ustaw", "statutes at large", "human rights commission of")),
    (OTHERS, ("human rights watch", "red cross", "rode kruis", "mine action review", "wiki", "standardization",
              "package", "open knowledge", "arms control association", "center for", "institute", "foundation",
              "society of", "federation of", "people's aid", "mines advisory group", "wipo", "legal information",
              "prohibition of chemical weapons", "organization of american states", "campaign to ban landmines",
              "campaña", "blog", "reliefweb", "lexaris", "iplex", "quincy")),
)

T = TypeVar("T")


def authority_rank(publisher: str) -> int:
    """The rank of a publisher: 0 (depositary, governments) ... 4 (others). An unknown publisher
    is press: the publishers no word above names are news outlets (seed_data/sources/)."""
    name = publisher.casefold()
    for rank, words in _WORDS:
        if any(word in name for word in words):
            return rank
    return PRESS


def by_authority(sources: Iterable[T]) -> list[T]:
    """`sources` (records or dicts with a `publisher`) in order of authority, stable within a rank."""
    def publisher(source: Any) -> str:
        return str(source["publisher"] if isinstance(source, dict) else source.publisher)
    return sorted(sources, key=lambda source: authority_rank(publisher(source)))
