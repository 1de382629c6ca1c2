"""Export files built once and kept (api/read/export_files.py): the kept bytes are the bytes
built on demand, a repeated download does not build again, and the directory stays bounded."""
from __future__ import annotations

import pytest

from api.read import package

DATED = "/api/v1/exports/statuses.csv?as_of=2019-06-30"
PACKAGE = "/api/v1/exports/datapackage.zip?as_of=2019-06-30"


@pytest.fixture
def pair(app_factory, tmp_path):
    """(files kept in tmp_path, nothing kept: every download built)."""
    kept = app_factory(EXPORT_CACHE_DIR=str(tmp_path / "kept")).test_client()
    return kept, app_factory(EXPORT_CACHE_DIR="").test_client()


@pytest.mark.parametrize("url", [PACKAGE, DATED, "/api/v1/exports/treaty_actions.csv",
                                 "/api/v1/exports/country_year.parquet?as_of=2001-01-01",
                                 "/api/v1/exports/states.json"])
def test_kept_files_are_the_built_bytes_with_the_same_validators(pair, url):
    kept, built = pair
    first, again, theirs = kept.get(url), kept.get(url), built.get(url)
    assert theirs.status_code == 200 and len(theirs.data) > 1000
    assert first.data == again.data == theirs.data
    for name in ("ETag", "Content-Length", "Content-Type", "Content-Disposition", "Last-Modified"):
        assert first.headers[name] == again.headers[name] == theirs.headers[name], name


def test_the_index_agrees_with_and_without_kept_files(pair):
    kept, built = pair
    mine, theirs = kept.get("/api/v1/exports?as_of=2011-03-01").get_json(), built.get(
        "/api/v1/exports?as_of=2011-03-01").get_json()
    assert len(theirs["tables"]) >= 10
    assert mine == theirs
    download = kept.get(mine["datapackage"]["url"])
    assert download.headers["ETag"] == f'"{mine["datapackage"]["sha256"]}"'


def test_a_repeated_package_is_streamed_from_its_file_not_built(pair, monkeypatch, tmp_path):
    kept, _ = pair
    first = kept.get(PACKAGE)
    files = list((tmp_path / "kept").glob("*-datapackage.zip"))
    assert first.status_code == 200 and len(files) == 1
    monkeypatch.setattr(package, "zip_chunks", lambda *args: pytest.fail("built again"))
    again = kept.get(PACKAGE)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert kept.get(PACKAGE, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_package_for_a_new_day_rebuilds_only_the_dated_tables(pair, tmp_path):
    kept, _ = pair
    kept.get(PACKAGE)
    before = {path.name: path.stat().st_mtime_ns for path in (tmp_path / "kept").iterdir()}
    kept.get(PACKAGE.replace("2019-06-30", "2020-06-30"))
    after = {path.name: path.stat().st_mtime_ns for path in (tmp_path / "kept").iterdir()}
    undated = [name for name in before if name.endswith("-treaty_actions.csv")]
    assert undated and all(after[name] == before[name] for name in undated)  # kept, not rewritten
    assert len([name for name in after if name.endswith("-statuses.csv")]) == 2  # one per day


def test_the_directory_stays_within_its_bound(app_factory, tmp_path):
    bound = 1_500_000  # a package is about 0.6 MB: two fit, ten do not
    client = app_factory(EXPORT_CACHE_DIR=str(tmp_path / "kept"), EXPORT_CACHE_BYTES=bound).test_client()
    for year in range(2000, 2010):
        assert client.get(f"/api/v1/exports/datapackage.zip?as_of={year}-01-01").status_code == 200
        files = [p for p in (tmp_path / "kept").iterdir() if not p.name.endswith(".sha256")]
        assert files and sum(p.stat().st_size for p in files) <= bound
    assert len(files) < 10  # older packages were dropped
    # every file that is kept has its fingerprint beside it, and no temporary file is left
    names = {p.name for p in (tmp_path / "kept").iterdir()}
    assert all(f"{name}.sha256" in names for name in names if not name.endswith(".sha256"))
    assert not [name for name in names if name.endswith(".tmp")]


def test_parquet_stata_and_package_files_are_written_by_a_child_process(tmp_path):
    """Their writers import pyarrow and pandas (~100 MB): the worker forks a child to write the
    file, so that memory goes with the child; the fingerprint is still that of the kept bytes."""
    import hashlib
    import os
    from datetime import datetime
    from types import SimpleNamespace

    from api.read.export_files import ExportFiles

    files = ExportFiles(tmp_path, 10**9)
    snapshot = SimpleNamespace(version="v1", released=datetime(2026, 1, 1))
    writer = lambda: iter([str(os.getpid()).encode()])  # the pid of whoever writes
    parquet, parquet_stamp = files.stored(snapshot, "states.parquet", "", writer)
    dta, _ = files.stored(snapshot, "states.dta", "", writer)
    package_file, _ = files.stored(snapshot, "datapackage.zip", "", writer)
    csv, _ = files.stored(snapshot, "states.csv", "", writer)
    assert os.getpid() not in {int(kept.read_bytes()) for kept in (parquet, dta, package_file)}
    assert int(csv.read_bytes()) == os.getpid()
    assert parquet_stamp == {"sha256": hashlib.sha256(parquet.read_bytes()).hexdigest(),
                             "bytes": len(parquet.read_bytes())}

    def failing():
        raise ValueError("no")
        yield b""
    with pytest.raises(RuntimeError, match="child process"):
        files.stored(snapshot, "events.parquet", "", failing)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".parquet")) == [parquet.name]


def test_an_index_builds_its_child_written_files_in_one_child(tmp_path):
    """pyarrow and pandas are imported once per exports index, not once per file."""
    import os
    from datetime import datetime
    from types import SimpleNamespace

    from api.read.export_files import ExportFiles

    files = ExportFiles(tmp_path, 10**9)
    snapshot = SimpleNamespace(version="v1", released=datetime(2026, 1, 1))
    writer = lambda: iter([str(os.getpid()).encode()])  # the pid of whoever writes
    wanted = [(name, "", writer) for name in ("states.parquet", "states.dta", "states.csv", "datapackage.zip")]
    files.prepare(snapshot, wanted)
    written = {name: files.path(snapshot, name, "") for name, _, _ in wanted}
    assert not written["states.csv"].exists()  # written by the worker itself, when asked
    writers = {int(written[name].read_bytes()) for name in ("states.parquet", "states.dta", "datapackage.zip")}
    assert len(writers) == 1 and os.getpid() not in writers
    never = lambda: pytest.fail("a prepared file was built again")
    assert files.stored(snapshot, "states.dta", "", never)[0] == written["states.dta"]
