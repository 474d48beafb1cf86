"""The workers stop promptly on SIGTERM (a deployment restarting them waits for no one)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

RUN = """
import json, sys
from pathlib import Path
from assistant.app import create_app
from assistant.config import TestConfig
url, options, instance = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
app = create_app(TestConfig(instance, url, ENGINE_OPTIONS=options))
print("ready", flush=True)
result = app.test_cli_runner().invoke(args=sys.argv[4:], catch_exceptions=False)
print(result.output, flush=True)
"""


@pytest.mark.real_clock  # another process, on the machine's clock
@pytest.mark.parametrize(
    "command",
    [
        ["visits", "remind", "--interval", "60"],
        ["worker", "--interval", "60"],
    ],
)
def test_the_reminder_worker_stops_within_seconds_of_sigterm(app, database, tmp_path, command):
    url, options = database
    process = subprocess.Popen(
        [sys.executable, "-c", RUN, url, json.dumps(options), str(tmp_path / "w"), *command],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        time.sleep(1.5)  # into its first pause (nothing is due: it sleeps)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        assert time.monotonic() - sent < 3
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
