"""The documentation cannot drift from the code (in the manner of datasette's tests/test_docs.py).

- Every setting of `Config` in api/config.py is documented in the configuration table of
  docs/operations.md (by the environment variable it is read from), and is read somewhere else
  in api/ as `config["NAME"]` or `config.get("NAME")`, unless Flask or an extension reads it
  itself (the exemptions below, each checked against that package's source).
- Every variable in that table is read by the code it describes (api/config.py,
  gunicorn.conf.py, the tests, the Makefile or CI), so a removed setting cannot stay documented.
- Every relative link in README.md, SECURITY.md and docs/*.md points at a file that exists
  (and, for a link into a Markdown file, at a heading that exists).

Pure file reading: no app, no database.
"""
from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
CONFIG = API / "config.py"
OPERATIONS = ROOT / "docs" / "operations.md"

# Settings no code of ours reads because Flask or one of its extensions reads them itself:
# name -> (the package that reads it, why it is set). Each name must occur in that package's
# source (test_exemptions_are_read_by_their_package), so an exemption cannot outlive its reason.
READ_BY_PACKAGE = {
    "SQLALCHEMY_DATABASE_URI": ("flask_sqlalchemy", "the database URL, built from DATABASE_URL"),
    "SQLALCHEMY_ENGINE_OPTIONS": ("flask_sqlalchemy", "engine options: pool_pre_ping, fixed"),
    "RATELIMIT_ENABLED": ("flask_limiter", "switches rate limiting off (benchmarks)"),
    "RATELIMIT_STORAGE_URI": ("flask_limiter", "where the counters live, from REDIS_URL"),
    "RATELIMIT_HEADERS_ENABLED": ("flask_limiter", "send RateLimit-* headers, fixed"),
    "RATELIMIT_HEADER_LIMIT": ("flask_limiter", "the IETF draft header names, fixed"),
    "RATELIMIT_HEADER_REMAINING": ("flask_limiter", "the IETF draft header names, fixed"),
    "RATELIMIT_HEADER_RESET": ("flask_limiter", "the IETF draft header names, fixed"),
    "RATELIMIT_STORAGE_OPTIONS": ("flask_limiter", "Redis socket timeouts, from REDIS_TIMEOUT"),
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": ("flask_limiter", "count per process while Redis is unreachable"),
    "MAX_CONTENT_LENGTH": ("flask", "Flask refuses a longer body; api/middleware/security.py reads it too"),
}


# Where the documented variables that are not Config settings are read.
OTHER_READERS = [ROOT / "gunicorn.conf.py", ROOT / "Makefile", ROOT / ".ci" / "run", *sorted((ROOT / "tests").glob("*.py"))]


def _environment_reads(node: ast.AST) -> set[str]:
    """Names read by os.environ.get("X"), os.getenv("X") and os.environ["X"] inside node."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and sub.args and isinstance(sub.args[0], ast.Constant):
            called = ast.unparse(sub.func)
            if called in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
                names.add(sub.args[0].value)
        elif isinstance(sub, ast.Subscript) and ast.unparse(sub.value) in ("os.environ", "environ") \
                and isinstance(sub.slice, ast.Constant):
            names.add(sub.slice.value)
    return names


def config_settings() -> dict[str, set[str]]:
    """Each attribute of class Config -> the environment variables its value is read from
    (through a helper function of config.py too, as DATABASE_URL is)."""
    module = ast.parse(CONFIG.read_text())
    helpers = {node.name: node for node in module.body if isinstance(node, ast.FunctionDef)}
    config = next(node for node in module.body if isinstance(node, ast.ClassDef) and node.name == "Config")
    settings = {}
    for statement in config.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            variables = _environment_reads(statement.value)
            for call in ast.walk(statement.value):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers:
                    variables |= _environment_reads(helpers[call.func.id])
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    settings[target.id] = variables
    return settings


def documented_variables() -> set[str]:
    """The first column of the configuration table in docs/operations.md."""
    text = OPERATIONS.read_text()
    table = re.search(r"^\| *variable *\|.*\n\|[- |]+\|\n((?:\|.*\n)+)", text, re.MULTILINE)
    assert table, "docs/operations.md has no configuration table (a header row starting `| variable |`)"
    return {match.group(1) for match in re.finditer(r"^\| *`([A-Z][A-Z0-9_]*)`", table.group(1), re.MULTILINE)}


def api_source() -> str:
    """Every Python file under api/ except config.py itself."""
    return "\n".join(path.read_text() for path in sorted(API.rglob("*.py")) if path != CONFIG)


SETTINGS = config_settings()


def test_config_has_settings():
    assert "SEED_DIR" in SETTINGS and "PUBLIC_URL" in SETTINGS, "the parser of api/config.py found nothing"


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_setting_is_documented(name):
    documented = documented_variables()
    if SETTINGS[name]:
        missing = SETTINGS[name] - documented
        assert not missing, f"Config.{name} is read from {sorted(missing)}: add a row to the table in docs/operations.md"
    else:
        assert name in documented or name in READ_BY_PACKAGE, \
            f"Config.{name} is fixed in api/config.py but neither in docs/operations.md nor a known package setting"


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_setting_is_read(name):
    if name in READ_BY_PACKAGE:
        return
    read = re.compile(r"""config(?:\[|\.get\()\s*["']""" + name + r"""["']""")
    assert read.search(api_source()), \
        f"Config.{name} is never read in api/ (as config[{name!r}] or config.get({name!r})): use it or remove it"


def test_every_environment_variable_of_config_py_is_documented():
    """Also the ones read outside class Config (DATABASE_URL, in database_url())."""
    missing = _environment_reads(ast.parse(CONFIG.read_text())) - documented_variables()
    assert not missing, f"api/config.py reads {sorted(missing)}: document them in docs/operations.md"


def test_every_environment_variable_of_gunicorn_conf_is_documented():
    missing = _environment_reads(ast.parse((ROOT / "gunicorn.conf.py").read_text())) - documented_variables()
    assert not missing, f"gunicorn.conf.py reads {sorted(missing)}: document them in docs/operations.md"


def test_every_documented_variable_exists():
    code = CONFIG.read_text() + "\n".join(path.read_text() for path in OTHER_READERS if path.exists())
    stale = {name for name in documented_variables()
             if not re.search(r"\b" + name + r"\b", code)}
    assert not stale, f"docs/operations.md documents {sorted(stale)}, which no code reads: remove the rows"


@pytest.mark.parametrize("name", sorted(READ_BY_PACKAGE))
def test_exemptions_are_read_by_their_package(name):
    package, _why = READ_BY_PACKAGE[name]
    assert name in SETTINGS, f"{name} is exempted but is not a setting of api/config.py: drop the exemption"
    spec = importlib.util.find_spec(package)
    assert spec and spec.submodule_search_locations, package
    source = "\n".join(path.read_text() for folder in spec.submodule_search_locations
                       for path in Path(folder).rglob("*.py"))
    assert name in source, f"{package} does not read {name}: it is not an exemption, read it or remove it"


# Links: [text](target) and ![alt](target), and reference definitions `[label]: target`.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "SECURITY.md", *(ROOT / "docs").glob("*.md")])


def _anchors(markdown: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", markdown.read_text()), re.MULTILINE):
        text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
        anchors.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return anchors


def relative_links(document: Path) -> list[str]:
    text = FENCE.sub("", document.read_text())
    targets = [a or b for a, b in LINK.findall(text)]
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]


def test_the_documents_exist():
    names = {path.name for path in DOCUMENTS}
    assert {"README.md", "SECURITY.md", "operations.md", "architecture.md"} <= names, names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(document):
    broken = []
    for target in relative_links(document):
        path, _, anchor = target.partition("#")
        file = (document.parent / path).resolve() if path else document
        if not file.exists():
            broken.append(f"{target} (no file {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file})")
        elif anchor and file.suffix == ".md" and anchor.lower() not in _anchors(file):
            broken.append(f"{target} (no heading #{anchor} in {file.relative_to(ROOT)})")
    assert not broken, f"{document.relative_to(ROOT)} links to: " + "; ".join(broken)
