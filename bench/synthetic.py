"""A synthetic seed directory `scale` times the size of seed_data/, for the scale check.

States must stay ISO codes, so the growth goes into the two tables that grow in real life:
- treaty actions, under a second treaty `synthetic` (same rules as apmbc), so that every
  fact about the real treaty stays as it is: each state signs, accedes, then files many
  declarations, with effective dates computed by the treaty's articles;
- policy positions: each state gets many old (1900-1950) positions with distinct ids, so
  the real positions in force today are unchanged.
Totals are about `scale` times the real ones. The result passes `api.write.seed_files.read_seed`.

    python bench/synthetic.py 100 /tmp/seed100   # build and validate
"""
from __future__ import annotations

import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api.rules import status
from api.rules.status import rules_of
from api.write.seed_files import read_seed

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
DIMENSIONS = ("use", "production", "stockpiling", "transfer")


def _load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text()) or []


def _treaty(real: dict) -> dict:
    return {**real, "slug": "synthetic", "name": "Synthetic benchmark treaty (not real data)",
            "short_name": "Synthetic treaty", "aliases": [], "untc_reference": None}


def _actions(states: dict[str, dict], count: int, treaty: dict, sources: list[str]) -> list[dict]:
    """About `count` actions: per state a signature (not before the state exists), an accession,
    then declarations."""
    rules, per_state = rules_of(treaty), max(3, -(-count // len(states)))
    actions = []
    for number, iso2 in enumerate(sorted(states)):
        signed = max(date(1998, 1, 1), states[iso2]["exists_from"] or date.min) + timedelta(days=number)
        acceded = signed + timedelta(days=400)
        base = {"state": iso2, "treaty": "synthetic", "date_precision": "day", "confidence": "single_source",
                "sources": sources, "notes": "Synthetic benchmark record."}
        slug = f"synthetic-{iso2.lower()}"
        actions.append({**base, "id": f"{slug}-signature", "kind": "signature", "date": signed, "effective": None})
        consent = status.Act("x", "accession", acceded)
        actions.append({**base, "id": f"{slug}-accession", "kind": "accession", "date": acceded,
                        "effective": status.expected_effective(consent, rules)})
        for n in range(per_state - 2):
            actions.append({**base, "id": f"{slug}-declaration-{n}", "kind": "suspension_declaration",
                            "date": acceded + timedelta(days=30 * (n + 1)), "effective": None})
    return actions


def _positions(states: list[str], count: int, sources: list[str]) -> dict[str, list[dict]]:
    """About `count` old policy positions, spread evenly over the states."""
    per_state, result = max(1, -(-count // len(states))), {}
    for iso2 in states:
        result[iso2] = [{
            "id": f"synthetic-{iso2.lower()}-{n}", "state": iso2, "dimension": DIMENSIONS[n % len(DIMENSIONS)],
            "position": "permitted", "restriction": None, "summary": "Synthetic benchmark position.",
            "effective": date(1900, 1, 1) + timedelta(days=60 * n), "date_precision": "day",
            "announced_by": None, "quote": None, "notes": "Synthetic benchmark record.",
            "confidence": "single_source", "sources": sources} for n in range(per_state)]
    return result


def build(scale: int, target: Path, validate: bool = True) -> dict[str, int]:
    """Write the synthetic seed directory to `target`; returns its treaty action and policy
    position counts. `validate=False` leaves validation to `flask seed`, which does it anyway."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SEED_DIR, target)
    real = read_seed(SEED_DIR).tables
    states = sorted(real["state"])
    treaty = _load(SEED_DIR / "treaties.yaml")[0]
    sources = treaty["sources"]
    extra_actions = max(len(real["treaty_action"]) * scale - len(real["treaty_action"]), 3 * len(states))
    extra_positions = len(real["policy_position"]) * (scale - 1)
    (target / "treaties.yaml").write_text(yaml.safe_dump([treaty, _treaty(treaty)], sort_keys=False))
    actions = _actions(real["state"], extra_actions, treaty, sources)
    (target / "treaty_actions" / "synthetic.yaml").write_text(yaml.safe_dump(actions, sort_keys=False))
    positions = _positions(states, extra_positions, sources) if extra_positions else {}
    for iso2, items in positions.items():
        (target / "policies" / f"synthetic-{iso2}.yaml").write_text(yaml.safe_dump(items, sort_keys=False))
    if validate:
        read_seed(target)  # raises SeedError listing every problem
    return {"treaty_action": len(real["treaty_action"]) + len(actions),
            "policy_position": len(real["policy_position"]) + sum(map(len, positions.values()))}


if __name__ == "__main__":
    print(build(int(sys.argv[1]), Path(sys.argv[2])))
