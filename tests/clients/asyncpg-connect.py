#!/usr/bin/python3
"""asyncpg-connect.py CONNINFO: connect with asyncpg and print one line,
"ok" or "error: <the driver's message>".

CONNINFO is libpq's key=value form (no quoting); it becomes the DSN
postgresql://USER@HOST:PORT/DBNAME?sslmode=..&sslrootcert=.. that asyncpg
parses itself. hostaddr=ADDR makes the name HOST resolve to ADDR inside
this process only, so the certificate is checked against HOST.
`asyncpg-connect.py --version` prints the versions in use."""
import asyncio
import socket
import ssl
import sys
import urllib.parse

import asyncpg

if sys.argv[1:2] == ["--version"]:
    print(f"asyncpg {asyncpg.__version__} (Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION})")
    sys.exit(0)

kv = dict(w.split("=", 1) for w in sys.argv[1].split())
if "hostaddr" in kv:
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return real(kv["hostaddr"] if host == kv["host"] else host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo

query = urllib.parse.urlencode({k: kv[k] for k in ("sslmode", "sslrootcert") if k in kv})
host = f"[{kv['host']}]" if ":" in kv["host"] else kv["host"]
dsn = (f"postgresql://{urllib.parse.quote(kv.get('user', 'postgres'))}@{host}:{kv.get('port', 5432)}"
       f"/{urllib.parse.quote(kv.get('dbname', 'postgres'))}?{query}")


async def main():
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except Exception as e:  # the driver's own message, whatever the class
        print("error: " + " ".join(f"{type(e).__name__}: {e}".split()))
        return
    try:
        await conn.fetchval("SELECT 1")
        print("ok")
    finally:
        await conn.close()


asyncio.run(main())
