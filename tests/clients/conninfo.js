// conninfo.js: what the Node drivers beside drivers.sh share. parse(TEXT)
// reads TEXT, libpq's key=value form (no quoting), into an object; with
// hostaddr=ADDR it also makes the name HOST resolve to ADDR inside this
// process only (dns.lookup), so the certificate is checked against HOST.
'use strict';
const dns = require('dns');

// pin NAME to ADDR for every dns.lookup of this process
function pin(name, addr) {
	const real = dns.lookup;
	dns.lookup = (host, opts, cb) => {
		if (typeof opts === 'function') {
			cb = opts;
			opts = {};
		}
		if (host !== name)
			return real(host, opts, cb);
		const family = addr.includes(':') ? 6 : 4;
		if (opts && opts.all)
			return process.nextTick(cb, null, [{ address: addr, family }]);
		return process.nextTick(cb, null, addr, family);
	};
}

exports.parse = (text) => {
	const kv = {};
	for (const w of (text || '').split(/\s+/).filter(Boolean)) {
		const i = w.indexOf('=');
		kv[w.slice(0, i)] = w.slice(i + 1);
	}
	if (kv.hostaddr)
		pin(kv.host, kv.hostaddr);
	return kv;
};
