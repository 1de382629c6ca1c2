"""Finding the state a person means from what they typed: matches ranked by api.rules.names (the
closest names when nothing matches are queries.closest_states, for a 404)."""
from __future__ import annotations

from api.read.queries import all_states
from api.read.snapshot import Record
from api.rules.names import EXACT_OTHER_NAME, EXACT_RANKS, PART, match_rank, un_names


def search_rank(state: Record, text: str) -> int | None:
    """How well `text` names `state` (api.rules.names ranks, best first), None for no match."""
    rank = match_rank(text, (state.iso2, state.iso3, state.numeric), state.name, [state.official_name, *state.aliases])
    if rank in EXACT_RANKS:
        return rank
    # A name in another UN language ("Finlande", "Alemania") typed whole counts as any other
    # name; part of one ranks after every English match ("gui" is Guinea before "Guinea Ecuatorial").
    names = list(un_names(state.iso2).values())
    foreign = match_rank(text, (), names[0], names[1:]) if names else None
    if foreign in EXACT_RANKS:
        return EXACT_OTHER_NAME
    return rank if rank is not None else PART if foreign is not None else None


def search_states(text: str) -> list[Record]:
    """States `text` names, the one a person most likely means first: codes and whole names
    (name, official or UN name in any of the six UN languages, alias, former name) before parts
    of names; then by name."""
    ranked = [(rank, state.name, state) for state in all_states()
              if (rank := search_rank(state, text)) is not None]
    return [state for _, _, state in sorted(ranked, key=lambda r: r[:2])]
