// node-pg.js CONNINFO: connect with node-postgres as its connection string
// says and print one line, "ok" or "error: <the driver's message>".
// CONNINFO is libpq's key=value form (no quoting); it becomes the
// connection string postgresql://USER@HOST:PORT/DBNAME?sslmode=..&sslrootcert=..
// (and uselibpqcompat=true when given). hostaddr=ADDR makes the name HOST
// resolve to ADDR inside this process only, so the certificate is checked
// against HOST (conninfo.js). `node-pg.js --version` prints the versions in use.
'use strict';
const { Client } = require('pg');

if (process.argv[2] === '--version') {
	// pg-connection-string exports no package.json: read it beside pg's
	const path = require('path');
	const pg = require.resolve('pg/package.json');
	const pcs = require(path.join(path.dirname(pg), '..', 'pg-connection-string', 'package.json'));
	console.log(`node-postgres pg ${require(pg).version} (pg-connection-string ${pcs.version}, ` +
		`Node ${process.version}, OpenSSL ${process.versions.openssl})`);
	process.exit(0);
}

const kv = require('./conninfo.js').parse(process.argv[2]);

const q = new URLSearchParams();
for (const k of ['sslmode', 'sslrootcert', 'uselibpqcompat'])
	if (kv[k] !== undefined)
		q.set(k, kv[k]);
const host = kv.host.includes(':') ? `[${kv.host}]` : kv.host;
const url = `postgresql://${encodeURIComponent(kv.user || 'postgres')}@${host}:${kv.port || 5432}` +
	`/${encodeURIComponent(kv.dbname || 'postgres')}?${q}`;

(async () => {
	const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
	try {
		await c.connect();
		await c.query('SELECT 1');
		console.log('ok');
	} catch (e) {
		console.log(`error: ${String(e.message || e).replace(/\s+/g, ' ')}`);
	} finally {
		c.end().catch(() => {});
	}
})();
