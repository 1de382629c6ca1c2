"""`flask writeback`: API writes flow back into seed_data/, and loading them again is a no-op."""
import yaml
from helpers import CA_WITHDRAWAL, NEW_SOURCE, US_POSITION, bearer, seed


def writeback(app, seed_dir):
    return app.test_cli_runner().invoke(args=["writeback", "--seed-dir", str(seed_dir)])


def snapshot(seed_dir):
    return {p.relative_to(seed_dir).as_posix(): p.read_text() for p in sorted(seed_dir.rglob("*.yaml"))}


def test_api_writes_are_written_back_and_reloading_them_changes_nothing(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    before = snapshot(seed_dir)
    client, auth = empty_app.test_client(), bearer()
    client.post("/api/v1/sources", json=NEW_SOURCE, headers=auth)
    client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL | {"sources": [NEW_SOURCE["id"]]}, headers=auth)
    client.post("/api/v1/policy-positions", json=US_POSITION | {"state": "CA", "id": "ca-2026-03-01-use"},
                headers=auth)
    client.post("/api/v1/sources/t-aca-2026-01/corrections", headers=auth | {"If-Match": '"r1"'},
                json={"reason": "Title as published.", "changes": {"title": "Countries leave the treaty"}})

    result = writeback(empty_app, seed_dir)
    assert result.exit_code == 0, result.output
    after = snapshot(seed_dir)
    assert set(after) - set(before) == {"sources/curated.yaml", "policies/CA.yaml"}
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"treaty_actions/apmbc.yaml", "sources/facts.yaml"}
    actions = after["treaty_actions/apmbc.yaml"]
    assert actions.startswith(before["treaty_actions/apmbc.yaml"])  # appended; old lines untouched
    assert yaml.safe_load(actions)[-1]["id"] == "apmbc-ca-withdrawal"
    assert "title: Countries leave the treaty" in after["sources/facts.yaml"]

    reload = seed(empty_app, seed_dir)
    assert reload.exit_code == 0 and reload.output.strip() == "seed: nothing to change"
    again = writeback(empty_app, seed_dir)
    assert again.output.strip() == "writeback: nothing to write" and snapshot(seed_dir) == after


def test_an_uncited_source_waits_until_a_record_cites_it(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    empty_app.test_client().post("/api/v1/sources", json=NEW_SOURCE, headers=bearer())
    result = writeback(empty_app, seed_dir)
    assert f"source {NEW_SOURCE['id']}: cited by no record yet; not written" in result.output
    assert seed(empty_app, seed_dir).exit_code == 0  # the files stay loadable


def test_seed_refuses_to_undo_api_writes_that_were_not_written_back(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    client, auth = empty_app.test_client(), bearer()
    client.post("/api/v1/sources/t-aca-2026-01/corrections", headers=auth | {"If-Match": '"r1"'},
                json={"reason": "Title as published.", "changes": {"title": "Countries leave the treaty"}})
    client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth)
    stale = seed(empty_app, seed_dir, "--prune")
    assert stale.exit_code == 1
    assert "source t-aca-2026-01: loading the files would undo revision 2" in stale.output
    assert "treaty_action apmbc-ca-withdrawal: loading the files would undo revision 1" in stale.output
    assert client.get("/api/v1/sources/t-aca-2026-01").json["title"] == "Countries leave the treaty"
    writeback(empty_app, seed_dir)
    assert seed(empty_app, seed_dir, "--prune").output.strip() == "seed: nothing to change"


def test_seed_force_loads_the_files_over_api_writes_not_written_back(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    title = next(s["title"] for s in yaml.safe_load((seed_dir / "sources" / "facts.yaml").read_text())
                 if s["id"] == "t-aca-2026-01")
    client, auth = empty_app.test_client(), bearer()
    client.post("/api/v1/sources/t-aca-2026-01/corrections", headers=auth | {"If-Match": '"r1"'},
                json={"reason": "Title as published.", "changes": {"title": "Countries leave the treaty"}})
    assert client.post("/api/v1/treaty-actions", json=CA_WITHDRAWAL, headers=auth).status_code == 201
    assert seed(empty_app, seed_dir, "--prune").exit_code == 1  # the control: refused without --force

    forced = seed(empty_app, seed_dir, "--prune", "--force")
    assert forced.exit_code == 0, forced.output
    assert client.get("/api/v1/sources/t-aca-2026-01").json["title"] == title != "Countries leave the treaty"
    history = [item["record"]["id"] for item in client.get("/api/v1/countries/CA/history").json["items"]]
    assert history and CA_WITHDRAWAL["id"] not in history  # pruned: Canada's own acts remain
    assert client.get("/api/v1/countries/CA/status?as_of=2026-09-01").json["status"] == "state_party"
    revisions = client.get("/api/v1/revisions/source/t-aca-2026-01").json["revisions"]
    assert [(r["revision"], r["author"]) for r in revisions][-1] == (3, "seed")  # undone, and on the record
    assert seed(empty_app, seed_dir, "--prune").output.strip() == "seed: nothing to change"
