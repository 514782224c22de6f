#!/usr/bin/env python3
"""Loopback HTTP/1.1 load on the pulse answer endpoint (wrk is not installed): asyncio, keep-alive.

  answers_load.py PATHS_FILE --port P [--seconds S] [--connections C] [--processes N]

Each request POSTs the landing page's "Send" (auto=0, a desktop browser's user agent) to the next answer link of
PATHS_FILE (one /p/<token> path a line), so consecutive requests answer different pulses. The connections are
spread over N processes so that one Python core is not the bottleneck. Prints answers/s, the status counts and
latency percentiles as JSON.
"""
import argparse, asyncio, json, multiprocessing, time

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
BODY = b"auto=0&wd=0"


async def connection(port, paths, start, stop_at, latencies, statuses):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = start
    while time.monotonic() < stop_at:
        i = (i + 1) % len(paths)
        head = (f"POST {paths[i]} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {UA}\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(BODY)}\r\n\r\n").encode()
        t0 = time.monotonic()
        try:
            writer.write(head + BODY)
            status_line = await reader.readline()
            length, chunked = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
            if chunked:
                while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                    await reader.readexactly(size + 2)
                await reader.readline()
            elif length:
                await reader.readexactly(length)
            status = int(status_line.split()[1])
        except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError):
            status = 0
            writer.close()
            await asyncio.sleep(0.1)
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        latencies.append(time.monotonic() - t0)
        statuses[status] = statuses.get(status, 0) + 1
    writer.close()


def run(args, index, connections, stop_wall, queue):
    paths = [line.strip() for line in open(args.paths_file) if line.strip()]
    latencies, statuses = [], {}

    async def main():
        stop_at = time.monotonic() + (stop_wall - time.time())
        await asyncio.gather(*(connection(args.port, paths, (index * 1000 + c * 997) % len(paths), stop_at, latencies, statuses)
                               for c in range(connections)))

    asyncio.run(main())
    queue.put((latencies, statuses))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("paths_file")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--processes", type=int, default=2)
    args = p.parse_args()
    queue = multiprocessing.Queue()
    t0 = time.time()
    stop_wall = t0 + args.seconds
    share = [args.connections // args.processes + (i < args.connections % args.processes) for i in range(args.processes)]
    procs = [multiprocessing.Process(target=run, args=(args, i, n, stop_wall, queue)) for i, n in enumerate(share)]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.time() - t0
    lat = sorted(x for r in results for x in r[0]) or [0]
    statuses = {}
    for _, s in results:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    pct = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1)
    print(json.dumps({"answers_per_s": round(statuses.get(200, 0) / elapsed), "requests": len(lat), "status": statuses,
                      "p50_ms": pct(0.5), "p90_ms": pct(0.9), "p99_ms": pct(0.99), "seconds": round(elapsed, 1)}))
