"""Configuration of Agora, read once from the environment."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _sqlite_default() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'agora.sqlite3'}"


def _database_url(value: str | None) -> str | None:
    """Use psycopg 3 for ``postgresql://`` addresses, as the deployment docs give them."""
    if value and value.startswith(("postgres://", "postgresql://")):
        scheme, rest = value.split("://", 1)
        return f"postgresql+psycopg://{rest}"
    return value


class Config:
    """Settings shared by every environment; each maps to one environment variable."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("DATABASE_URL")) or _sqlite_default()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    AGORA_BASE_URL = os.environ.get("AGORA_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    REDIS_URL = os.environ.get("REDIS_URL") or None
    UPLOAD_FOLDER = os.environ.get("AGORA_UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    MAX_CONTENT_LENGTH = _int("AGORA_MAX_UPLOAD_MB", 16) * 1024 * 1024
    BACKUP_FOLDER = os.environ.get("AGORA_BACKUP_FOLDER", str(BASE_DIR / "instance" / "backups"))
    # Where pg_dump and pg_restore are, when those on the PATH are not the server's version.
    PG_BIN_DIR = os.environ.get("AGORA_PG_BIN_DIR") or None

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Agora <no-reply@agora.localhost>")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 30)
    # Backoff caps at an hour, so 30 attempts ride out a mail-server outage of about a day.
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 30)
    OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 50)
    OUTBOX_BACKOFF_BASE_SECONDS = _int("OUTBOX_BACKOFF_BASE_SECONDS", 30)
    OUTBOX_BACKOFF_MAX_SECONDS = _int("OUTBOX_BACKOFF_MAX_SECONDS", 3600)
    OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 600)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "fr", "ar")
    # Dates and numbers in Arabic follow a Maghreb locale (Latin digits, "1.234,5"): the
    # visitor's own when the browser names one, else this one.
    ARABIC_FORMAT_LOCALE = os.environ.get("ARABIC_FORMAT_LOCALE") or "ar_TN"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # Reverse proxies in front of Agora whose X-Forwarded-For/-Proto/-Host are believed.
    TRUSTED_PROXIES = _int("AGORA_TRUSTED_PROXIES", 0)
    # Without Redis, rate limits live in each process's memory: say so explicitly.
    SINGLE_PROCESS = _bool("AGORA_SINGLE_PROCESS")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # After this many wrong passwords for one account within the window, each further
    # attempt for it waits: the base delay, doubled each time, never more than the cap.
    LOGIN_FAILURES_BEFORE_DELAY = _int("AGORA_LOGIN_FAILURES_BEFORE_DELAY", 10)
    LOGIN_FAILURE_WINDOW_SECONDS = _int("AGORA_LOGIN_FAILURE_WINDOW_SECONDS", 3600)
    LOGIN_DELAY_BASE_SECONDS = _int("AGORA_LOGIN_DELAY_BASE_SECONDS", 15)
    LOGIN_DELAY_MAX_SECONDS = _int("AGORA_LOGIN_DELAY_MAX_SECONDS", 300)
    API_RATE_LIMIT = os.environ.get("AGORA_API_RATE_LIMIT", "300/minute")
    # Webhooks may post to loopback and private networks (development, tests); production
    # refuses them unless told otherwise, so an organiser cannot probe the servers' network.
    WEBHOOKS_ALLOW_PRIVATE = _bool("AGORA_WEBHOOKS_ALLOW_PRIVATE", True)
    SESSION_COOKIE_HTTPONLY = True
    # A signed-in session unused for this long ends (a remember-me one lasts as long as
    # its cookie, REMEMBER_COOKIE_DURATION).
    SESSION_IDLE_SECONDS = _int("AGORA_SESSION_IDLE_SECONDS", 14 * 24 * 3600)
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("AGORA_REMEMBER_DAYS", 365))
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PASSWORD_RESET_MAX_AGE = _int("AGORA_PASSWORD_RESET_MAX_AGE", 3600)
    EMAIL_CONFIRM_MAX_AGE = _int("AGORA_EMAIL_CONFIRM_MAX_AGE", 7 * 24 * 3600)
    PRINT_MAIL = _bool("AGORA_PRINT_MAIL", True)

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that cannot work; overridden per environment."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = _bool("FLASK_DEBUG")
    SECRET_KEY = Config.SECRET_KEY or "agora-development-only-key"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "agora-tests-only-key"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
    WTF_CSRF_ENABLED = False
    SERVER_NAME = "agora.test"
    AGORA_BASE_URL = "http://agora.test"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    PRINT_MAIL = False
    MAIL_SERVER = None
    PASSWORD_HASH_FAST = True
    # Uploads of a test run (the demo's pictures among them) go to a folder of their own,
    # removed when the run ends, never into instance/uploads.
    UPLOAD_FOLDER = os.environ.get("AGORA_TEST_UPLOAD_FOLDER") or str(
        Path(tempfile.gettempdir()) / f"agora-test-uploads-{os.getpid()}"
    )


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PRINT_MAIL = _bool("AGORA_PRINT_MAIL", False)
    WEBHOOKS_ALLOW_PRIVATE = _bool("AGORA_WEBHOOKS_ALLOW_PRIVATE", False)

    @classmethod
    def check(cls) -> None:
        missing = []
        if not cls.SECRET_KEY:
            missing.append("SECRET_KEY")
        if not os.environ.get("DATABASE_URL"):
            missing.append("DATABASE_URL")
        if missing:
            raise RuntimeError(
                "Agora refuses to start in production without "
                + " and ".join(missing)
                + ": set them in the environment (see README, 'Configuration')."
            )
        if not cls.REDIS_URL and not cls.SINGLE_PROCESS:
            # Several gunicorn workers would each count login attempts on their own.
            raise RuntimeError(
                "Agora refuses to start in production without REDIS_URL: rate limits kept "
                "in one worker's memory do not hold across workers. Set REDIS_URL, or "
                "AGORA_SINGLE_PROCESS=true if exactly one process serves requests "
                "(see README, 'Configuration')."
            )
        if cls.TRUSTED_PROXIES < 0:
            raise RuntimeError("AGORA_TRUSTED_PROXIES must be 0 or more.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by ``AGORA_ENV`` (default: development)."""
    name = os.environ.get("AGORA_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"AGORA_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name]
