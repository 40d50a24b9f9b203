"""Load: signed Twilio SMS webhooks against the real server, then the database is checked.

Sets up a database of its own (PostgreSQL `panah_bench_webhooks`, dropped and created again
each run, or the one DATABASE_URL names; `--sqlite` for var/bench/webhooks.sqlite3), migrates,
creates an organisation and a Twilio SMS channel with known credentials
(`channels.services.channel_create`), and starts the production server as a subprocess on
127.0.0.1 and a free port: gunicorn (sync or gthread workers) or granian (WSGI), with
PANAH_ENV=production (no DEBUG, keys and secret key from files under var/bench/, the TLS
proxy's X-Forwarded-Proto trusted, SSL redirect on) and PANAH_BASE_URL set to the loopback
address so signatures verify. Its URL configuration (`webhooks_urls`) is Panah's plus one empty
view, so the same process and middleware stack answer both.

`webhooks_load.py`, in a process of its own, builds distinct signed webhooks and fires them
for `--duration` seconds with bounded concurrency, re-sending 10% of the acknowledged ones as
provider retries and 1% twice at the same moment. Afterwards the database must hold exactly
one InboundMessage for each acknowledged MessageSid (lost = acknowledged but absent,
duplicated = more than one row: both must be 0) and exactly one processing task per message.
Then the same load (same bodies, same signatures) goes to the empty view: the framework's
ceiling on this machine. By default the two alternate in `--rounds` slices (6 x 10 s of each),
so that a drift in the machine's speed weighs on both figures alike; `--rounds 1` fires one
60-s phase of each. The figure is webhook requests/s ÷ empty-view requests/s (goal
≥ 40%), with p50/p95/p99 latency of both, the server's and PostgreSQL's CPU per request and
the machine's load.

    python benchmarks/bench_webhooks.py [--server granian|gunicorn-gthread|gunicorn-sync]
        [--workers N] [--threads N] [--duration 60] [--rounds 6] [--concurrency 16]
        [--process 300]
        [--profile 20] [--cpu-profile 2000] [--sqlite]

Afterwards, none of it part of the ratio: `--profile S` fires S more seconds of webhooks with
py-spy sampling every server process (wall clock) and prints where the time goes;
`--cpu-profile N` (on by default, N = 2000, when the ratio is under 40%) answers N webhooks
and N empty requests in this process through Django's WSGI handler and prints their CPU time
and that of each step of the webhook; `--process N` runs the processing task of N stored
messages here and times it. About 5 minutes with the defaults.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
VAR = ROOT / "var" / "bench"
DB_NAME = "panah_bench_webhooks"
ACCOUNT_SID = "AC" + "b3" * 16
AUTH_TOKEN = "5e" * 16  # the benchmark channel's Twilio auth token (a known test value)
CHANNEL_NUMBER = "+923001112233"
SERVERS = ("gunicorn-sync", "gunicorn-gthread", "granian")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    parser.add_argument("--workers", type=int, help="processes (default: 5 sync, 2 otherwise)")
    parser.add_argument("--threads", type=int, default=4, help="per worker (gthread, granian)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per phase")
    parser.add_argument(
        "--rounds",
        type=int,
        default=6,
        help="alternate webhook and empty-view slices this many times (1: one phase each)",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--requests", type=int, default=80_000, help="distinct webhooks, at most")
    parser.add_argument("--retry-fraction", type=float, default=0.10)
    parser.add_argument("--dup-fraction", type=float, default=0.01)
    parser.add_argument("--process", type=int, default=300, help="messages to process after")
    parser.add_argument("--profile", type=float, default=0, help="seconds of py-spy, after")
    parser.add_argument(
        "--cpu-profile",
        type=int,
        help="webhooks to answer in-process under cProfile, after (default: 2000 if the "
        "ratio is under 40%%, else none)",
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database first")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_environment(args: argparse.Namespace, port: int) -> dict[str, str]:
    """Set the production-like environment (for this process and the server) and return it."""
    VAR.mkdir(parents=True, exist_ok=True)
    secret_file = VAR / "webhooks-secret-key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        secret_file.chmod(0o600)
    key_file = VAR / "webhooks-keys.json"
    if not key_file.exists():
        from panah.core import crypto  # noqa: PLC0415 - pure helpers, no settings read

        crypto.write_key_document(key_file, crypto.new_key_document())
    env = {
        "DJANGO_SETTINGS_MODULE": "webhooks_settings",
        "PANAH_ENV": "production",
        "PANAH_DEBUG": "false",
        "PANAH_SECRET_KEY_FILE": str(secret_file),
        "PANAH_KEY_FILE": str(key_file),
        "PANAH_GENERATE_DEV_KEYS": "false",
        "PANAH_ALLOWED_HOSTS": "127.0.0.1",
        "PANAH_BASE_URL": f"http://127.0.0.1:{port}",
        "PANAH_VAR_DIR": str(VAR / "webhooks"),
        "PANAH_HELPLINE_NUMBER": "+92 300 0000000",
        "PANAH_MESSAGING_FILE": str(VAR / "webhooks" / "outbox.jsonl"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]),
    }
    if args.sqlite:
        env["DATABASE_URL"] = ""
        env["PANAH_SQLITE_PATH"] = str(VAR / "webhooks.sqlite3")
    else:
        env["DATABASE_URL"] = os.environ.get(
            "DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
        )
    os.environ.update(env)
    return env


def recreate_database(args: argparse.Namespace) -> None:
    """Start from an empty database, so every run's counts are its own."""
    if args.sqlite:
        for suffix in ("", "-wal", "-shm"):
            Path(os.environ["PANAH_SQLITE_PATH"] + suffix).unlink(missing_ok=True)
        return
    import dj_database_url  # noqa: PLC0415
    import psycopg  # noqa: PLC0415

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = config["NAME"]
    if "webhooks" not in name:  # never drop a database this benchmark did not make
        raise SystemExit(f"refusing to drop {name!r}: use a name with 'webhooks' or --keep-db")
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    ARGS = parse_args()
    PORT = free_port()
    sys.path.insert(0, str(ROOT))
    ENV = prepare_environment(ARGS, PORT)
    if not ARGS.keep_db:
        recreate_database(ARGS)

import collections  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402

import webhooks_load  # noqa: E402
from common import BENCH_ORG, percentile  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from panah.accounts.models import Organisation  # noqa: E402
from panah.channels import services  # noqa: E402
from panah.channels.models import Channel, InboundMessage  # noqa: E402

VENV_BIN = Path(sys.executable).parent
TASK_PATH = "panah.channels.tasks.inbound_process_batch"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- The server ----------------------------------------------------------------------------


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    app = "panah.wsgi:application"
    if args.server == "granian":
        return [
            str(VENV_BIN / "granian"),
            "--interface", "wsgi",
            "--host", "127.0.0.1",
            "--port", str(port),
            "--workers", str(args.workers),
            "--blocking-threads", str(args.threads),
            "--backlog", "2048",
            "--no-ws",
            "--log-level", "warning",
            app,
        ]  # fmt: skip
    command = [
        str(VENV_BIN / "gunicorn"),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers),
        "--backlog", "2048",
        "--timeout", "30",
        "--log-level", "warning",
        "--pythonpath", f"{ROOT},{HERE}",
    ]  # fmt: skip
    if args.server == "gunicorn-gthread":
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    else:
        command += ["--worker-class", "sync"]
    return [*command, app]


def start_server(args: argparse.Namespace, port: int, log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own venv's server, fixed arguments
        server_command(args, port),
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}; see {log}")
        try:
            request = urllib.request.Request(  # noqa: S310 - loopback http, fixed
                f"http://127.0.0.1:{port}/bench/empty/ready/",
                headers={"X-Forwarded-Proto": "https"},
            )
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 204:
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"server did not answer within 60 s; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # gunicorn and granian stop their workers on SIGTERM
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- CPU accounting from /proc -------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, str, float, float]]:
    """Return {pid: (ppid, comm, own CPU seconds, reaped children's CPU seconds)}."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        reaped = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
        table[int(entry)] = (int(fields[1]), comm, own, reaped)
    return table


def _tree_cpu(table: dict, root: int) -> float:
    """CPU seconds of a process and its descendants, the exited ones included."""
    children = collections.defaultdict(list)
    for pid, (ppid, _comm, _own, _reaped) in table.items():
        children[ppid].append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            _ppid, _comm, own, reaped = table[pid]
            total += own + (reaped if pid == root else 0.0)
            stack.extend(children[pid])
    return total


def _postmaster(table: dict) -> int | None:
    for pid, (ppid, comm, _own, _reaped) in table.items():
        if comm == "postgres" and table.get(ppid, (0, ""))[1] != "postgres":
            return pid
    return None


def _machine_cpu() -> tuple[float, float]:
    """Return (busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """The server's, PostgreSQL's (all of it) and the whole machine's CPU over one phase."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def __enter__(self) -> CpuMeter:
        table = _proc_table()
        self.postmaster = _postmaster(table)
        self.server0 = _tree_cpu(table, self.server_pid)
        self.pg0 = _tree_cpu(table, self.postmaster) if self.postmaster else 0.0
        self.machine0 = _machine_cpu()
        self.load0 = os.getloadavg()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        table = _proc_table()
        self.server = _tree_cpu(table, self.server_pid) - self.server0
        self.pg = (_tree_cpu(table, self.postmaster) - self.pg0) if self.postmaster else 0.0
        busy, total = _machine_cpu()
        self.machine_busy = (busy - self.machine0[0]) / max(1, total - self.machine0[1])
        self.load1 = os.getloadavg()[0]


# --- The load ----------------------------------------------------------------------------


def fire(
    args: argparse.Namespace,
    channel: Channel,
    meter: CpuMeter,
    *,
    port: int,
    run_id: str,
    duration: float,
    target: str,
    requests: int,
) -> dict:
    """Run webhooks_load.py once, metering only its firing; return its results."""
    sign_path = f"/channels/hook/{channel.webhook_slug}/"
    out = VAR / f"webhooks-load-{run_id}-{target}.json"
    command = [
        sys.executable,
        str(HERE / "webhooks_load.py"),
        "--base-url", f"http://127.0.0.1:{port}",
        "--sign-path", sign_path,
        "--url-path", sign_path if target == "webhook" else f"/bench/empty/{channel.webhook_slug}/",
        "--token", AUTH_TOKEN,
        "--account-sid", ACCOUNT_SID,
        "--to", CHANNEL_NUMBER,
        "--run-id", run_id,
        "--requests", str(requests),
        "--duration", str(duration),
        "--concurrency", str(args.concurrency),
        "--retry-fraction", str(args.retry_fraction),
        "--dup-fraction", str(args.dup_fraction),
        "--out", str(out),
        "--wait",
        *(["--cycle"] if target == "empty" else []),  # nothing is stored: bodies may repeat
    ]  # fmt: skip
    load = subprocess.Popen(  # noqa: S603 - our own script
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert load.stdin is not None and load.stdout is not None
    if load.stdout.readline().strip() != "built":
        raise SystemExit("the load generator failed before firing")
    with meter:
        load.stdin.write("go\n")
        load.stdin.flush()
        if load.wait() != 0:
            raise SystemExit("the load generator failed")
    result = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return result


def summary(label: str, result: dict, meter: CpuMeter) -> dict:
    statuses = collections.Counter(result["status"])
    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    latencies = result["latency_ms"]
    elapsed = result["elapsed"]
    done = len(latencies)
    figures = {
        "label": label,
        "requests": done,
        "ok": ok,
        "statuses": dict(sorted(statuses.items())),
        "rps": ok / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "server_ms": meter.server * 1000 / max(1, done),
        "pg_ms": meter.pg * 1000 / max(1, done),
        "client_ms": result["client_cpu"] * 1000 / max(1, done),
        "machine_busy": meter.machine_busy,
        "load": (meter.load0, meter.load1),
        "elapsed": elapsed,
    }
    kinds = collections.Counter(result["kind"])
    print(
        f"{label}: {done:,} requests in {elapsed:.1f} s ({kinds[0]:,} first sends, "
        f"{kinds[1]:,} retries, {kinds[2]:,} concurrent copies; "
        f"built in {result['build_seconds']:.1f} s); "
        f"statuses {figures['statuses']}; "
        f"load average {meter.load0:.2f} -> {meter.load1:.2f}; machine CPU busy "
        f"{meter.machine_busy:.0%} of {os.cpu_count()} cores"
    )
    return figures


def phase(
    args: argparse.Namespace,
    server: subprocess.Popen[bytes],
    channel: Channel,
    *,
    port: int,
    run_id: str,
    target: str,
    duration: float,
    requests: int | None = None,
) -> tuple[dict, dict]:
    meter = CpuMeter(server.pid)
    result = fire(
        args,
        channel,
        meter,
        port=port,
        run_id=run_id,
        duration=duration,
        target=target,
        requests=requests or args.requests,
    )
    return result, summary(f"{target} ({run_id})", result, meter)


class _MeterSum:
    """The meters of several slices of one target, read as one."""

    def __init__(self, meters: list[CpuMeter]) -> None:
        self.server = sum(m.server for m in meters)
        self.pg = sum(m.pg for m in meters)
        self.machine_busy = sum(m.machine_busy for m in meters) / len(meters)
        self.load0, self.load1 = meters[0].load0, meters[-1].load1


def interleaved(
    args: argparse.Namespace, server: subprocess.Popen[bytes], channel: Channel, *, port: int
) -> tuple[list[dict], dict, dict]:
    """Fire webhooks and the empty view in alternating slices, `--rounds` of each, the slices
    of one target adding up to `--duration`; return (every webhook slice's result, webhook
    figures, empty-view figures).

    On a virtual machine whose speed drifts by a third from minute to minute (seen here), two
    back-to-back 60-s phases measure two different machines; alternating slices share the
    drift between both figures, so their ratio holds still.
    """
    parts: dict[str, list[tuple[dict, CpuMeter]]] = {"webhook": [], "empty": []}
    slice_seconds = args.duration / args.rounds
    for _ in range(args.rounds):
        run = secrets.token_hex(4)
        for target in ("webhook", "empty"):
            meter = CpuMeter(server.pid)
            result = fire(
                args,
                channel,
                meter,
                port=port,
                run_id=run,
                duration=slice_seconds,
                target=target,
                requests=args.requests // args.rounds,
            )
            parts[target].append((result, meter))
    figures = {}
    for target, slices in parts.items():
        merged = {
            "status": [x for r, _ in slices for x in r["status"]],
            "latency_ms": [x for r, _ in slices for x in r["latency_ms"]],
            "kind": [x for r, _ in slices for x in r["kind"]],
            "elapsed": sum(r["elapsed"] for r, _ in slices),
            "client_cpu": sum(r["client_cpu"] for r, _ in slices),
            "build_seconds": sum(r["build_seconds"] for r, _ in slices),
        }
        label = f"{target} ({args.rounds} x {slice_seconds:.0f} s)"
        figures[target] = summary(label, merged, _MeterSum([m for _, m in slices]))  # type: ignore[arg-type]
    return [r for r, _ in parts["webhook"]], figures["webhook"], figures["empty"]


# --- The database check ----------------------------------------------------------------------


def acknowledged_sids(result: dict) -> tuple[set[str], set[str]]:
    """Return (sids answered 2xx at least once, every sid sent)."""
    sids = result["sids"]
    acked = {
        sids[index]
        for index, status in zip(result["index"], result["status"], strict=True)
        if 200 <= status < 300
    }
    sent = {sids[index] for index in result["index"]}
    return acked, sent


def check_database(channel: Channel, results: list[dict]) -> dict:
    acked: set[str] = set()
    sent: set[str] = set()
    for result in results:
        a, s = acknowledged_sids(result)
        acked |= a
        sent |= s
    rows = dict(
        InboundMessage.objects.filter(channel=channel)
        .values_list("provider_message_id")
        .annotate(n=Count("id"))
        .values_list("provider_message_id", "n")
    )
    lost = acked - rows.keys()
    duplicated = sum(n - 1 for n in rows.values() if n > 1)
    stored_unacknowledged = rows.keys() - acked
    ids = {
        str(pk)
        for pk in InboundMessage.objects.filter(channel=channel).values_list("pk", flat=True)
    }
    enqueued = collections.Counter(
        inbound_id
        for args_kwargs in DBTaskResult.objects.filter(task_path=TASK_PATH).values_list(
            "args_kwargs", flat=True
        )
        for inbound_id in args_kwargs["args"][0]
    )
    tasks_missing = len(ids - enqueued.keys())
    tasks_extra = sum(enqueued[pk] - 1 for pk in ids if enqueued[pk] > 1)
    return {
        "sent": len(sent),
        "acknowledged": len(acked),
        "rows": sum(rows.values()),
        "lost": len(lost),
        "duplicated": duplicated,
        "stored_unacknowledged": len(stored_unacknowledged),
        "tasks_missing": tasks_missing,
        "tasks_extra": tasks_extra,
        "task_rows": DBTaskResult.objects.filter(task_path=TASK_PATH).count(),
        "constraint": unique_constraint_holds(channel, next(iter(rows)) if rows else None),
    }


def unique_constraint_holds(channel: Channel, sid: str | None) -> str:
    """Name the unique index on (channel, provider id) and prove it refuses a second row."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, InboundMessage._meta.db_table
        )
    names = [
        name
        for name, info in constraints.items()
        if info["unique"] and info["columns"] == ["channel_id", "provider_message_id"]
    ]
    if not names or sid is None:
        return "MISSING"
    copy = InboundMessage(
        channel=channel,
        provider_message_id=sid,
        sender="+923000000000",
        sender_digest="x",
        received_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            copy.save(force_insert=True)
    except IntegrityError:
        return f"{names[0]} (a second row for a stored sid is refused)"
    InboundMessage.objects.filter(pk=copy.pk).delete()
    return "NOT ENFORCED"


# --- Processing and profiling (not part of the ratio) ---------------------------------------


def _environ(path: str, body: bytes, signature: str) -> dict:
    """The WSGI environ gunicorn hands Django for one webhook (behind the TLS proxy)."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": f"127.0.0.1:{PORT}",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_TWILIO_SIGNATURE": signature,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def cpu_profile(channel: Channel, count: int) -> None:
    """Answer `count` webhooks and as many empty-view requests in this process, through
    Django's WSGI handler (what the server's worker calls), and print the CPU time of each;
    then the CPU time of each step of the webhook."""
    sign_path = f"/channels/hook/{channel.webhook_slug}/"
    built = webhooks_load.build(
        argparse.Namespace(
            seed=7,
            token=AUTH_TOKEN,
            account_sid=ACCOUNT_SID,
            to=CHANNEL_NUMBER,
            base_url=f"http://127.0.0.1:{PORT}",
            sign_path=sign_path,
            senders=5_000,
            run_id="00c0ffee",
            requests=count * 2 + 100,
        )
    )
    bodies, signatures = built[0], built[1]
    handler = WSGIHandler()
    statuses: collections.Counter[str] = collections.Counter()

    def start_response(status: str, headers: list) -> None:
        statuses[status.split()[0]] += 1

    def answer(path: str, n: int) -> None:
        response = handler(_environ(path, bodies[n], signatures[n]), start_response)
        for _chunk in response:
            pass
        response.close()  # request_finished: Django closes or keeps the connection

    def timed(path: str, numbers: range) -> tuple[list[float], list[float]]:
        wall, cpu = [], []
        for n in numbers:
            start, start_cpu = time.perf_counter(), time.thread_time()
            answer(path, n)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
        return wall, cpu

    for n in range(100):  # warm-up: imports, connection, caches
        answer(sign_path, n)
        answer("/bench/empty/x/", n)
    hook_wall, hook_cpu = timed(sign_path, range(100, 100 + count))
    empty_wall, empty_cpu = timed("/bench/empty/x/", range(100, 100 + count))
    print(
        f"\nin-process, one request at a time ({count} each; statuses {dict(statuses)}):\n"
        f"  webhook: CPU p50 {percentile(hook_cpu, 50):.2f} ms, mean "
        f"{sum(hook_cpu) / count:.2f} ms; wall p50 {percentile(hook_wall, 50):.2f} ms\n"
        f"  empty:   CPU p50 {percentile(empty_cpu, 50):.2f} ms, mean "
        f"{sum(empty_cpu) / count:.2f} ms; wall p50 {percentile(empty_wall, 50):.2f} ms\n"
        f"  CPU ratio empty/webhook (the ceiling if the server were CPU-bound and PostgreSQL "
        f"free): {sum(empty_cpu) / sum(hook_cpu):.0%}"
    )
    components(channel, bodies[100 + count :], signatures[100 + count :], count, hook_cpu)


def components(
    channel: Channel, bodies: list[bytes], signatures: list[str], count: int, whole: list[float]
) -> None:
    """Print the CPU time (this thread's, so waits drop out) of each step of the webhook,
    called one by one through the same public functions the view calls."""
    from twilio.request_validator import RequestValidator  # noqa: PLC0415

    from panah.channels import selectors  # noqa: PLC0415
    from panah.channels.addresses import sender_e164  # noqa: PLC0415
    from panah.channels.providers import provider_for  # noqa: PLC0415
    from panah.channels.providers.base import Webhook, form_fields  # noqa: PLC0415
    from panah.channels.tasks import inbound_process  # noqa: PLC0415

    url = f"http://127.0.0.1:{PORT}/channels/hook/{channel.webhook_slug}/"
    provider = provider_for(channel.provider)
    hooks = [
        Webhook(
            method="POST",
            url=url,
            headers={"X-Twilio-Signature": signature},
            query={},
            body=body,
            content_type="application/x-www-form-urlencoded",
        )
        for body, signature in zip(bodies[:count], signatures[:count], strict=True)
    ]
    events = [provider.receive(channel, hook, status=False).inbound[0] for hook in hooks]
    params = [form_fields(body) for body in bodies[:count]]
    token = channel.credentials_dict()["auth_token"]

    def cpu(fn: object) -> float:
        spent = 0.0
        for n in range(count):
            start = time.thread_time()
            fn(n)  # type: ignore[operator]
            spent += time.thread_time() - start
        return spent * 1000 / count

    def enqueue_alone(n: int) -> None:
        with transaction.atomic():
            inbound_process.enqueue(str(uuid.uuid4()))

    def select_1(n: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    rows = [
        ("channel_for_webhook (remembered; 1 SELECT at first)",
         cpu(lambda n: selectors.channel_for_webhook(channel.webhook_slug))),
        ("provider.receive (form, credentials, signature, numbers)",
         cpu(lambda n: provider.receive(channel, hooks[n], status=False))),
        ("  of which form_fields(body)", cpu(lambda n: form_fields(bodies[n]))),
        ("  of which channel.credentials_dict() (AES-GCM + JSON)",
         cpu(lambda n: channel.credentials_dict())),
        ("  of which RequestValidator.validate (signs twice)",
         cpu(lambda n: RequestValidator(token).validate(url, params[n], signatures[n]))),
        ("  of which sender_e164 x 3 (From, To, channel)",
         cpu(lambda n: [sender_e164(x) for x in (params[n]["From"], CHANNEL_NUMBER, "+9230011")])),
        ("inbound_receive, a new sid (PG: 1 statement)",
         cpu(lambda n: services.inbound_receive(channel, events[n]))),
        ("  for comparison: enqueue() alone (INSERT + COMMIT)", cpu(enqueue_alone)),
        ("inbound_receive, a retry (PG: the same statement)",
         cpu(lambda n: services.inbound_receive(channel, events[n]))),
        ("one database round trip (SELECT 1)", cpu(select_1)),
    ]  # fmt: skip
    total = sum(whole) / len(whole)
    print(f"CPU per step (mean of {count}, this thread; whole webhook {total:.2f} ms):")
    for label, value in rows:
        print(f"  {label:<58} {value:6.3f} ms  {value / total:5.1%}")


def process_sample(channel: Channel, count: int) -> None:
    ids = list(
        InboundMessage.objects.filter(channel=channel, state=InboundMessage.State.RECEIVED)
        .order_by("received_at")
        .values_list("pk", flat=True)[:count]
    )
    timings = []
    for pk in ids:
        start = time.perf_counter()
        services.inbound_process(str(pk))
        timings.append((time.perf_counter() - start) * 1000)
    states = collections.Counter(
        InboundMessage.objects.filter(pk__in=ids).values_list("state", flat=True)
    )
    print(
        f"processing (inbound_process, in this process, one at a time): {len(ids)} messages, "
        f"p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
        f"{len(ids) / (sum(timings) / 1000):.0f} messages/s; states {dict(states)}"
    )


def profile(
    args: argparse.Namespace, server: subprocess.Popen[bytes], channel: Channel, port: int
) -> dict:
    """Fire webhooks for args.profile seconds with py-spy sampling every server process."""
    raw = VAR / "webhooks-profile.txt"
    spy = subprocess.Popen(  # noqa: S603 - our own venv's py-spy
        [
            str(VENV_BIN / "py-spy"), "record",
            "--pid", str(server.pid), "--subprocesses", "--idle",
            "--rate", "250", "--format", "raw", "--output", str(raw),
            "--duration", str(int(args.profile) + 2),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1)
    result, _figures = phase(
        args, server, channel, port=port, run_id="0000beef", target="webhook",
        duration=args.profile,
    )  # fmt: skip
    spy.wait(timeout=60)
    report_profile(raw, "wall-clock samples of the server's threads, idle ones included")
    return result


def _frame(label: str) -> str:
    """'func (path/to/module.py:123)' -> 'func (to/module.py)', shortened to the package."""
    name, _, where = label.rpartition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


def report_profile(raw: Path, what: str) -> None:
    """Print, for samples taken inside a request, where the time goes (inclusive and self)."""
    in_request = outside = 0
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [_frame(f) for f in stack.split(";") if f.endswith(")") and " (" in f]
        if not any("django/core/handlers/" in f for f in frames):
            outside += count
            continue
        in_request += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    total = in_request + outside
    print(
        f"\nprofile: {total:,} {what}, {in_request:,} ({in_request / max(1, total):.0%}) "
        "inside a request"
    )
    print("inclusive share of in-request samples (top 40, below the view's wrappers):")
    shown = [(f, n) for f, n in inclusive.most_common() if n < 0.97 * in_request][:40]
    for frame, count in shown:
        print(f"  {count / in_request:6.1%}  {frame}")
    print("self (leaf) share of in-request samples (top 20):")
    for frame, count in own.most_common(20):
        print(f"  {count / in_request:6.1%}  {frame}")


# --- Main --------------------------------------------------------------------------------


def setup_channel() -> Channel:
    call_command("migrate", interactive=False, verbosity=0)
    organisation, _ = Organisation.objects.get_or_create(
        name=BENCH_ORG, defaults={"kind": "legal_aid"}
    )
    return services.channel_create(
        None,
        organisation=organisation,
        name=f"Benchmark SMS {secrets.token_hex(2)}",
        provider="twilio",
        medium="sms",
        address=CHANNEL_NUMBER,
        credentials={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN},
    )


def row(figures: dict) -> str:
    return (
        f"{figures['label']:<24} {figures['requests']:>8,} {figures['rps']:>8.0f} "
        f"{figures['p50']:>7.1f} {figures['p95']:>7.1f} {figures['p99']:>7.1f} "
        f"{figures['server_ms']:>8.2f} {figures['pg_ms']:>8.2f} {figures['client_ms']:>8.2f}"
    )


def main(args: argparse.Namespace) -> None:
    args.workers = args.workers or (5 if args.server == "gunicorn-sync" else 2)
    channel = setup_channel()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            sync = cursor.fetchone()[0]
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        database = f"{version}, synchronous_commit={sync}"
    else:
        database = "SQLite (WAL, synchronous=NORMAL)"
    connection.close()  # the check at the end opens its own
    threads = "" if args.server == "gunicorn-sync" else f" x {args.threads} threads"
    print(
        f"server: {args.server}, {args.workers} workers{threads}, 127.0.0.1:{PORT}; "
        f"database: {database}; {os.cpu_count()} cores; concurrency {args.concurrency}; "
        f"{args.duration:.0f} s per phase; load average before: {os.getloadavg()}"
    )
    log = VAR / "webhooks-server.log"
    server = start_server(args, PORT, log)
    results = []
    try:
        # Warm-up: every worker imports, connects and fills its caches before the clock runs.
        warm, warm_figures = phase(
            args,
            server,
            channel,
            port=PORT,
            run_id="000000aa",
            target="webhook",
            duration=3,
            requests=3000,
        )
        results.append(warm)
        if warm_figures["ok"] != warm_figures["requests"]:
            raise SystemExit(f"warm-up refused: {warm_figures['statuses']}; see {log}")
        phase(
            args,
            server,
            channel,
            port=PORT,
            run_id="000000ab",
            target="empty",
            duration=3,
            requests=3000,
        )

        if args.rounds > 1:
            webhooks, hook, empty = interleaved(args, server, channel, port=PORT)
            results += webhooks
        else:
            run = secrets.token_hex(4)
            webhook, hook = phase(
                args,
                server,
                channel,
                port=PORT,
                run_id=run,
                target="webhook",
                duration=args.duration,
            )
            results.append(webhook)
            _empty, empty = phase(
                args, server, channel, port=PORT, run_id=run, target="empty", duration=args.duration
            )
        if args.profile:
            results.append(profile(args, server, channel, PORT))
    finally:
        stop_server(server)

    print(
        f"\n{'':<24} {'requests':>8} {'2xx/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'server':>8} {'postgres':>8} {'client':>8}   (CPU ms per request)"
    )
    print(row(hook))
    print(row(empty))
    print(
        "(CPU from /proc: the server's processes; postgres = every PostgreSQL process on the "
        "machine, other databases included; client = the load generator while firing)"
    )
    ratio = hook["rps"] / empty["rps"]
    check = check_database(channel, results)
    print(
        f"\nratio webhook/empty: {ratio:.1%} (goal >= 40%: {'met' if ratio >= 0.4 else 'NOT met'})"
        f"\ndatabase: {check['sent']:,} MessageSids sent, {check['acknowledged']:,} acknowledged, "
        f"{check['rows']:,} rows; lost {check['lost']} (must be 0), duplicated "
        f"{check['duplicated']} (must be 0), stored but never acknowledged "
        f"{check['stored_unacknowledged']}; processing tasks: {check['tasks_missing']} missing, "
        f"{check['tasks_extra']} extra (both must be 0), in {check['task_rows']:,} task rows "
        f"(group commit: {check['rows'] / max(1, check['task_rows']):.2f} messages stored per "
        f"statement)\nunique constraint: {check['constraint']}"
    )
    if args.cpu_profile or (ratio < 0.4 and args.cpu_profile is None):
        cpu_profile(channel, args.cpu_profile or 2000)
    if args.process:
        process_sample(channel, args.process)
    if check["lost"] or check["duplicated"] or check["tasks_missing"] or check["tasks_extra"]:
        raise SystemExit("FAILED: messages lost or duplicated")


if __name__ == "__main__":
    main(ARGS)
