"""Print the one line `make mutation` ends with, from mutmut's CI/CD stats: killed over all mutants
(a mutant no test runs counts as not killed), and exit 1 below the target (tests/README.md)."""
import json
import sys
from pathlib import Path

TARGET = 90  # percent of mutants killed; the survivors are explained in tests/README.md


def main(path: str = "mutants/mutmut-cicd-stats.json") -> int:
    stats = json.loads(Path(path).read_text())
    killed, total = stats["killed"] + stats["timeout"], stats["total"]
    for kind in ("survived", "no_tests", "suspicious", "skipped", "segfault"):
        if stats[kind]:
            print(f"  {kind}: {stats[kind]}")
    score = 100 * killed // total if total else 0
    print(f"mutation score: {score}% ({killed}/{total})")
    return 0 if total and score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
