"""Profiler: a self-paced profiling training for re-integration clients and their coaches."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .request_text import CleanRequest

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type = "config.Development", **overrides: object) -> Flask:
    """Build the application; tests pass overrides."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CleanRequest  # no NUL characters in queries and forms
    from .urls import use_row_ids

    use_row_ids(app)  # before the routes: an id too large for the database is a 404
    from .template_folding import FoldingEnvironment

    app.jinja_environment = FoldingEnvironment  # templates compiled per language
    app.config.from_object(config)
    app.config.update(overrides)
    configure(app)
    from .logs import configure_logging

    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    from .web import register_web

    register_web(app)
    if app.config.get("EMBEDDED_SCHEDULER") and not app.config.get("TESTING"):
        from .embedded import start_embedded_scheduler

        start_embedded_scheduler(app)
    return app


def configure(app: Flask) -> None:
    """Fill in derived settings: database location, content folder, production checks."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path)}/profiler.db"
    if not app.config.get("CONTENT_DIR"):
        app.config["CONTENT_DIR"] = str(ROOT / "content")
    from .security.secret_box import box_for

    try:
        box_for(app.config)  # a malformed key stops the start, not a staff login later
    except ValueError as exc:
        raise RuntimeError(f"PROFILER_{exc}") from None
    for name in ("OUTBOX_KEEP_DAYS", "RETENTION_MONTHS"):  # the daily purges count on these
        if int(app.config.get(name) or 0) < 1:
            raise RuntimeError(f"PROFILER_{name} must be a whole number, at least 1.")
    if app.config.get("ENV") == "production":
        from config import DEFAULT_SECRET_KEY

        if app.config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
            raise RuntimeError("PROFILER_SECRET_KEY must be set to a long random value.")
        if not str(app.config.get("BASE_URL", "")).startswith("https://"):
            raise RuntimeError("PROFILER_BASE_URL must be an https:// address in production.")
        if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            raise RuntimeError(
                "PROFILER_RATELIMIT_STORAGE_URI must be shared by all workers: "
                "database:// or redis://."
            )


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    from .database import configure_engine
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    from .security import ratelimit  # noqa: F401  (registers the database:// storage)

    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    from .auth import session_loader  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    """Register the feature blueprints."""
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .client import bp as client_bp
    from .coach import bp as coach_bp
    from .documents import bp as documents_bp
    from .mailpause import bp as mailpause_bp
    from .security import bp as security_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(client_bp, url_prefix="/me")
    app.register_blueprint(coach_bp, url_prefix="/coach")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(mailpause_bp)
    app.register_blueprint(security_bp)
    app.register_blueprint(documents_bp)


def register_commands(app: Flask) -> None:
    """Register the flask CLI commands."""
    from .cli import register

    register(app)
