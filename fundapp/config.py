"""Configuration read from the environment."""
import os
import secrets
from datetime import timedelta
from pathlib import Path


def database_url(url: str) -> str:
    """Point a plain PostgreSQL URL at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret_key(instance_path: str, name: str = "secret_key") -> str:
    """Read a development secret from instance/, creating it once so every worker shares it."""
    path = Path(instance_path) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together cannot each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    """Settings shared by every environment; values come from the environment."""

    ENVIRONMENT = os.environ.get("FUNDAPP_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # The key of the ledger's and the published reports' seals (fundapp.ledger.seals): kept outside the
    # database, so that someone who can write to it cannot re-seal what they change.
    SEAL_KEY = os.environ.get("SEAL_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", ""))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR")
    REPORTS_DIR = os.environ.get("REPORTS_DIR")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "fundapp@localhost")
    MAIL_TIMEOUT = 10                   # seconds a worker waits on the mail server
    MAIL_PAUSE = 30                     # seconds a worker leaves a mail server alone after it failed
    # The address links in mail sent by a worker lead to (a request's own host is used in requests).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")

    # Where background work runs (fundapp.notifications.queue): RQ over Redis, a thread of each process,
    # or only when a test runs it.
    JOB_QUEUE = os.environ.get("JOB_QUEUE") or ("redis" if REDIS_URL else "embedded")
    WORKER_INTERVAL = float(os.environ.get("WORKER_INTERVAL", "30"))   # seconds between schedule rounds
    REMINDER_INTERVAL = 3600            # seconds between two looks for reminders due (None: never)
    # A message that failed waits this long before each next try: 7 tries over 3 h 51 min.
    OUTBOX_RETRY_DELAYS = (60, 300, 900, 1800, 3600, 7200)
    OUTBOX_LEASE = timedelta(seconds=int(os.environ.get("OUTBOX_LEASE_SECONDS", "120")))
    JOB_LEASE = timedelta(minutes=10)   # renewed at each step of progress

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = ENVIRONMENT == "production"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30")))
    INVITATION_LIFETIME = timedelta(hours=72)
    RESET_LIFETIME = timedelta(hours=1)
    CONFIRMATION_LIFETIME = timedelta(hours=72)
    SECOND_STEP_LIFETIME = timedelta(minutes=5)     # between the password and the second factor
    # The host name passkeys are bound to (WebAuthn's relying party id); the request's host when unset.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID")
    FORCE_HTTPS = ENVIRONMENT == "production" and os.environ.get("FORCE_HTTPS", "1") == "1"
    # The host names the site answers to: Flask refuses a request naming another (400), so that a link
    # mailed to a user (a password reset) never names a host an attacker put in the request.
    TRUSTED_HOSTS = [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",")
                     if host.strip()] or None
    BEHIND_PROXY = os.environ.get("BEHIND_PROXY", "0") == "1"

    WTF_CSRF_TIME_LIMIT = None  # the session's own idle timeout bounds a token's life
    BABEL_DEFAULT_LOCALE = "en"
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None

    # Whole pages kept per fund revision (fundapp.web.pages): in Redis when there is one, shared by every
    # worker; else in each worker's memory. CACHE_TYPE=NullCache renders every page.
    CACHE_TYPE = os.environ.get("CACHE_TYPE") or ("RedisCache" if REDIS_URL else "SimpleCache")
    CACHE_REDIS_URL = REDIS_URL
    CACHE_KEY_PREFIX = "fundapp:"
    CACHE_THRESHOLD = 500
    CACHE_DEFAULT_TIMEOUT = 300

    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Off only for load and security scans on loopback; production always limits.
    RATELIMIT_ENABLED = ENVIRONMENT == "production" or os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    LOGIN_RATE_LIMIT = "10 per minute"              # per client
    SIGN_IN_ACCOUNT_LIMIT = "10 per 15 minutes"     # failures per address (fundapp.auth.throttle)
    SECOND_STEP_RATE_LIMIT = "20 per minute"        # per client; per account, the lock of the second step
    RESET_RATE_LIMIT = "10 per hour"                # per client
    RESET_ADDRESS_LIMIT = "3 per hour"              # per address: more are answered alike and send nothing
    CONFIRMATION_RATE_LIMIT = "5 per hour"
    PASSWORD_CHECK_RATE_LIMIT = "10 per hour"  # noqa: S105  (per signed-in user: a rate, not a secret)
    REGISTER_RATE_LIMIT = "10 per hour"
    TOKEN_RATE_LIMIT = "10 per minute"  # noqa: S105  (a rate, not a secret)
    DECK_UPLOAD_RATE_LIMIT = "30 per hour"
    VERIFY_RATE_LIMIT = "30 per minute"     # checking a checkpoint reads the fund's whole ledger
    DECK_QUOTA = 100 * 1024 * 1024      # bytes: what one founder's pitch decks may take, together

    PASSWORD_HASH = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}

    API_TITLE = "fundapp"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    PER_PAGE = 50

    # Mail domains anyone may hold an address at: a reviewer sharing one with a founder is no conflict
    # (fundapp.applications.suggestions). An entry starting with a dot is a suffix: the names reserved
    # for examples and tests (RFC 2606, 6761) are nobody's organisation. PUBLIC_MAIL_DOMAINS in the
    # environment adds to them (comma-separated).
    PUBLIC_MAIL_DOMAINS = frozenset({
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "live.com",
        "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "ymail.com", "icloud.com", "me.com", "mac.com",
        "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.fr", "mail.com", "zoho.com", "yandex.com",
        "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "orange.sn",
        "example.com", "example.org", "example.net", ".example", ".test", ".invalid", ".localhost",
    } | {domain.strip().casefold() for domain in os.environ.get("PUBLIC_MAIL_DOMAINS", "").split(",")
         if domain.strip()})
