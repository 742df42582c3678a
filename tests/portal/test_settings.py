"""Configuration from the environment, checked in fresh interpreters."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Q9x-_" * 8


def load_settings(module, **env):
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "db = s.DATABASES['default'];"
        "print(json.dumps({'DEBUG': s.DEBUG, 'ENGINE': db['ENGINE'], 'NAME': str(db['NAME']),"
        "'EAGER': s.CELERY_TASK_ALWAYS_EAGER, 'CACHE': s.CACHES['default']['BACKEND'],"
        "'EMAIL': s.EMAIL_BACKEND, 'BASE': s.PORTAL_BASE_DOMAIN,"
        "'SECURE': s.SESSION_COOKIE_SECURE}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "DJANGO_DEBUG",
            "EMAIL_URL",
            "EMAIL_BACKEND",
            "PORTAL_BASE_DOMAIN",
        }
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def test_embedded_default_needs_no_configuration(tmp_path):
    result = load_settings("portal.settings.local", PORTAL_VAR_DIR=str(tmp_path))

    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "portal.sqlite3"),
        "EAGER": True,
        "CACHE": "django.core.cache.backends.locmem.LocMemCache",
        "EMAIL": "django.core.mail.backends.filebased.EmailBackend",
        "BASE": "localhost",
        "SECURE": False,
    }


def test_production_variables_are_read(tmp_path):
    result = load_settings(
        "portal.settings.production",
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL="postgres://hc:pw@db.internal:5432/hypercare",
        REDIS_URL="redis://cache.internal:6379/0",
        PORTAL_BASE_DOMAIN="Feedback.Example.com",
        EMAIL_URL="smtp://mailer:pw@smtp.example.com:587/?tls=True",
    )

    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "hypercare",
        "EAGER": False,
        "CACHE": "django.core.cache.backends.redis.RedisCache",
        "EMAIL": "django.core.mail.backends.smtp.EmailBackend",
        "BASE": "feedback.example.com",
        "SECURE": True,
    }


def test_sqlite_database_url_is_accepted(tmp_path):
    result = load_settings(
        "portal.settings.local", DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3"
    )

    assert json.loads(result.stdout)["NAME"] == f"{tmp_path}/other.sqlite3"


def test_debug_only_when_asked_for(tmp_path):
    result = load_settings("portal.settings.local", DJANGO_DEBUG="1", PORTAL_VAR_DIR=str(tmp_path))

    assert json.loads(result.stdout)["DEBUG"] is True


@pytest.mark.parametrize(
    "secret",
    ["", "short", "django-insecure-local-only-hypercare-portal-development-key", "a" * 60],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    result = load_settings(
        "portal.settings.production", SECRET_KEY=secret, DATABASE_URL="postgres://x@db/hc"
    )

    assert result.returncode == 1
    assert "SECRET_KEY must be set to a random value" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = load_settings("portal.settings.production", SECRET_KEY=GOOD_KEY)

    assert result.returncode == 1
    assert "DATABASE_URL must be set in production" in result.stderr
