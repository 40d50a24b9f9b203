"""Load generator of `bench_webhooks.py`: signed Twilio SMS webhooks, fired for a bounded time.

Runs in its own process (started by `bench_webhooks.py`, or by hand) and imports nothing from
Django or Panah: it plays Twilio. Before the clock starts it builds `--requests` distinct
inbound-SMS webhooks (the form fields Twilio sends, a unique MessageSid each, senders drawn from
a pool of Pakistani, Afghan and Iranian mobiles, texts in Urdu, Pashto, Dari and English) and
signs each with `twilio.request_validator.RequestValidator` against the exact URL the server
rebuilds from PANAH_BASE_URL. Then, for `--duration` seconds, `--concurrency` workers send them
over loopback (aiohttp), and:

- re-send `--retry-fraction` of the acknowledged (2xx) requests a little later, byte for byte,
  as a provider's retries (same MessageSid, same signature);
- send `--dup-fraction` of the fresh requests twice at the same moment (two connections), the
  race the unique constraint must settle;
- re-send a request that failed (non-2xx or a network error) as a retry too, as a provider
  would.

Every request's start, latency, status, request index and kind (first, retry, concurrent
copy) goes to `--out` (JSON), for the caller to compute rates and percentiles and to check the
database against the acknowledged MessageSids. `--url-path` may differ from `--sign-path`: the
ceiling run sends the same signed bodies to the empty view.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import random
import resource
import sys
import time
from urllib.parse import urlencode

import aiohttp
from twilio.request_validator import RequestValidator

FIRST, RETRY, COPY = 0, 1, 2
TEXTS = [
    # Urdu
    "میرے بھائی کو پولیس نے گرفتار کر لیا ہے، مدد کریں",
    "مدد",
    "میرا پی او آر کارڈ ختم ہو گیا ہے، اب کیا کروں؟",
    "پولیس گھر آئی تھی اور کاغذات مانگ رہی تھی",
    # Pashto
    "زما ورور پولیسو نیولی دی، مرسته وکړئ",
    "مرسته",
    "زه څه حقونه لرم که پولیس مې ودروي؟",
    "زموږ کارت پای ته رسیدلی، څه وکړو؟",
    # Dari
    "برادرم را پولیس گرفتار کرده، لطفاً کمک کنید",
    "کارت اقامت من باطل شده است",
    # English, and the menu answers most people type
    "My brother was arrested by police in Quetta tonight, please help",
    "HELP",
    "What are my rights if the police stop me?",
    "PoR card expired, what should I do",
    "1",
    "2",
    "3",
    "0",
]
FIELDS_FIXED = {
    "ApiVersion": "2010-04-01",
    "NumMedia": "0",
    "NumSegments": "1",
    "SmsStatus": "received",
    "ToCountry": "PK",
    "ToState": "",
    "ToCity": "",
    "ToZip": "",
}
SENDER_COUNTRIES = [("PK", 60), ("AF", 35), ("IR", 5)]


def sender_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """Return `size` (E.164 number, country) pairs: mobile numbers of the three countries."""
    countries = [c for c, _ in SENDER_COUNTRIES]
    weights = [w for _, w in SENDER_COUNTRIES]
    pool = []
    for _ in range(size):
        country = rng.choices(countries, weights)[0]
        if country == "PK":  # 0300–0349 mobile prefixes
            number = f"+923{rng.randint(0, 49):02d}{rng.randint(0, 9_999_999):07d}"
        elif country == "AF":  # 070–079
            number = f"+937{rng.randint(0, 9)}{rng.randint(0, 9_999_999):07d}"
        else:  # Iranian mobiles, 0912…, 0935…
            number = f"+989{rng.choice([10, 12, 35, 36])}{rng.randint(0, 9_999_999):07d}"
        pool.append((number, country))
    return pool


def build(args: argparse.Namespace) -> tuple[list[bytes], list[str], list[str]]:
    """Return the signed bodies, their signatures and their MessageSids, one per request."""
    rng = random.Random(args.seed)
    validator = RequestValidator(args.token)
    url = args.base_url.rstrip("/") + args.sign_path
    senders = sender_pool(rng, args.senders)
    bodies, signatures, sids = [], [], []
    for n in range(args.requests):
        sid = f"SM{args.run_id}{n:010x}"[:34].ljust(34, "0")
        # A few senders write a lot (a relative chasing news), most write once or twice.
        heavy = rng.random() < 0.3
        number, country = rng.choice(senders[:50] if heavy else senders)
        params = {
            **FIELDS_FIXED,
            "AccountSid": args.account_sid,
            "MessageSid": sid,
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "From": number,
            "FromCountry": country,
            "FromState": "",
            "FromCity": "",
            "FromZip": "",
            "To": args.to,
            "Body": rng.choice(TEXTS),
        }
        bodies.append(urlencode(params).encode("ascii"))
        signatures.append(validator.compute_signature(url, params))
        sids.append(sid)
    return bodies, signatures, sids


async def fire(args: argparse.Namespace, bodies: list[bytes], signatures: list[str]) -> dict:
    rng = random.Random(args.seed + 1)
    url = args.base_url.rstrip("/") + args.url_path
    starts: list[float] = []
    latencies: list[float] = []
    statuses: list[int] = []
    indexes: list[int] = []
    kinds: list[int] = []
    retries: list[tuple[float, int]] = []  # heap of (due, request index)
    next_fresh = 0
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    deadline = started + args.duration
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=0)  # the workers bound concurrency themselves

    async def send(session: aiohttp.ClientSession, index: int, kind: int) -> int:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signatures[index],
            # A TLS proxy stands in front of production; Panah trusts its header there.
            "X-Forwarded-Proto": "https",
            "User-Agent": "TwilioProxy/1.1",
        }
        begin = time.perf_counter()
        try:
            async with session.post(url, data=bodies[index], headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        end = time.perf_counter()
        starts.append(begin - started)
        latencies.append((end - begin) * 1000)
        statuses.append(status)
        indexes.append(index)
        kinds.append(kind)
        acknowledged = 200 <= status < 300
        if not acknowledged or (kind == FIRST and rng.random() < args.retry_fraction):
            # A provider retries what failed, and sometimes what it never heard answered.
            heapq.heappush(retries, (end + rng.uniform(0.05, args.retry_delay), index))
        return status

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal next_fresh
        while True:
            now = time.perf_counter()
            if now >= deadline:
                return
            if retries and retries[0][0] <= now:
                _due, index = heapq.heappop(retries)
                await send(session, index, RETRY)
                continue
            if next_fresh >= len(bodies) and not args.cycle:
                return  # bounded in count as well as in time
            index = next_fresh % len(bodies)
            next_fresh += 1
            if rng.random() < args.dup_fraction:
                await asyncio.gather(send(session, index, FIRST), send(session, index, COPY))
            else:
                await send(session, index, FIRST)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "elapsed": elapsed,
        "fresh_sent": next_fresh,
        "retries_pending": len(retries),
        # CPU of the firing only (building the requests came before).
        "client_cpu": usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime,
        "start": starts,
        "latency_ms": latencies,
        "status": statuses,
        "index": indexes,
        "kind": kinds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--sign-path", required=True, help="the webhook path, as signed")
    parser.add_argument("--url-path", help="where to send (default: the signed path)")
    parser.add_argument("--token", required=True, help="the channel's Twilio auth token")
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--to", required=True, help="the channel's number")
    parser.add_argument("--run-id", default="0" * 8, help="8 hex digits, makes the sids unique")
    parser.add_argument("--requests", type=int, default=80_000)
    parser.add_argument(
        "--cycle", action="store_true", help="start again from the first when all are sent"
    )
    parser.add_argument("--senders", type=int, default=5_000)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--retry-fraction", type=float, default=0.10)
    parser.add_argument("--retry-delay", type=float, default=3.0, help="at most, in seconds")
    parser.add_argument("--dup-fraction", type=float, default=0.01)
    parser.add_argument("--timeout", type=float, default=15.0, help="Twilio waits 15 s")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--wait", action="store_true", help='print "built", then wait for a line on stdin'
    )
    args = parser.parse_args()
    args.url_path = args.url_path or args.sign_path
    built = time.perf_counter()
    bodies, signatures, sids = build(args)
    built = time.perf_counter() - built
    if args.wait:  # the caller starts its meters between building and firing
        print("built", flush=True)
        sys.stdin.readline()
    result = asyncio.run(fire(args, bodies, signatures))
    result["build_seconds"] = built
    result["sids"] = sids[: result["fresh_sent"]]  # with --cycle: all of them
    result["body_bytes_mean"] = sum(len(b) for b in bodies[:1000]) / min(len(bodies), 1000)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
