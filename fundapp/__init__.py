"""fundapp: runs national start-up funds."""
import os
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from fundapp import database
from fundapp.config import Config, database_url, development_secret_key

ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class DatabaseId(IntegerConverter):
    """<int:...> in routes: a positive integer that fits the database's integer columns."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


class FundApp(Flask):
    """Flask with fundapp's request boundary: the view's changes are committed once it has answered
    without a refusal, else rolled back (fundapp.database.settle); views and services never commit."""

    def dispatch_request(self):
        return database.settle(self.make_response(super().dispatch_request()))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, commands."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    app = FundApp(__name__, template_folder=str(ROOT / "templates"),
                instance_path=instance_path or str(ROOT / "instance"))
    # Ids in paths are database integers: a larger number names nothing (404), never a database error.
    app.url_map.converters["int"] = DatabaseId
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    production = app.config["ENVIRONMENT"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError("SECRET_KEY must be set when FUNDAPP_ENV=production.")
        app.config["SECRET_KEY"] = development_secret_key(app.instance_path)
    if not app.config.get("SEAL_KEY"):
        if production:
            raise RuntimeError("SEAL_KEY must be set when FUNDAPP_ENV=production.")
        app.config["SEAL_KEY"] = development_secret_key(app.instance_path, "seal_key")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if production:
            raise RuntimeError("DATABASE_URL must be set when FUNDAPP_ENV=production.")
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "fundapp.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if production:
        # __Host-: the browser keeps the session for this host only, for the whole site, over HTTPS only
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config.setdefault("UPLOAD_DIR", None)
    app.config["UPLOAD_DIR"] = app.config["UPLOAD_DIR"] or str(Path(app.instance_path) / "uploads")
    app.config["REPORTS_DIR"] = app.config["REPORTS_DIR"] or str(ROOT / "reports")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    if production and not app.config.get("TRUSTED_HOSTS"):
        # else a link mailed to a user (a password reset) would name whatever host a request gave
        raise RuntimeError("TRUSTED_HOSTS must be set when FUNDAPP_ENV=production.")
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_extensions(app: Flask) -> None:
    from fundapp import models, revisions  # noqa: F401  (every model known before the first query)
    from fundapp.applications import indexing
    from fundapp.auth.session import load_user, select_locale
    from fundapp.extensions import (
        babel,
        bootstrap,
        cache,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
        talisman,
    )
    from fundapp.ledger import rows
    from fundapp.notifications import queue
    from fundapp.web import files

    db.init_app(app)
    # the database's settings and listeners
    for module in (database, revisions, rows, files, queue, indexing):
        module.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    bootstrap.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=True,
        x_content_type_options=True,
    )


def register_blueprints(app: Flask) -> None:
    from fundapp.admin.views import blueprint as admin
    from fundapp.api import register_api
    from fundapp.applications.committee_views import blueprint as committee
    from fundapp.applications.portal import blueprint as portal
    from fundapp.applications.review_views import blueprint as review
    from fundapp.auth.account_views import blueprint as account
    from fundapp.auth.views import blueprint as auth
    from fundapp.dashboard.views import blueprint as dashboard
    from fundapp.funds.views import blueprint as funds
    from fundapp.jobs.views import blueprint as jobs
    from fundapp.ledger.views import blueprint as capital
    from fundapp.main.views import blueprint as main
    from fundapp.notifications.inbox_views import blueprint as inbox
    from fundapp.notifications.task_views import blueprint as tasks
    from fundapp.portfolio.views import blueprint as portfolio
    from fundapp.reporting.views import blueprint as reports
    from fundapp.reporting.views import public

    for blueprint in (main, auth, account, funds, dashboard, capital, portfolio, jobs, reports, public,
                      portal, review, committee, admin, inbox, tasks):
        app.register_blueprint(blueprint)
    register_api(app)


def register_errorhandlers(app: Flask) -> None:
    from fundapp.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from fundapp.cli import commands

    for command in commands:
        app.cli.add_command(command)


def register_request_hooks(app: Flask) -> None:
    from fundapp.auth.session import enforce_idle_timeout, navigation, require_second_factor
    from fundapp.extensions import db
    from fundapp.web.formatting import register_filters

    app.before_request(enforce_idle_timeout)
    app.before_request(require_second_factor)
    app.context_processor(navigation)
    register_filters(app)

    @app.after_request
    def _never_stored(response):
        # Pages, exports, downloads and API answers may be confidential: no browser or proxy keeps a
        # copy (a shared computer, a back button after signing out). Static files alone may be kept.
        if request.endpoint not in ("static", "bootstrap.static"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.teardown_request
    def _rollback_unfinished(error):
        if error is not None:
            db.session.rollback()
