"""Agora: the backend that runs smart-city conference series."""

import logging
from importlib import import_module
from pathlib import Path

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import (
    audit,  # noqa: F401  (audit hooks)
    database,  # noqa: F401  (SQLite engine events)
    formatting,
    recurrence,
)
from app.caching import register_edition_stamps
from app.errors import register_error_handlers
from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate, talisman
from app.forms import invalid_form_status
from app.framing import register_framing
from app.security import register_input_guards
from config import Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the Agora application for ``config_class`` (default: from ``AGORA_ENV``).

    :raises RuntimeError: if the configuration cannot work (missing secrets in production).
    """
    config_class = config_class or config_from_env()
    config_class.check()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    configure_logging(app)
    register_input_guards(app)
    register_extensions(app)
    register_edition_stamps()
    register_blueprints(app)
    register_template_helpers(app)
    register_security_headers(app)
    app.after_request(invalid_form_status)
    register_error_handlers(app)
    # The commands reach every area: imported here, once the app exists, so that
    # importing any module of the ``app`` package does not load them all.
    from app.cli import register_cli

    register_cli(app)
    from app.notifications.services.live_delivery import init_live_delivery

    init_live_delivery(app)
    return app


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def select_locale() -> str:
    """The language chosen with the switch, else the profile's, else the browser's best match."""
    from flask import current_app, has_request_context, session

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)

    # Importing an area at the top of this package would load it for every ``app.*`` import.
    from app.auth.queries import load_user

    login_manager.user_loader(load_user)

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")


# Each area's blueprint, in the order they are registered, with the view modules that
# attach their routes to it (importing a service never runs these).
BLUEPRINTS = {
    "auth": ("routes", "manage"),
    "editions": ("routes", "manage"),
    "registrations": ("routes", "manage"),
    "showcases": ("routes", "manage"),
    "program": ("routes", "manage"),
    "thinklabs": ("routes", "manage"),
    "agreements": ("routes",),
    "calendars": ("routes",),
    "notifications": ("routes",),
    "api": ("routes", "manage"),
    "search": ("routes",),
}


def register_blueprints(app: Flask) -> None:
    for area, view_modules in BLUEPRINTS.items():
        for name in view_modules:
            import_module(f"app.{area}.{name}")
        app.register_blueprint(import_module(f"app.{area}.blueprint").bp)


def register_template_helpers(app: Flask) -> None:
    formatting.register(app)
    app.jinja_env.filters["recurrence"] = recurrence.describe


CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "script-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def register_security_headers(app: Flask) -> None:
    """Security headers by Flask-Talisman: a strict content policy, no framing, no sniffing.

    An edition's programme may be framed by the sites its organisers list
    (``app/framing.py``); every other page refuses every frame.
    HTTPS is enforced in production only; development and tests serve plain HTTP. The
    client's address, scheme and host are taken from ``X-Forwarded-*`` only through as
    many proxies as ``AGORA_TRUSTED_PROXIES`` says: with none, anyone could forge them
    (and so get a fresh rate-limit address with every request).
    """
    production = app.config["ENV_NAME"] == "production"
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # Registered first, so it runs after Talisman's headers are set (see register_framing).
    register_framing(app)
    talisman.init_app(
        app,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=production,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
