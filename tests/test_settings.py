import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import secret_key
from config.env import envbool, envint, envlist

ROOT = Path(__file__).resolve().parent.parent


def test_envbool_reads_common_spellings_and_rejects_typos(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG='ture'"):
        envbool("FLAG", False)


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("N", "12")
    monkeypatch.setenv("HOSTS", "a.org, b.org,")
    assert envint("N", 1) == 12 and envint("MISSING", 7) == 7
    assert envlist("HOSTS", []) == ["a.org", "b.org"]
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured):
        envint("N", 1)


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-of-enough-length-and-variety-0123456789",
        ALLOWED_HOSTS="tandem.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _setting(name: str, **env) -> str:
    result = _manage("shell", "--no-imports", "-c", f"from django.conf import settings; print(settings.{name})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_debug_is_off_unless_the_variable_turns_it_on(tmp_path):
    key_file = str(tmp_path / "secret_key")
    assert _setting("DEBUG", SECRET_KEY_FILE=key_file) == "False"
    assert _setting("DEBUG", SECRET_KEY_FILE=key_file, DEBUG="1") == "True"


def test_make_run_and_only_it_turns_debug_on():
    makefile = (ROOT / "Makefile").read_text()
    assert re.findall(r"^.*\bDEBUG\b.*$", makefile, re.MULTILINE) == ["run: export DEBUG = 1"]


@pytest.mark.slow
def test_without_secret_key_one_random_key_is_made_kept_and_passes_the_deploy_check(tmp_path):
    key_file = tmp_path / "secret_key"
    first = _setting("SECRET_KEY", SECRET_KEY_FILE=str(key_file))
    assert len(first) >= 50 and "insecure" not in first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert _setting("SECRET_KEY", SECRET_KEY_FILE=str(key_file)) == first  # the same key after a restart
    assert _setting("SECRET_KEY", SECRET_KEY_FILE=str(tmp_path / "other")) != first  # another installation
    assert _setting("SECRET_KEY", SECRET_KEY_FILE=str(key_file), SECRET_KEY="s" * 60) == "s" * 60
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY_FILE=str(key_file),
        ALLOWED_HOSTS="tandem.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_processes_starting_together_agree_on_one_key(tmp_path):
    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: secret_key.read_or_create(path), range(32)))
    assert len(keys) == 1 and path.read_text().strip() in keys
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left behind


def test_a_key_file_that_cannot_be_made_or_is_too_short_is_a_clear_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set and .*cannot be written"):
        secret_key.read_or_create(tmp_path / "no-such-folder" / "secret_key")
    (tmp_path / "short").write_text("abc\n")
    with pytest.raises(ImproperlyConfigured, match="holds no usable secret key"):
        secret_key.read_or_create(tmp_path / "short")
