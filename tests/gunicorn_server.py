"""A real gunicorn on this project, for the fault tests and bench/load.py."""

import http.client
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Gunicorn:
    process: subprocess.Popen  # the master
    port: int

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def start_gunicorn(env: dict, *, port: int = 0, workers: int = 1, timeout: int = 120, log_level: str = "critical"):
    """gunicorn with `workers` workers on 127.0.0.1:`port`, returned once it answers (or after 30 s); its master
    starts a new worker when one dies. Port 0 takes a free port: the socket is bound here and handed to gunicorn,
    so two test runs at once (parallel workers, other checkouts) never reach each other's server."""
    listener = socket.create_server(("127.0.0.1", port))
    port = listener.getsockname()[1]
    master = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"fd://{listener.fileno()}",
            "--timeout",
            str(timeout),
            "--log-level",
            log_level,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        pass_fds=[listener.fileno()],
    )
    listener.close()  # gunicorn holds its own copy
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/accounts/login/")
            break
        except OSError:
            time.sleep(0.2)
    return Gunicorn(master, port)
