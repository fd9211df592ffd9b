"""All settings, read from the environment in this one file.

PHOIHOP_DATA_DIR   folder for the embedded SQLite database and uploads (default: <repo>/var)
DATABASE_URL       sqlite:///path or postgres://... ; default: embedded SQLite in the data folder
REDIS_URL          when set, portal counters and the cache live in Redis
PHOIHOP_SECRET_KEY secret key; a development key is generated into the data folder when missing
PHOIHOP_DEBUG      "1" for development error pages
PHOIHOP_PRODUCTION "1" turns on HTTPS-only cookies, HSTS and SSL redirect
PHOIHOP_ALLOWED_HOSTS comma-separated host names
EMAIL_URL          SMTP server for reminders (smtp://user:pass@host:587, smtps://…:465); console if unset
PHOIHOP_FROM_EMAIL, PHOIHOP_SITE_URL  sender address and the site's address for links in e-mails
PHOIHOP_TRUSTED_PROXIES addresses or networks of reverse proxies whose X-Forwarded-For is believed
PHOIHOP_REQUIRE_2FA "1"/"0": two-factor sign-in required for admin and manager (default: PHOIHOP_PRODUCTION)
PHOIHOP_TOKEN_DAYS  days an API token lives unless `phoihop user token --days N` says otherwise (90)
PHOIHOP_ANONYMISE_YEARS years after a membership ended before `phoihop anonymise` clears the person (10)
PHOIHOP_UPLOAD_RETENTION_DAYS days uploaded and error workbooks are kept before `phoihop purge` (30)
PHOIHOP_STATEMENT_TIMEOUT_MS limit of one SQL statement in a web request, PostgreSQL (30000; 0 = none)
PHOIHOP_REPORT_CONNECTIONS   connections a report's indicators are computed on side by side (2; 1 = none)
PHOIHOP_REPLICA_URLS comma-separated postgres:// URLs of read replicas (core.dbrouter); none by default
PHOIHOP_NEW_BROWSERS_PER_HOUR new portal browsers (visitor cookies) issued to one address per hour (1000)
PHOIHOP_VISITOR_RETENTION_DAYS days a portal browser unseen is kept before `phoihop prune_visitors` (365)
PHOIHOP_VIEW_WINDOW_SECONDS one counted view per browser and article in this many seconds (1800; 0: every view)
PHOIHOP_PORTAL_SITE_NAME the federation's name in the portal header (default: the first province federation)
PHOIHOP_PORTAL_FOUR_EYES "0" lets an article's author approve it too (default on; docs/newsroom.md)
PHOIHOP_IMPORT_INLINE "1" runs an uploaded workbook's import in the request's process, not in a job (tests)
Set only from code (tests): PORTAL_REDIS_URL (a Redis for the view counters; default REDIS_URL) and
PORTAL_FLUSH_THREAD (False: counters are flushed only when asked).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("PHOIHOP_DATA_DIR", REPO_DIR / "var")).resolve()
# Personal data lives in the data folder (database, uploads): readable by the owner only. The umask
# covers every file the process creates later (SQLite's -wal/-shm, uploads, error workbooks, exports).
os.umask(0o077)
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _owner_only(path: Path, mode: int) -> None:
    try:
        path.chmod(mode)
    except OSError:  # a folder owned by someone else (a read-only mount): leave it as its owner set it
        pass


_owner_only(DATA_DIR, 0o700)


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("PHOIHOP_SECRET_KEY"):
        return key
    # A per-installation key kept beside the embedded database, never in the repository.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_flag("PHOIHOP_DEBUG")
PRODUCTION = _env_flag("PHOIHOP_PRODUCTION")
ALLOWED_HOSTS = [
    h for h in os.environ.get("PHOIHOP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "phoihop.core",
    "phoihop.orgs",
    "phoihop.accounts",
    "phoihop.audit",
    "phoihop.records",
    "phoihop.workbook",
    "phoihop.indicators",
    "phoihop.reports",
    "phoihop.periods",
    "phoihop.portal",
    "phoihop.api",
    "phoihop.privacy",
    "phoihop.demo",
    "phoihop.jobs",
    "phoihop.site",  # the project level: serve/up, start and error pages, the staff menu
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "phoihop.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "phoihop.core.db_timeout.StatementTimeoutMiddleware",
    "phoihop.core.dbrouter.PinToPrimaryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "phoihop.core.middleware.LanguageMiddleware",
    "phoihop.core.middleware.StripNulMiddleware",
    "phoihop.core.middleware.CleanTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "phoihop.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "phoihop.urls"
WSGI_APPLICATION = "phoihop.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'phoihop.sqlite3'}"), conn_max_age=60
    )
}
EMBEDDED_DATABASE = "DATABASE_URL" not in os.environ
for _path in DATA_DIR.glob("*.sqlite3*"):  # a database created before the umask above was set
    _owner_only(_path, 0o600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while an import writes; IMMEDIATE avoids lock-upgrade deadlocks. A page
    # cache of up to 64 MB (filled only as pages are read; the default is 2 MB): a report reads the people
    # and the closure again and again, and with 2 MB each query fetched the pages from the OS anew (a
    # province's 50,000-people report 0.39 -> 0.33 s of CPU).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Read replicas (PostgreSQL): reads go there unless they must see the latest writes (core.dbrouter).
for _n, _url in enumerate(filter(None, os.environ.get("PHOIHOP_REPLICA_URLS", "").split(",")), start=1):
    DATABASES[f"replica{_n}"] = dj_database_url.parse(_url.strip(), conn_max_age=60) | {
        "TEST": {"MIRROR": "default"}
    }
DATABASE_ROUTERS = ["phoihop.core.dbrouter.PrimaryReplicaRouter"]
# Background jobs (imports, report documents, reminders): a queue in the database, run by `phoihop worker`
# (phoihop.jobs); `phoihop serve` starts one worker itself on the embedded database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Web requests only (core.db_timeout): on PostgreSQL every statement of a page or API call stops after this.
STATEMENT_TIMEOUT_MS = int(os.environ.get("PHOIHOP_STATEMENT_TIMEOUT_MS", "30000"))
# Database connections a report's indicators are computed on side by side (PostgreSQL, outside a
# transaction: core.side_by_side); 1 = one after another.
REPORT_CONNECTIONS = int(os.environ.get("PHOIHOP_REPORT_CONNECTIONS", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Portal counting (portal.browsers, portal.counting): one view per browser and article per window.
PORTAL_NEW_BROWSERS_PER_HOUR = int(os.environ.get("PHOIHOP_NEW_BROWSERS_PER_HOUR", "1000"))
PORTAL_VISITOR_RETENTION_DAYS = int(os.environ.get("PHOIHOP_VISITOR_RETENTION_DAYS", "365"))
PORTAL_VIEW_WINDOW_SECONDS = int(os.environ.get("PHOIHOP_VIEW_WINDOW_SECONDS", str(30 * 60)))
PORTAL_VISITOR_COOKIE = "__Host-phv" if PRODUCTION else "phv"
# The portal's other settings (portal.selectors, portal.services, portal.counting).
# Empty site name: the first province federation's name.
PORTAL_SITE_NAME = os.environ.get("PHOIHOP_PORTAL_SITE_NAME", "")
PORTAL_FOUR_EYES = os.environ.get("PHOIHOP_PORTAL_FOUR_EYES", "1").strip() not in ("0", "false", "off")
PORTAL_REDIS_URL = ""  # a Redis for the view counters only (tests); empty: REDIS_URL
PORTAL_FLUSH_THREAD = True  # counters flushed to the database by a background thread
# Uploads (workbook.tasks): run the import inline after the upload commits instead of queueing a job.
PHOIHOP_IMPORT_INLINE = _env_flag("PHOIHOP_IMPORT_INLINE")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A worker rebuilds the overview's reports after each change (reports.warm): only worth it when the cache
# is shared by every process (Redis); a process's own memory would keep them for the worker alone.
WARM_REPORTS = os.environ.get("PHOIHOP_WARM_REPORTS", "1" if REDIS_URL else "0") == "1"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: five failures for the same user name from the same address lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "phoihop.core.client_ip.client_ip"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); empty: none is.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("PHOIHOP_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Two-factor sign-in (TOTP): required for these roles where REQUIRE_2FA is on, optional for the others.
REQUIRE_2FA = _env_flag("PHOIHOP_REQUIRE_2FA", default=PRODUCTION)
ROLES_REQUIRING_2FA = ("admin", "manager")
OTP_TOTP_ISSUER = "phoihop"
API_TOKEN_DAYS = int(os.environ.get("PHOIHOP_TOKEN_DAYS", "90"))
# Personal data (Law 91/2025/QH15): how long people and uploads are kept.
ANONYMISE_AFTER_YEARS = int(os.environ.get("PHOIHOP_ANONYMISE_YEARS", "10"))
UPLOAD_RETENTION_DAYS = int(os.environ.get("PHOIHOP_UPLOAD_RETENTION_DAYS", "30"))

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # `__Host-` cookies are sent only over HTTPS, for this host and path "/": no subdomain can set them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest workbook an upload may carry; larger files are refused with a message, not read.
PHOIHOP_MAX_UPLOAD_BYTES = int(os.environ.get("PHOIHOP_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))
# Parsed rows an import keeps in memory between its checks and its writing; past them, a sheet's rows wait
# in a temporary file (workbook.rowstore). A province's usual workbook stays below it.
PHOIHOP_IMPORT_ROWS_IN_MEMORY = int(os.environ.get("PHOIHOP_IMPORT_ROWS_IN_MEMORY", 200_000))
# Past those rows, a second process parses every other block of a sheet's rows beside the importing one
# (workbook.parse_process), on machines of more than one core. "0" parses every row in the one process.
PHOIHOP_IMPORT_PARSE_PROCESS = os.environ.get("PHOIHOP_IMPORT_PARSE_PROCESS", "1") != "0"

# E-mail (reminders of period reports, `phoihop remind`): printed to the console unless EMAIL_URL names an
# SMTP server: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (SSL).
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    from urllib.parse import unquote, urlsplit

    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail.scheme == "smtp" and EMAIL_PORT != 25
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("PHOIHOP_FROM_EMAIL", "phoihop@localhost")
SITE_URL = os.environ.get("PHOIHOP_SITE_URL", "")  # links in e-mails, e.g. https://phoihop.example.vn

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
