#!/usr/bin/python3
"""pg8000-connect.py CONNINFO: connect with pg8000 and print one line,
"ok" or "error: <the driver's message>".

CONNINFO is libpq's key=value form (no quoting). sslmode=require,
verify-ca or verify-full becomes ssl=True, the only TLS setting pg8000
1.10 has (sslrootcert is then not read: pg8000 1.10 verifies nothing);
any other sslmode, or none, connects without TLS. hostaddr=ADDR is the
address connected to (pg8000 1.10 checks no name and sends no SNI, so
HOST itself is never used).
`pg8000-connect.py --version` prints the versions in use."""
import ssl
import sys
import warnings

import pg8000

if sys.argv[1:2] == ["--version"]:
    print(f"pg8000 {pg8000.__version__} (Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION})")
    sys.exit(0)

warnings.simplefilter("ignore", DeprecationWarning)  # ssl.wrap_socket, on stderr
kv = dict(w.split("=", 1) for w in sys.argv[1].split())
try:
    conn = pg8000.connect(user=kv.get("user", "postgres"), host=kv.get("hostaddr", kv["host"]),
                          port=int(kv.get("port", 5432)), database=kv.get("dbname", "postgres"),
                          ssl=kv.get("sslmode") in ("require", "verify-ca", "verify-full"),
                          timeout=5)
except Exception as e:  # the driver's own message, whatever the class
    print("error: " + " ".join(f"{type(e).__name__}: {e}".split()))
    sys.exit(0)
try:
    cur = conn.cursor()
    cur.execute("SELECT 1")
    cur.fetchall()
    print("ok")
finally:
    conn.close()
