"""The Mine Ban Treaty Status API: create_app() is the table of contents."""
import os

from flask import Flask

from api import problems
from api.config import Config, engine_options, storage_options
from api.extensions import db, migrate
from api.middleware import fast_path as front_cache
from api.middleware import response_cache as http_cache
from api.middleware import security, traffic
from api.pages import views as pages
from api.routes import changes, countries, dataset, exports, meta, sources, tokens, treaties, writes
from api.write import revisions
from api.write.package_import import import_package_command
from api.write.seed import seed_command
from api.write.writeback import writeback_command


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder="pages/static",
                template_folder="pages/templates")
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = app.config["SQLALCHEMY_ENGINE_OPTIONS"] or \
        engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    app.config["RATELIMIT_STORAGE_OPTIONS"] = app.config["RATELIMIT_STORAGE_OPTIONS"] or \
        storage_options(app.config["RATELIMIT_STORAGE_URI"], app.config["REDIS_TIMEOUT"])
    app.json.sort_keys = False
    os.makedirs(app.instance_path, exist_ok=True)  # home of the default SQLite file

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))

    for blueprint in (meta.bp, countries.bp, treaties.bp, sources.bp, changes.bp, dataset.bp, exports.bp,
                      writes.bp, revisions.bp, tokens.bp, pages.bp):
        app.register_blueprint(blueprint)
    problems.init_app(app)
    traffic.init_app(app)
    front_cache.init_app(app)  # before security wraps the app in ProxyFix
    security.init_app(app)  # before http_cache: hostile requests are refused first
    http_cache.init_app(app)
    app.cli.add_command(seed_command)
    app.cli.add_command(exports.export_command)
    app.cli.add_command(import_package_command)
    app.cli.add_command(writeback_command)
    app.cli.add_command(tokens.tokens_cli)
    return app
