#!/usr/bin/env python3
"""Helpers of the pulse fault suite (bench/pulse/faults.sh, docs/reliability.md "The pulse path's fault suite").

  faults.py links FOLDER                 one line per pulse e-mail in an smtp-sink -d folder: /p/<token> pulse-id
  faults.py clicks --port P --paths FILE --rate R --seconds S --log FILE [--connections C]
      POSTs the landing page's Send to each answer link once, in order, at R requests/s in all over C keep-alive
      connections (loopback), for S seconds or until the links run out; logs pulse-id,status,unix-time per request
      (status 0: no answer, the connection broke).
  faults.py recipients PREFIX FOLDER...  JSON: complete messages per recipient whose address starts with PREFIX
  faults.py answers LOG STORED T_UP      JSON: one outage's clicks compared with the database (STORED: lines
      pulse-id|answered|signal, 1 or 0 each, from the store) and T_UP, the unix time the database was back
"""
import asyncio, json, os, re, sys, time, uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from http1 import read_response  # noqa: E402

LINK = re.compile(rb"https?://[^/\s]+(/p/[A-Za-z0-9_-]+)")
MESSAGE_ID = re.compile(rb"^Message-Id: <pulse-([0-9a-f]{32})@", re.M | re.I)
RCPT = re.compile(rb"^X-Rcpt-Args: <([^>]+)>", re.M)
# The closing MIME boundary: a dump cut short by the sink being stopped mid-DATA has none, and was not delivered.
CLOSED = re.compile(rb"^--[^\r\n]+--\r?$", re.M)


def dumps(folders):
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                yield f.read()


def links(folder):
    # The plain part is 7bit or quoted-printable; a soft line break ("=\n") may cut the link.
    for raw in dumps([folder]):
        text = raw.replace(b"=\r\n", b"").replace(b"=\n", b"")
        link, pulse = LINK.search(text), MESSAGE_ID.search(raw)
        if link and pulse:
            print(link.group(1).decode(), uuid.UUID(pulse.group(1).decode()))


def recipients(prefix, folders):
    counts, partial = {}, 0
    for raw in dumps(folders):
        # smtp-sink writes one transaction per file; count every envelope in a file in case two share a name.
        for m in RCPT.finditer(raw):
            r = m.group(1).decode()
            if not r.startswith(prefix):
                continue
            if not CLOSED.search(raw):
                partial += 1
                continue
            counts[r] = counts.get(r, 0) + 1
    print(json.dumps({"messages": sum(counts.values()), "people": len(counts),
                      "duplicates": sum(c - 1 for c in counts.values()), "partial": partial}))


async def click_loop(args, paths, next_index, log, stop_at):
    interval, reader, writer = args.connections / args.rate, None, None
    due = time.monotonic()
    while time.monotonic() < stop_at:
        i = next_index[0]
        if i >= len(paths):
            break
        next_index[0] += 1
        path, pulse = paths[i]
        due = max(due + interval, time.monotonic() - interval)
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        body = b"auto=0&wd=0"
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
            writer.write(head + body)
            await writer.drain()
            status, _ = await asyncio.wait_for(read_response(reader), 30)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, IndexError, ValueError):
            status = 0
            if writer is not None:
                writer.close()
            writer = None
        log.write(f"{pulse},{status},{time.time():.3f}\n")
    if writer is not None:
        writer.close()


async def clicks(args):
    paths = [line.split() for line in open(args.paths) if line.strip()]
    with open(args.log, "w") as log:
        stop_at = time.monotonic() + args.seconds
        shared = [0]  # the next link, one sequence for every connection: each link is clicked once
        await asyncio.gather(*(click_loop(args, paths, shared, log, stop_at) for _ in range(args.connections)))


def answers(log, stored_file, t_up):
    stored = {}
    for line in open(stored_file):
        pulse, answered, signal = line.strip().split("|")
        stored[pulse] = (answered == "1", signal == "1")
    rows = [line.strip().split(",") for line in open(log) if line.strip()]
    ok = [r for r in rows if r[1] == "200"]
    refused = [r for r in rows if r[1] != "200"]
    after = [float(r[2]) for r in ok if float(r[2]) >= t_up]
    refused_after = [float(r[2]) for r in refused if float(r[2]) >= t_up]
    clicked = {r[0] for r in rows}
    print(json.dumps({
        "requests": len(rows), "ok": len(ok), "503": sum(r[1] == "503" for r in rows),
        "no_answer": sum(r[1] == "0" for r in rows), "5xx": sum(r[1].startswith("5") and r[1] != "503" for r in rows),
        "other": sum(r[1] not in ("200", "503", "0") and not r[1].startswith("5") for r in rows),
        "lost": sum(not (stored.get(r[0], (False, False))[0] and stored[r[0]][1]) for r in ok),
        "surprise": sum(any(stored.get(r[0], (False, False))) for r in refused),
        "signal_without_answered": sum(1 for p in clicked if p in stored and stored[p][1] and not stored[p][0]),
        "answered_without_signal": sum(1 for p in clicked if p in stored and stored[p][0] and not stored[p][1]),
        "recovery_s": round(min(after) - t_up, 2) if after else None,
        "refused_after_up": len(refused_after),
        "last_refused_s": round(max(refused_after) - t_up, 2) if refused_after else None}))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "links":
        links(sys.argv[2])
    elif cmd == "recipients":
        recipients(sys.argv[2], sys.argv[3:])
    elif cmd == "answers":
        answers(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif cmd == "clicks":
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("cmd")
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--paths", required=True)
        p.add_argument("--rate", type=float, default=150)
        p.add_argument("--seconds", type=float, default=20)
        p.add_argument("--connections", type=int, default=8)
        p.add_argument("--log", required=True)
        asyncio.run(clicks(p.parse_args()))
    else:
        print(__doc__)
        sys.exit(2)
