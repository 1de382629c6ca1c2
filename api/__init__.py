"""The Mine Ban Treaty Status API: create_app() is the table of contents."""
import os

from flask import Flask

from api import problems
from api.config import Config
from api.extensions import db, engine_options, migrate, storage_options
from api.middleware import edge, fast_path, response_cache, security, traffic
from api.pages import views as pages
from api.read import snapshot
from api.routes import (
    changes,
    countries,
    dataset,
    exports,
    meta,
    monitoring,
    producers,
    revisions,
    sources,
    tokens,
    treaties,
    writes,
)
from api.write.package_import import import_package_command
from api.write.seed import seed_command
from api.write.writeback import writeback_command

BLUEPRINTS = (meta.bp, countries.bp, treaties.bp, sources.bp, changes.bp, dataset.bp, exports.bp,
              writes.bp, revisions.bp, tokens.bp, monitoring.bp, producers.bp, pages.bp)
COMMANDS = (seed_command, exports.export_command, exports.release_command, import_package_command, writeback_command,
            tokens.tokens_cli)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                static_folder="pages/static", template_folder="pages/templates")
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = app.config["SQLALCHEMY_ENGINE_OPTIONS"] or \
        engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    app.config["RATELIMIT_STORAGE_OPTIONS"] = app.config["RATELIMIT_STORAGE_OPTIONS"] or \
        storage_options(app.config["RATELIMIT_STORAGE_URI"], app.config["REDIS_TIMEOUT"])
    if app.config["DATABASE_READ_URL"]:  # the `read` bind: api/read/database.py's read_bind()
        app.config["SQLALCHEMY_BINDS"] = {"read": {"url": app.config["DATABASE_READ_URL"], **engine_options(
            app.config["DATABASE_READ_URL"], app.config)}}
    app.json.sort_keys = False  # type: ignore[attr-defined]  # DefaultJSONProvider's setting
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):  # not on a read-only root filesystem
        os.makedirs(app.instance_path, exist_ok=True)  # home of the default SQLite file

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    problems.init_app(app)
    snapshot.init_app(app)  # first hook: each request chooses its dataset version afresh
    traffic.init_app(app)
    fast_path.init_app(app)  # before security wraps the app in ProxyFix
    security.init_app(app)  # before response_cache: hostile requests are refused first
    edge.init_app(app)  # its after_request hook runs after response_cache's
    response_cache.init_app(app)
    for command in COMMANDS:
        app.cli.add_command(command)
    return app
