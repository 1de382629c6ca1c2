"""Export files built once and kept on disk (issue 19, bulk): a file's bytes depend only on the
dataset version (its name and release time), the day for dated files and PUBLIC_URL, so the
first request writes them to EXPORT_CACHE_DIR with their sha256, and every later request (of
any worker) streams that file. The directory is bounded by EXPORT_CACHE_BYTES: when a new file
takes it over, the least recently built files go first.

A file is written under a temporary name and renamed into place, then its fingerprint beside it,
so a reader sees a whole file with its sha256 or nothing; two workers building the same file at
once write the same bytes. Parquet and Stata files, and the package (it holds the Stata files),
are written by a forked child process: their writers import pyarrow and pandas, about 100 MB
that a worker would otherwise keep until it is recycled (issue 19, bench/RESULTS.md: workers at
200-213 MB after one exports index).
"""
from __future__ import annotations

import hashlib
import os
import sys
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from api.read.formats import Fingerprint
from api.read.snapshot import Snapshot

CHUNK = 256 * 1024
IN_A_CHILD = (".parquet", ".dta", ".zip")  # their writers' imports (pyarrow, pandas) stay out of the worker


@dataclass(frozen=True)
class ExportFiles:
    directory: Path
    max_bytes: int

    def path(self, snapshot: Snapshot, name: str, variant: str) -> Path:
        """Where the file `name` of `snapshot` (and `variant`: its day and public URL) is kept."""
        key = f"{snapshot.version}|{snapshot.released.isoformat()}|{variant}|{name}"
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}-{name}"

    def stored(self, snapshot: Snapshot, name: str, variant: str,
               make: Callable[[], Iterator[bytes]]) -> tuple[Path, Fingerprint]:
        """The kept file and its fingerprint, built from `make()` the first time."""
        path = self.path(snapshot, name, variant)
        stamp = _read_stamp(path)
        if stamp is None:
            stamp = self._build(path, make, in_a_child=name.endswith(IN_A_CHILD))
        return path, stamp

    def prepare(self, snapshot: Snapshot, wanted: list[tuple[str, str, Callable[[], Iterator[bytes]]]]) -> None:
        """Build the files of `wanted` ((name, variant, make), in order) not kept yet whose writers
        need a child process, all in one child: its imports are paid once, not once per file (an
        exports index wants 25 of them)."""
        missing = [(self.path(snapshot, name, kind), make) for name, kind, make in wanted
                   if name.endswith(IN_A_CHILD) and _read_stamp(self.path(snapshot, name, kind)) is None]

        def build_all() -> None:
            for path, make in missing:
                self._build(path, make)
        if missing:
            _in_a_child(build_all)

    def _build(self, path: Path, make: Callable[[], Iterator[bytes]], in_a_child: bool = False) -> Fingerprint:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{uuid.uuid4().hex}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            if in_a_child:
                _in_a_child(lambda: _write(temporary, make))
            else:
                _write(temporary, make)
            stamp = _fingerprint_of(temporary)
            os.replace(temporary, path)
            _write_stamp(path, stamp)
        finally:
            temporary.unlink(missing_ok=True)
        self._prune(keep=path)
        return stamp

    def _prune(self, keep: Path) -> None:
        """Remove the oldest kept files until the directory fits in max_bytes."""
        files = []
        for entry in os.scandir(self.directory):
            if entry.is_file() and not entry.name.endswith((".sha256", ".tmp")):
                files.append((entry.stat().st_mtime, entry.stat().st_size, Path(entry.path)))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            if path != keep:
                _stamp_path(path).unlink(missing_ok=True)
                path.unlink(missing_ok=True)
                total -= size


def _write(path: Path, make: Callable[[], Iterator[bytes]]) -> None:
    with open(path, "wb") as out:
        for chunk in make():
            out.write(chunk)


def _fingerprint_of(path: Path) -> Fingerprint:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def _in_a_child(work: Callable[[], None]) -> None:
    """Run `work` in a forked child and wait for it: what it imports and allocates goes with it.
    The child has the worker's snapshot (copy-on-write) and touches nothing else: it leaves by
    os._exit, so no inherited connection or socket is closed or flushed by it."""
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            work()
            code = 0
        except BaseException:
            traceback.print_exc(file=sys.stderr)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"building an export file failed in child process {pid} (its traceback is in the log)")


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _write_stamp(path: Path, stamp: Fingerprint) -> None:
    temporary = path.with_name(f".{uuid.uuid4().hex}.stamp.tmp")
    temporary.write_text(f"{stamp['sha256']} {stamp['bytes']}\n")
    os.replace(temporary, _stamp_path(path))


def _read_stamp(path: Path) -> Fingerprint | None:
    """The fingerprint of a kept file, or None when it is not (or no longer wholly) there."""
    try:
        sha256, size = _stamp_path(path).read_text().split()
        if path.stat().st_size != int(size):
            return None
    except (OSError, ValueError):
        return None
    return {"sha256": sha256, "bytes": int(size)}


def file_chunks(path: Path, fallback: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """A kept file's bytes, in chunks (opened on the first chunk, closed after the last, so a 304
    never opens it); `fallback()`'s, the same bytes built again, if the file was pruned meanwhile."""
    try:
        source = open(path, "rb")  # noqa: SIM115 (closed below, also when the client goes away)
    except FileNotFoundError:
        yield from fallback()
        return
    with source:
        while chunk := source.read(CHUNK):
            yield chunk
