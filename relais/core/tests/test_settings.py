"""The production profile is safe, and refuses to start when it would not be."""

import os
import subprocess
import sys

import pytest

REAL_KEY = "k3y-" + "Zq8vR2mP9xW4tL7nB1cF6hJ0sD5gK3aE" * 2
REAL_AUDIT_KEY = "audit-" + "Hq3xN8rT2vL6mW9pB4cJ7kF1sD5gZ0aE"
REAL_ENCRYPTION_KEYS = "k1:" + "UmVsYWlzIHRlc3Qga2V5LCBub3QgYSByZWFsIG9uZSE="


def run_relais(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "AUDIT_HMAC_KEY",
            "CACHE_URL",
            "RELAIS_ENCRYPTION_KEYS",
        )
    }
    env["AUDIT_HMAC_KEY"] = REAL_AUDIT_KEY
    env["CACHE_URL"] = "dbcache://relais_cache"
    env["RELAIS_ENCRYPTION_KEYS"] = REAL_ENCRYPTION_KEYS
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "relais.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "key", [None, "", "short", "django-insecure-" + "a" * 60, "a" * 60]
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    env = {"RELAIS_PROFILE": "production", "ALLOWED_HOSTS": "relais.example.org"}
    if key is not None:
        env["SECRET_KEY"] = key
    result = run_relais("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "DEBUG": "true",
        },
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_check_deploy_has_no_warning_in_production():
    result = run_relais(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "short", "development-only-audit-key-" + "y" * 40])
def test_production_refuses_to_start_without_a_real_audit_key(key):
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
            "AUDIT_HMAC_KEY": key,
        },
    )
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY" in result.stderr


def test_passwords_are_hashed_with_argon2_in_both_profiles():
    # The tests themselves hash with MD5 (relais/conftest.py): this checks the
    # real settings, in fresh processes.
    for profile in ("development", "production"):
        result = run_relais(
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
            env_overrides={
                "RELAIS_PROFILE": profile,
                "SECRET_KEY": REAL_KEY,
                "ALLOWED_HOSTS": "relais.example.org",
            },
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [
            "django.contrib.auth.hashers.Argon2PasswordHasher"
        ], profile


@pytest.mark.parametrize("cache_url", ["", "locmemcache://relais", "dummycache://"])
def test_production_refuses_a_cache_of_its_own_per_process(cache_url):
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
            "CACHE_URL": cache_url,
        },
    )
    assert result.returncode != 0
    assert "CACHE_URL must name a cache every process shares" in result.stderr


@pytest.mark.parametrize(
    "cache_url", ["redis://127.0.0.1:6379/7", "dbcache://relais_cache"]
)
def test_production_accepts_redis_or_the_database_cache(cache_url):
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
            "CACHE_URL": cache_url,
        },
    )
    assert result.returncode == 0, result.stderr


def test_unknown_profile_is_refused():
    result = run_relais("check", env_overrides={"RELAIS_PROFILE": "staging"})
    assert result.returncode != 0
    assert "RELAIS_PROFILE" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


@pytest.mark.parametrize(
    "keys",
    [
        "",
        "devonly:ZGV2ZWxvcG1lbnQtb25seS1ub3Qtc2VjcmV0LWtleSE=",
        "k1:c2hvcnQ=",
        "no-key-id",
    ],
)
def test_production_refuses_to_start_without_real_encryption_keys(keys):
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
            "RELAIS_ENCRYPTION_KEYS": keys,
        },
    )
    assert result.returncode != 0
    assert "RELAIS_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_a_secret_key_equal_to_the_audit_key():
    result = run_relais(
        "check",
        env_overrides={
            "RELAIS_PROFILE": "production",
            "SECRET_KEY": REAL_KEY,
            "AUDIT_HMAC_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "relais.example.org",
        },
    )
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY" in result.stderr and "SECRET_KEY" in result.stderr


def test_a_lockout_lasts_thirty_minutes_by_default():
    from datetime import timedelta

    from django.conf import settings

    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
