"""A real gunicorn on this project, for the fault tests and bench/load.py."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(env: dict, *, port: int, workers: int = 1, timeout: int = 120, log_level: str = "critical"):
    """gunicorn with `workers` workers on 127.0.0.1:`port`, returned once it answers (or after 30 s); its master
    starts a new worker when one dies."""
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--timeout", str(timeout), "--log-level", log_level],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/accounts/login/")
            break
        except OSError:
            time.sleep(0.2)
    return master
