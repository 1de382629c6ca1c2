"""The `flask seed` command: validate, diff, apply in one transaction; idempotent."""
import pytest
import yaml
from helpers import edit, seed

from api.extensions import db
from api.models import DatasetVersion, PolicyPosition, TreatyAction


def test_first_run_loads_everything_and_second_run_changes_nothing(empty_app, seed_dir):
    first = seed(empty_app, seed_dir)
    assert first.exit_code == 0 and "treaty_action: added apmbc-fi-withdrawal" in first.output
    second = seed(empty_app, seed_dir)
    assert second.exit_code == 0 and second.output.strip() == "seed: nothing to change"
    assert db.session.query(DatasetVersion).count() == 1


def test_an_edit_updates_exactly_that_record_and_records_a_new_version(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    result = seed(empty_app, seed_dir)
    assert result.exit_code == 0
    assert result.output.splitlines() == ["policy_position: changed us-2022-06-21-use: restriction",
                                          "seed: 1 change(s)"]
    db.session.expire_all()
    assert db.session.get(PolicyPosition, "us-2022-06-21-use").restriction == "Korean Peninsula"
    latest = db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.loaded_at.desc())).first()
    assert latest.changes == [{"table": "policy_position", "id": "us-2022-06-21-use", "change": "changed",
                               "kind": "correction",
                               "fields": {"restriction": ["Korean Peninsula only", "Korean Peninsula"]}}]
    assert db.session.query(DatasetVersion).count() == 2


def test_a_removed_record_is_reported_and_deleted_only_with_prune(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    path = seed_dir / "treaty_actions" / "apmbc.yaml"
    records = [r for r in yaml.safe_load(path.read_text()) if r["id"] != "apmbc-ca-signature"]
    path.write_text(yaml.safe_dump(records, sort_keys=False))
    reported = seed(empty_app, seed_dir)
    assert "not in the files (use --prune to remove) apmbc-ca-signature" in reported.output
    assert db.session.get(TreatyAction, "apmbc-ca-signature") is not None
    pruned = seed(empty_app, seed_dir, "--prune")
    assert "treaty_action: removed apmbc-ca-signature" in pruned.output
    db.session.expire_all()
    assert db.session.get(TreatyAction, "apmbc-ca-signature") is None


@pytest.mark.parametrize("record_id, change, message", [
    ("apmbc-fi-accession", {"effective": "2012-06-01"},
     "treaty_actions/apmbc.yaml: record apmbc-fi-accession: field 'effective': is 2012-06-01, the treaty's articles give 2012-07-01"),
    ("apmbc-fi-withdrawal", {"kind": "leaving"}, "record #4 (apmbc-fi-withdrawal): field 'kind': Must be one of"),
    ("apmbc-fi-accession", {"sources": []}, "field 'sources': Cite at least one source."),
    ("apmbc-fi-accession", {"sources": ["no-such-source"]}, "field 'sources': unknown source 'no-such-source'"),
    ("apmbc-fi-accession", {"state": "XX"}, "field 'state': unknown state 'XX'"),
    ("apmbc-fi-accession", {"date": "2012-02-30"}, "field 'date': Not a valid date."),
    ("apmbc-fi-accession", {"confidence": "sure"}, "field 'confidence': Must be one of"),
    ("apmbc-fi-accession", {"date": None}, "field 'notes': An unknown date needs a note"),
])
def test_invalid_files_fail_naming_file_record_and_field_and_change_nothing(
        empty_app, seed_dir, record_id, change, message):
    seed(empty_app, seed_dir)
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", summary="A valid change that must not land.")
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", record_id, **change)
    result = seed(empty_app, seed_dir)
    assert result.exit_code == 1
    assert message in result.output
    db.session.expire_all()
    assert db.session.get(PolicyPosition, "us-2022-06-21-use").summary != "A valid change that must not land."


def test_yaml_syntax_error_names_the_file(empty_app, seed_dir):
    (seed_dir / "policies" / "US.yaml").write_text("- id: [unclosed\n")
    result = seed(empty_app, seed_dir)
    assert result.exit_code == 1 and "policies/US.yaml: not valid YAML" in result.output


def test_duplicate_ids_and_unused_sources_are_rejected(empty_app, seed_dir):
    path = seed_dir / "treaty_actions" / "apmbc.yaml"
    records = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump(records + [records[0]], sort_keys=False))
    result = seed(empty_app, seed_dir)
    assert "field 'id': duplicate id 'apmbc-ca-signature'" in result.output
    assert result.exit_code == 1


def test_a_failure_while_writing_rolls_everything_back(empty_app, seed_dir, monkeypatch):
    seed(empty_app, seed_dir)
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", summary="Half-way change.")
    edit(seed_dir / "treaty_actions" / "apmbc.yaml", "apmbc-fi-accession", notes="Also changed.")

    import api.write.seed
    original = api.write.seed.apply_table

    def fail_on_policies(model, diff, sources):
        if model is PolicyPosition:
            raise RuntimeError("disk full")
        return original(model, diff, sources)

    monkeypatch.setattr(api.write.seed, "apply_table", fail_on_policies)
    result = seed(empty_app, seed_dir)
    assert result.exit_code != 0
    db.session.expire_all()
    assert db.session.get(TreatyAction, "apmbc-fi-accession").notes is None


def test_every_seed_change_appends_a_revision_and_prune_ends_the_chain(empty_app, seed_dir):
    from api.models import RecordRevision
    seed(empty_app, seed_dir)
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    path = seed_dir / "treaty_actions" / "apmbc.yaml"
    path.write_text(yaml.safe_dump([r for r in yaml.safe_load(path.read_text()) if r["id"] != "apmbc-ca-signature"]))
    seed(empty_app, seed_dir, "--prune")
    chain = lambda key: list(db.session.scalars(db.select(RecordRevision).filter_by(record_id=key)
                                                .order_by(RecordRevision.revision)))
    edited = chain("us-2022-06-21-use")
    assert [(r.revision, r.supersedes, r.author) for r in edited] == [(1, None, "seed"), (2, 1, "seed")]
    assert edited[0].record["restriction"] == "Korean Peninsula only"
    assert edited[1].record["restriction"] == "Korean Peninsula"
    assert edited[1].reason == "flask seed: changed (restriction) in seed/policies/US.yaml"
    removed = chain("apmbc-ca-signature")
    assert [r.record is None for r in removed] == [False, True]
    assert seed(empty_app, seed_dir).output.strip() == "seed: nothing to change"
    assert len(chain("us-2022-06-21-use")) == 2
