"""Benchmark of the SMS webhook (`POST /sms/inbound`) against a bare Flask endpoint.

Run from the project root:  .venv/bin/python bench/sms_webhook.py   (or `make bench`)

Both targets are served by gunicorn with the same settings (see GUNICORN_* below) on a free
127.0.0.1 port, and loaded by the same client in the same run:

(a) bench/bare_app.py: Flask routing and a constant TwiML reply, nothing else;
(b) the real app (APP_ENV=production) on a fresh, migrated SQLite database (WAL) in a temporary
    directory, fed with webhook posts signed like Twilio signs them, from many phone numbers,
    each playing a real conversation: MENU, SCORE, then OUI/NON answers until its score arrives;
(c) only when BENCH_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1/test):
    the same as (b) in a fresh schema `bench_<random>` of that database, dropped at the end.

The client: CONCURRENCY threads, each with its own keep-alive http.client connection; a warm-up,
then BENCH_REQUESTS requests or BENCH_SECONDS seconds, whichever comes first. Every reply of
(b)/(c) must be a 200 with TwiML holding one message that is not the apology for an incident;
any other reply is counted as an error and makes the script exit with status 1. The goals of
SPEC §6 (ratio ≥ 0.5, p99 < 100 ms, one worker < 150 MB RSS) are printed, never enforced.

Then, for (b) and (c), an open-loop load at a fixed rate of half the throughput just measured
(BENCH_OPEN_SECONDS, 10 s by default): request i is due at start + i / rate whether or not the
earlier ones have been answered, and its latency counts from that due time (waiting for a free
connection included), so that a slow server cannot slow the client down and hide its queue.
Its p50/p99 is the latency a person sees at a stated load, not at saturation.
"""

from __future__ import annotations

import http.client
import itertools
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
WARMUP_REQUESTS = int(os.environ.get("BENCH_WARMUP_REQUESTS", "200"))
WARMUP_SECONDS = 5.0
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
# 2 cores: one process per core; 4 threads each so that a worker keeps working while one of
# its requests waits for the disk (SQLite's commit) and keep-alive connections are served.
GUNICORN_WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
GUNICORN_THREADS = int(os.environ.get("BENCH_THREADS", "4"))
GUNICORN_CLASS = "gthread"
OPEN_SECONDS = float(os.environ.get("BENCH_OPEN_SECONDS", "10"))
OPEN_CONNECTIONS = int(os.environ.get("BENCH_OPEN_CONNECTIONS", "16"))

TOKEN = "bench-auth-token-" + secrets.token_hex(8)
PUBLIC_BASE_URL = "https://sante.example"
SERVICE_NUMBER = "+33700000000"
ACCOUNT_SID = "AC" + "0" * 32
# assistant/templates/sms/error.txt: a handled-but-failed message
APOLOGY = "un incident nous empêche"

GOAL_RATIO, GOAL_P99_MS, GOAL_RSS_MB = 0.5, 100.0, 150.0


# ---------------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master of our own, in its own process group, stopped whatever happens."""

    def __init__(self, name: str, app_spec: str, env: dict, log_dir: Path):
        self.name, self.port = name, free_port()
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers", str(GUNICORN_WORKERS),
                "--worker-class", GUNICORN_CLASS,
                "--threads", str(GUNICORN_THREADS),
                "--bind", f"127.0.0.1:{self.port}",
                "--keep-alive", "5",
                "--pythonpath", str(BENCH_DIR),
                "--log-level", "warning",
                app_spec,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/__bench_ready__")
                conn.getresponse().read()
                conn.close()
                if len(self.workers()) == GUNICORN_WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: not ready after {timeout:.0f} s\n{self.log_tail()}")

    def workers(self) -> list[int]:
        """The worker processes: children of the master, read from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def worker_stats(self) -> list[tuple[int, float, float]]:
        """(pid, peak RSS in MB from VmHWM, CPU seconds) of each worker."""
        stats = []
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            hwm_kb = next(int(line.split()[1]) for line in status.splitlines() if "VmHWM" in line)
            cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
            stats.append((pid, hwm_kb / 1024, cpu))
        return stats

    def log_tail(self, lines: int = 30) -> str:
        self.log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # master and workers: our group only
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# ----------------------------------------------------------------------------------- client


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    client_cpu: float = 0.0  # CPU seconds of this script while loading (it shares the cores)
    conversations: int = 0
    scores: int = 0


class Budget:
    """At most `count` requests, and none started after `seconds`."""

    def __init__(self, count: int, seconds: float):
        self.left, self.deadline = count, time.monotonic() + seconds
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


class Schedule(Budget):
    """Open loop: request i is due at start + i / rate, for `seconds`. `take` waits until the
    next request is due and tells the latency's origin (`due`) to the caller."""

    def __init__(self, rate: float, seconds: float):
        super().__init__(max(1, round(rate * seconds)), seconds + 3600)
        self.rate, self.start, self.issued = rate, time.perf_counter(), 0
        self.due = threading.local()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            due = self.start + self.issued / self.rate
            self.issued += 1
        self.due.at = due
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        return True


class Client:
    """One keep-alive connection; signs each post as Twilio would."""

    sids = itertools.count(1)
    run_id = uuid.uuid4().hex[:8]

    def __init__(self, port: int, strict: bool):
        self.port, self.strict = port, strict
        self.validator = RequestValidator(TOKEN)
        self.conn: http.client.HTTPConnection | None = None
        self.due: threading.local | None = None  # set under an open-loop Schedule

    def post(self, phone: str, body: str, results: Results) -> str | None:
        sid = f"SM{self.run_id}{next(self.sids):024x}"
        form = {
            "MessageSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": phone,
            "To": SERVICE_NUMBER,
            "Body": body,
            "NumSegments": "1",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": self.validator.compute_signature(
                PUBLIC_BASE_URL + "/sms/inbound", form
            ),
        }
        payload = urlencode(form)
        start = time.perf_counter()
        if self.due is not None:  # open loop: from when the request was due
            start = min(start, self.due.at)
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request("POST", "/sms/inbound", payload, headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            results.errors.append(f"{type(error).__name__}: {error}")
            return None
        results.latencies.append(time.perf_counter() - start)
        return self.check(response, data, results)

    def check(self, response, data: bytes, results: Results) -> str | None:
        if response.status != 200:
            results.errors.append(f"HTTP {response.status}: {data[:200]!r}")
            return None
        if not response.getheader("Content-Type", "").startswith("text/xml"):
            results.errors.append(f"not XML: {response.getheader('Content-Type')}")
            return None
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            results.errors.append(f"invalid TwiML: {error}")
            return None
        text = "\n".join(m.text or "" for m in root.iter("Message"))
        if root.tag != "Response" or (self.strict and (not text or APOLOGY in text)):
            results.errors.append(f"unexpected reply: {data[:200]!r}")
            return None
        return text

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


phones = itertools.count(1)


def conversation(client: Client, budget: Budget, results: Results, rng: random.Random) -> bool:
    """One phone: MENU, SCORE, then OUI/NON until the score comes; False when out of budget."""
    phone = f"+3361{next(phones):07d}"
    script = ["MENU", rng.choice(["SCORE", "score", "Score"])]
    answers = 0
    while True:
        if script:
            body = script.pop(0)
        else:
            body = rng.choice(["oui", "non", "Oui", "NON", "oui "])
            answers += 1
        if not budget.take():
            return False
        reply = client.post(phone, body, results)
        if reply is None:
            return True  # an error: counted; this phone stops here
        if "/5" in reply:  # "Votre score de culture de prévention : 3,5/5. …"
            results.scores += 1
            return True
        if not client.strict and answers >= 6:  # the bare app never gives a score
            return True
        if answers >= 8:  # "has staff?" and at most six score questions: something is wrong
            results.errors.append(f"no score after {answers} answers: {reply[:120]!r}")
            return True


def load(port: int, count: int, seconds: float, strict: bool, rate: float | None = None) -> Results:
    """Closed loop (each connection sends as soon as it is answered), or open loop at `rate`
    requests per second for `seconds` over OPEN_CONNECTIONS connections."""
    budget = Budget(count, seconds) if rate is None else Schedule(rate, seconds)
    connections = CONCURRENCY if rate is None else OPEN_CONNECTIONS

    def run(index: int) -> Results:
        results = Results()  # one per thread, merged at the end
        client = Client(port, strict)
        if isinstance(budget, Schedule):
            client.due = budget.due
        rng = random.Random(index)
        try:
            while conversation(client, budget, results, rng):
                results.conversations += 1
        finally:
            client.close()
        return results

    total = Results()
    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(connections) as pool:
        for future in [pool.submit(run, i) for i in range(connections)]:
            part = future.result()
            total.latencies += part.latencies
            total.errors += part.errors
            total.conversations += part.conversations
            total.scores += part.scores
    total.elapsed = time.perf_counter() - start
    total.client_cpu = time.process_time() - cpu
    return total


# ------------------------------------------------------------------------------------ runs


def percentile(latencies: list[float], p: float) -> float:
    """In milliseconds (nearest rank)."""
    values = sorted(latencies)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))] * 1000


@dataclass
class Measure:
    name: str
    results: Results
    workers: list[tuple[int, float, float]]
    half: Results | None = None  # the open-loop load at half the measured throughput
    half_rate: float = 0.0
    cpu_per_request: float = 0.0  # seconds of the workers' CPU per request (boot excluded)

    @property
    def rps(self) -> float:
        return len(self.results.latencies) / self.results.elapsed if self.results.elapsed else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.results.latencies, p)

    @property
    def peak_rss(self) -> float:
        return max((rss for _, rss, _ in self.workers), default=float("nan"))


def measure(name: str, app_spec: str, env: dict, log_dir: Path, strict: bool) -> Measure:
    server = Server(name, app_spec, env, log_dir)
    try:
        server.wait_ready()
        warm = load(server.port, WARMUP_REQUESTS, WARMUP_SECONDS, strict)
        if warm.errors:
            print(f"  {name}: {len(warm.errors)} errors during warm-up, e.g. {warm.errors[0]}")
        before = sum(cpu for _, _, cpu in server.worker_stats())
        results = load(server.port, REQUESTS, SECONDS, strict)
        results.errors[:0] = warm.errors
        workers = server.worker_stats()
        found = Measure(name, results, workers)
        found.cpu_per_request = (sum(cpu for _, _, cpu in workers) - before) / max(
            1, len(results.latencies)
        )
        if strict and OPEN_SECONDS > 0 and found.rps > 0:
            found.half_rate = found.rps / 2
            found.half = load(server.port, 0, OPEN_SECONDS, strict, rate=found.half_rate)
            results.errors += found.half.errors
        if results.errors:
            print(f"  {name}: gunicorn log tail:\n{server.log_tail()}")
    finally:
        server.stop()
    return found


def base_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "MAIL_"))}
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        TWILIO_AUTH_TOKEN=TOKEN,
        PYTHONUNBUFFERED="1",
    )
    return env


def migrate(env: dict) -> None:
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "assistant.app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class PostgresSchema:
    """A fresh schema in BENCH_DATABASE_URL, reached through the connection's search_path."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine, text

        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self.text = text
        self.schema = f"bench_{uuid.uuid4().hex[:12]}"
        self.engine = create_engine(url)
        with self.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        separator = "&" if "?" in url else "?"
        self.url = f"{url}{separator}options=-csearch_path%3D{self.schema}"

    def drop(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(self.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.engine.dispose()


def report(m: Measure) -> None:
    r = m.results
    print(
        f"{m.name:<16} {len(r.latencies):>6} req  {len(r.errors):>4} err  {m.rps:8.1f} req/s  "
        f"p50 {m.percentile(50):6.1f}  p95 {m.percentile(95):6.1f}  "
        f"p99 {m.percentile(99):6.1f} ms  peak RSS/worker {m.peak_rss:5.1f} MB"
    )
    workers = ", ".join(f"pid {pid}: {rss:.1f} MB, {cpu:.1f} s CPU" for pid, rss, cpu in m.workers)
    print(f"{'':<16} workers: {workers}; client: {r.client_cpu:.1f} s CPU in {r.elapsed:.1f} s")
    cpu = m.cpu_per_request * 1000
    print(f"{'':<16} workers' CPU per request (after the warm-up): {cpu:.2f} ms")
    if r.conversations:
        print(f"{'':<16} {r.conversations} conversations, {r.scores} scores computed")
    if (h := m.half) is not None:
        print(
            f"{'':<16} open loop at {m.half_rate:.1f} req/s (half of the above) for "
            f"{h.elapsed:.1f} s: {len(h.latencies)} req, {len(h.errors)} err, "
            f"p50 {percentile(h.latencies, 50):.1f}  p99 {percentile(h.latencies, 99):.1f} ms"
        )
    for error in r.errors[:5]:
        print(f"{'':<16} error: {error}")


def verdict(bare: Measure, real: Measure) -> bool:
    ratio = real.rps / bare.rps if bare.rps else 0.0
    p99 = real.percentile(99)
    checks = [
        (f"throughput {real.name} / bare = {ratio:.2f}", f"≥ {GOAL_RATIO}", ratio >= GOAL_RATIO),
        (f"p99 of {real.name} = {p99:.1f} ms", f"< {GOAL_P99_MS:.0f} ms", p99 < GOAL_P99_MS),
    ]
    if real.half is not None:
        half_p99 = percentile(real.half.latencies, 99)
        checks.append(
            (
                f"p99 at {real.half_rate:.0f} req/s (half capacity) = {half_p99:.1f} ms",
                f"< {GOAL_P99_MS:.0f} ms",
                half_p99 < GOAL_P99_MS,
            )
        )
    checks += [
        (
            f"peak RSS of one {real.name} worker = {real.peak_rss:.1f} MB",
            f"< {GOAL_RSS_MB:.0f} MB",
            real.peak_rss < GOAL_RSS_MB,
        ),
    ]
    for label, goal, ok in checks:
        print(f"  {label:<52} goal {goal:<9} {'OK' if ok else 'NOT MET'}")
    return all(ok for _, _, ok in checks)


def main() -> int:
    print(
        f"gunicorn {GUNICORN_WORKERS} × {GUNICORN_CLASS} ({GUNICORN_THREADS} threads), "
        f"127.0.0.1, keep-alive; client: {CONCURRENCY} connections, warm-up "
        f"{WARMUP_REQUESTS} req, then {REQUESTS} req or {SECONDS:.0f} s; "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    measures = []
    with tempfile.TemporaryDirectory(prefix="bench-sms-") as tmp:
        tmp_dir = Path(tmp)
        bare = measure("bare", "bare_app:app", base_env("sqlite://"), tmp_dir, strict=False)
        report(bare)

        env = base_env(f"sqlite:///{tmp_dir / 'bench.db'}")
        migrate(env)
        measures.append(measure("real sqlite", "assistant.app:create_app()", env, tmp_dir, True))
        report(measures[-1])

        if url := os.environ.get("BENCH_DATABASE_URL"):
            schema = PostgresSchema(url)
            try:
                env = base_env(schema.url)
                migrate(env)
                measures.append(
                    measure("real postgres", "assistant.app:create_app()", env, tmp_dir, True)
                )
                report(measures[-1])
            finally:
                schema.drop()

    print("Goals (SPEC §6):")
    for m in measures:
        verdict(bare, m)
    errors = sum(len(m.results.errors) for m in measures)
    print(f"errors in the real app's replies: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
