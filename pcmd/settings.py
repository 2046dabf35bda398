"""PCMD settings: everything that differs between machines comes from the environment."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A local default keeps the quick start to two commands; production sets SECRET_KEY.
SECRET_KEY = env.str(
    "SECRET_KEY", default="pcmd-local-development-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATA_DIR = Path(env.str("PCMD_DATA_DIR", default=str(BASE_DIR / "data")))

# Keys for personal data encrypted at rest (pcmd.core.crypto): never in the database.
PCMD_ENCRYPTION_KEYS = env.str("PCMD_ENCRYPTION_KEYS", default="")
PCMD_ENCRYPTION_KEY_FILE = env.str(
    "PCMD_ENCRYPTION_KEY_FILE", default=str(DATA_DIR / "keys" / "encryption.keys")
)

# The public tip page (docs/registries.md): attachment size and submissions per hour.
PCMD_TIP_ATTACHMENT_MAX_BYTES = env.int("PCMD_TIP_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
PCMD_TIP_RATE_PER_ADDRESS = env.int("PCMD_TIP_RATE_PER_ADDRESS", default=5)
PCMD_TIP_RATE_GLOBAL = env.int("PCMD_TIP_RATE_GLOBAL", default=200)
PCMD_TIP_LOOKUP_RATE_PER_ADDRESS = env.int("PCMD_TIP_LOOKUP_RATE_PER_ADDRESS", default=20)
# Behind a reverse proxy that sets it (e.g. "X-Forwarded-For"); else REMOTE_ADDR is used.
PCMD_CLIENT_ADDRESS_HEADER = env.str("PCMD_CLIENT_ADDRESS_HEADER", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks_db",
    "pcmd.core",
    "pcmd.audit",
    "pcmd.geo",
    "pcmd.orgs",
    "pcmd.accounts",
    "pcmd.intake",
    "pcmd.documents",
    "pcmd.plans",
    "pcmd.reporting",
    "pcmd.analytics",
    "pcmd.registries",
    "pcmd.activities",
    "pcmd.programme",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pcmd.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pcmd.core.middleware.NormalizeTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pcmd.accounts.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pcmd.urls"
WSGI_APPLICATION = "pcmd.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pcmd" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# An empty DATABASE_URL (as `DATABASE_URL= cmd` sets) means the default, like an unset one.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'pcmd.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "pcmd.accounts.backends.SystemAdminBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed-login throttling: after 5 failures for a username from one address, wait 15 min.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "pcmd" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["pcmd.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "pcmd" / "static",
    # htmx is installed from the npm registry by the set-up script (package-lock.json).
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# Plan documents read by pcmd.intake.reading: larger files or PDFs are refused with a message.
PCMD_IMPORT_MAX_BYTES = env.int("PCMD_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
PCMD_IMPORT_MAX_PAGES = env.int("PCMD_IMPORT_MAX_PAGES", default=300)
# Where users reach the app; used in addresses printed by commands and sent in e-mails.
PCMD_BASE_URL = env.str("PCMD_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# E-mail: console by default; SMTP etc. by MAIL_BACKEND and MAIL_OPTIONS (JSON) in the env.
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "MAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
        ),
        "OPTIONS": env.json("MAIL_OPTIONS", default={}),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="pcmd@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
