"""Configuration classes; every setting can be overridden by a PROFILER_* environment variable."""

from __future__ import annotations

import os

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


def _env(name: str, default: str | None = None) -> str | None:
    """Read PROFILER_<name> from the environment."""
    return os.environ.get(f"PROFILER_{name}", default)


def _flag(name: str, default: bool) -> bool:
    """Read a boolean PROFILER_<name> ("1", "true", "yes" are true)."""
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Base:
    """Settings shared by every environment."""

    ENV = "development"
    SECRET_KEY = _env("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    MAIL_BACKEND = _env("MAIL_BACKEND", "file")
    SMTP_HOST = _env("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(_env("SMTP_PORT", "25") or 25)
    SMTP_USER = _env("SMTP_USER")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _flag("SMTP_STARTTLS", False)
    SMTP_TIMEOUT = 20
    MAIL_FROM = _env("MAIL_FROM", "Profiler <noreply@profiler.local>")
    EMBEDDED_SCHEDULER = _flag("EMBEDDED_SCHEDULER", True)
    # How many proxies in front set X-Forwarded-For (and -Proto): the client's own address is
    # then what rate limits count and the audit log records. 0: the header is ignored.
    PROXY_HOPS = int(_env("PROXY_HOPS", "0") or 0)
    CONTENT_DIR = _env("CONTENT_DIR")  # None: content/ next to this file
    DEFAULT_TIMEZONE = "Europe/Amsterdam"
    DEFAULT_LOCALE = "nl"
    LANGUAGES = ("nl", "en")
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    # CSRF token bound to the session, no time limit: a long answer must never be lost.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    IDLE_TIMEOUT_MINUTES = int(_env("IDLE_TIMEOUT_MINUTES", "60") or 60)
    INVITE_TOKEN_MAX_AGE = 14 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 2 * 3600
    PAUSE_TOKEN_MAX_AGE = 60 * 24 * 3600
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    # Shared by every worker: the app's own database by default, or redis://host:6379/0.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    TOTP_ISSUER = _env("TOTP_ISSUER", "Profiler")
    # Comma-separated Fernet keys for the two-factor secrets: the first encrypts, all decrypt.
    # None: a key derived from SECRET_KEY (see profiler/security/secret_box.py).
    TOTP_ENCRYPTION_KEYS = _env("TOTP_ENCRYPTION_KEYS")
    RETENTION_MONTHS = int(_env("RETENTION_MONTHS", "24") or 24)
    # Sent and failed mails (with their whole message) are removed after this many days.
    OUTBOX_KEEP_DAYS = int(_env("OUTBOX_KEEP_DAYS", "30") or 30)
    LOG_JSON = _flag("LOG_JSON", False)
    TESTING = False


class Development(Base):
    """Local development: SQLite, file mail, embedded scheduler."""

    ENV = "development"


class Testing(Base):
    """Tests: in-memory-ish defaults, no scheduler, fast hashing."""

    ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    EMBEDDED_SCHEDULER = False
    MAIL_BACKEND = "memory"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"  # tests that check limits switch to database://
    PASSWORD_HASH_FAST = True


class Production(Base):
    """Production: secrets only from the environment, secure cookies, HTTPS base URL."""

    ENV = "production"
    MAIL_BACKEND = _env("MAIL_BACKEND", "smtp")
    EMBEDDED_SCHEDULER = _flag("EMBEDDED_SCHEDULER", False)
    PROXY_HOPS = int(_env("PROXY_HOPS", "1") or 0)  # nginx (deploy/nginx/profiler.conf)
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"


def config_for_env() -> type[Base]:
    """The configuration class named by PROFILER_ENV (default development)."""
    name = (_env("ENV", "development") or "development").lower()
    return {"production": Production, "testing": Testing}.get(name, Development)
