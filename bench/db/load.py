#!/usr/bin/env python3
"""Loopback HTTP/1.1 load for the ingest and fault benchmarks (no wrk on the machine): asyncio, keep-alive.

  load.py single|bulk --port P --key K --users N [--seconds S] [--connections C] [--batch B] [--log FILE]

single: POST /api/users/{id}/signals, one signal per request.  bulk: POST /api/signals, B signals per request.
Prints signals/s and latency percentiles as JSON; with --log, one line per signal: source,status (what the
client was told), so that a fault run can be compared with the database afterwards.
"""
import argparse, asyncio, json, os, sys, time, uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from http1 import read_response  # noqa: E402


async def connection(args, stop_at, stats, log, cid):
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        if args.mode == "single":
            source = f"load:{args.run}:{cid}:{n}"
            user = f"b{(cid * 7919 + n) % args.users + 1:06d}"
            path, sources = f"/api/users/{user}/signals", [source]
            body = json.dumps({"kind": "touchpoint", "score": 0.5, "source": source}).encode()
        else:
            sources = [f"load:{args.run}:{cid}:{n}:{i}" for i in range(args.batch)]
            path = "/api/signals"
            body = json.dumps([{"userId": f"b{(cid * 7919 + n * args.batch + i) % args.users + 1:06d}", "kind": "touchpoint",
                                "score": 0.5, "source": s} for i, s in enumerate(sources)]).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {args.key}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        t0 = time.monotonic()
        try:
            writer.write(head + body)
            await writer.drain()
            status, payload = await read_response(reader)
        except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError):
            status, payload = 0, b""
            writer.close()
            await asyncio.sleep(0.1)
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
        stats["latency"].append(time.monotonic() - t0)
        stats["status"][status] = stats["status"].get(status, 0) + 1
        if status == 200 and args.mode == "bulk":
            results = [i["result"] for i in json.loads(payload)["items"]]
            stats["signals"] += sum(r != "rejected" for r in results)
        elif status in (200, 201):
            stats["signals"] += 1
        if log:
            for i, s in enumerate(sources):
                log.write(f"{s},{status},{time.time():.3f}\n")
    writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["single", "bulk"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--log")
    args = p.parse_args()
    args.run = uuid.uuid4().hex[:8]
    stats = {"latency": [], "status": {}, "signals": 0}
    log = open(args.log, "w") if args.log else None
    t0 = time.monotonic()
    await asyncio.gather(*(connection(args, t0 + args.seconds, stats, log, c) for c in range(args.connections)))
    elapsed = time.monotonic() - t0
    if log:
        log.close()
    lat = sorted(stats["latency"]) or [0]
    pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1)
    print(json.dumps({"mode": args.mode, "signals_per_s": round(stats["signals"] / elapsed), "requests": len(stats["latency"]),
                      "status": stats["status"], "p50_ms": pct(0.5), "p99_ms": pct(0.99), "seconds": round(elapsed, 1)}))


asyncio.run(main())
