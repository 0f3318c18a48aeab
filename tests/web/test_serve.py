"""``qadam serve`` runs the registry under gunicorn on the chosen data folder and port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.core.management import CommandError, call_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_it_serves_the_sign_in_page_and_the_vendored_assets(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QADAM_", "DJANGO_"))}
    env["QADAM_SECRET_KEY"] = "test-only-key-for-the-serve-command-test"
    command = [
        sys.executable,
        "-m",
        "qadam",
        "--data-dir",
        str(tmp_path / "data"),
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        status, body = fetch(f"http://127.0.0.1:{port}/login/", deadline)
        assert status == 200 and b"Qadam" in body
        status, body = fetch(f"http://127.0.0.1:{port}/static/vendor/htmx-2.0.11/htmx.min.js", deadline)
        assert status == 200 and b"htmx" in body
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output
    assert str(tmp_path / "data") in output


@pytest.mark.parametrize("port", [0, 70000])
def test_it_refuses_a_port_outside_the_range(port):
    with pytest.raises(CommandError, match="--port must be between 1 and 65535"):
        call_command("serve", port=port)
