"""Finding the state a person means from what they typed: matches ranked by api.rules.names (the
closest names when nothing matches are queries.closest_states, for a 404)."""
from __future__ import annotations

from api.read.queries import all_states
from api.read.snapshot import Record
from api.rules.names import match_rank, un_names


def search_rank(state: Record, text: str) -> int | None:
    """How well `text` names `state` (api.rules.names ranks, best first), None for no match."""
    return match_rank(text, (state.iso2, state.iso3, state.numeric), state.name,
                      [state.official_name, *state.aliases, *un_names(state.iso2).values()])


def search_states(text: str) -> list[Record]:
    """States `text` names, the one a person most likely means first: codes and whole names
    (name, official or UN name in any of the six UN languages, alias, former name) before parts
    of names; then by name."""
    ranked = [(rank, state.name, state) for state in all_states()
              if (rank := search_rank(state, text)) is not None]
    return [state for _, _, state in sorted(ranked, key=lambda r: r[:2])]
