"""HTTP/1.1 on a keep-alive asyncio stream, for the loopback load generators (bench/db/load.py, bench/pulse/faults.py)."""


async def read_response(reader):
    """Reads one response (Content-Length or chunked body): (status, payload). Raises on a broken or malformed answer
    (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError), which the caller counts as no answer."""
    status_line = await reader.readline()
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        parts = []
        while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
            parts.append(await reader.readexactly(size))
            await reader.readline()
        await reader.readline()
        payload = b"".join(parts)
    else:
        payload = await reader.readexactly(length) if length else b""
    return int(status_line.split()[1]), payload
