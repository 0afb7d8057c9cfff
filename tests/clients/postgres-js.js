// postgres-js.js CONNINFO: connect with postgres.js and print one line,
// "ok" or "error: <the driver's message>". CONNINFO is libpq's key=value
// form (no quoting). sslmode goes into the URL
// postgres://USER@HOST:PORT/DBNAME?sslmode=.., and sslrootcert only when it
// is "system": postgres.js reads no other value and passes any other URL
// parameter to the server, which refuses "sslrootcert" as a setting.
// ssl=ca instead passes the options object {ssl: {ca: <the sslrootcert
// file>}} (the URL then has no sslmode).
// hostaddr=ADDR makes the name HOST resolve to ADDR inside this process
// only, so the certificate is checked against HOST (conninfo.js).
// `postgres-js.js --version` prints the versions in use.
'use strict';
const fs = require('fs');

if (process.argv[2] === '--version') {
	const path = require('path');
	const main = require.resolve('postgres');
	// the CommonJS entry is cjs/src/index.js; package.json is two levels up
	const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(main), '..', '..', 'package.json'), 'utf8'));
	console.log(`postgres.js ${pkg.version} (Node ${process.version}, OpenSSL ${process.versions.openssl})`);
	process.exit(0);
}

const postgres = require('postgres');
const kv = require('./conninfo.js').parse(process.argv[2]);

const q = new URLSearchParams();
const options = { connect_timeout: 5, max: 1, onnotice: () => {} };
if (kv.ssl === 'ca')
	options.ssl = { ca: fs.readFileSync(kv.sslrootcert) };
else
	for (const k of ['sslmode', 'sslrootcert'])
		if (kv[k] !== undefined && (k !== 'sslrootcert' || kv[k] === 'system'))
			q.set(k, kv[k]);
const host = kv.host.includes(':') ? `[${kv.host}]` : kv.host;
const url = `postgres://${encodeURIComponent(kv.user || 'postgres')}@${host}:${kv.port || 5432}` +
	`/${encodeURIComponent(kv.dbname || 'postgres')}${[...q].length ? '?' + q : ''}`;

(async () => {
	const sql = postgres(url, options);
	try {
		await sql`SELECT 1`;
		console.log('ok');
	} catch (e) {
		console.log(`error: ${String((e && e.message) || e).replace(/\s+/g, ' ')}`);
	} finally {
		sql.end({ timeout: 1 }).catch(() => {});
	}
})();
