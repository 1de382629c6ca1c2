"""A citation that returns the same bytes: every form names the version and the as_of date in its
URL, the package carries CITATION.cff and the version's change log, and `flask release` writes
an archivable release whose bytes are the same on every run."""
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from helpers import edit, seed

from api.read import clock

pytestmark = pytest.mark.slow  # builds whole data packages

DAY = "2026-01-15"


def _later(monkeypatch, day: str) -> None:
    moment = datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_every_citation_names_the_version_and_as_of_in_a_url_whose_bytes_never_change(client, app, monkeypatch):
    body = client.get("/api/v1/dataset").get_json()
    version, released, cite = body["version"], body["released"][:10], body["citation"]
    url = cite["csl_json"]["URL"]
    assert _query(url) == {"dataset_version": version, "as_of": released} and cite["as_of"] == released
    assert url in cite["text"] and f"\\url{{{url}}}" in cite["bibtex"] and f"as of {released}" in cite["text"]
    path = url.removeprefix(app.config["PUBLIC_URL"].rstrip("/"))
    first = client.get(path).data
    _later(monkeypatch, "2031-06-30")  # the same cited URL, years later
    assert client.get(path).data == first
    # Without as_of, the dated tables follow the reader's today: the URL the citation avoids.
    bare = path.split("&as_of=")[0]
    assert client.get(bare).data != first


def test_the_package_holds_citation_cff_and_the_change_log(client):
    response = client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}")
    package, version = zipfile.ZipFile(io.BytesIO(response.data)), response.headers["X-Dataset-Version"]
    cff = yaml.safe_load(package.read("CITATION.cff"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset" and cff["version"] == version
    assert _query(cff["url"]) == {"dataset_version": version, "as_of": DAY} and cff["license"] == "CC-BY-4.0"
    assert cff["authors"][0]["name"] and DAY in cff["abstract"]
    descriptor = json.loads(package.read("datapackage.json"))
    assert f"as_of={DAY}" in descriptor["citation"] and version in descriptor["citation"]
    book = package.read("codebook.md").decode()
    assert f"dataset_version={version}&as_of={DAY}" in book.split("## How to cite", 1)[1]
    log = json.loads(package.read("changes.json"))
    changes = client.get("/api/v1/dataset").get_json()["changes"]
    assert log["version"] == version and len(log["changes"]) == changes > 0
    text = package.read("CHANGES.md").decode()
    assert text.startswith(f"# Changes in dataset version {version}") and f"{changes} record-level changes" in text


def test_changes_md_lists_what_the_version_changed_since_the_previous_one(empty_app, seed_dir):
    seed(empty_app, seed_dir)
    client = empty_app.test_client()
    first = client.get("/api/v1/dataset").get_json()["version"]
    edit(seed_dir / "policies" / "US.yaml", "us-2022-06-21-use", restriction="Korean Peninsula")
    seed(empty_app, seed_dir)
    package = zipfile.ZipFile(io.BytesIO(client.get(f"/api/v1/exports/datapackage.zip?as_of={DAY}").data))
    text = package.read("CHANGES.md").decode()
    assert f"since the previous version, {first}: 1 record-level change." in text
    assert "- `us-2022-06-21-use`: changed (correction)" in text and '"Korean Peninsula"' in text
    log = json.loads(package.read("changes.json"))
    assert log["previous"] == first and [c["id"] for c in log["changes"]] == ["us-2022-06-21-use"]


def _release(app, directory, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["release", str(directory), *args])
    assert result.exit_code == 0, result.output
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_flask_release_writes_the_same_bytes_on_every_run_with_checksums(app, client, tmp_path, monkeypatch):
    first = _release(app, tmp_path / "one")
    _later(monkeypatch, "2030-01-01")  # another day: the default as_of is the release day, not today
    second = _release(app, tmp_path / "two")
    assert first == second
    version = client.get("/api/v1/dataset").get_json()["version"]
    released = client.get("/api/v1/dataset").get_json()["released"][:10]
    assert set(first) == {f"mine-ban-treaty-{version}.zip", "CITATION.cff", "codebook.md", "CHANGES.md",
                          "README.md", "SHA256SUMS"}
    sums = dict(reversed(line.split("  ")) for line in first["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(first) - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(first[name]).hexdigest() == digest
    package = first[f"mine-ban-treaty-{version}.zip"]
    assert package == client.get(f"/api/v1/exports/datapackage.zip?dataset_version={version}&as_of={released}").data
    inside = zipfile.ZipFile(io.BytesIO(package))
    for name in ("CITATION.cff", "codebook.md", "CHANGES.md"):
        assert inside.read(name) == first[name]
    readme = first["README.md"].decode()
    assert "DOI" in readme and f"dataset_version={version}&as_of={released}" in readme
    dated = _release(app, tmp_path / "dated", "--as-of", DAY)
    assert f"as_of={DAY}" in dated["CITATION.cff"].decode() and dated["SHA256SUMS"] != first["SHA256SUMS"]
