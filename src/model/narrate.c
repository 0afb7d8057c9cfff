/* SPDX-License-Identifier: MIT */
/* narrate: the table of sentences, first match wins; a row names a kind
 * and optionally a direction, lanes, a reply byte and whether the lane is
 * encrypted by then. */
#include "config.h"
#include "model/narrate.h"
#include "model/sslmode.h"
#include <string.h>

#define ANY -1

static const struct row {
	const char *kind;
	int dir;       /* enum ev_dir, or ANY */
	unsigned lanes; /* 0: any */
	int reply;     /* 0: any */
	int encrypted; /* 0, 1 or ANY */
	const char *text;
} rows[] = {
	{ "Resolved", ANY, 0, 0, ANY,
	  "The host name was looked up; libpq tries each address in turn until one connects." },
	{ "Connected", ANY, LANE_DIRECT, 0, ANY,
	  "TCP is up. With sslnegotiation=direct libpq starts TLS at once: no SSLRequest, and ALPN is required." },
	{ "Connected", ANY, LANE_PLAIN, 0, ANY,
	  "TCP is up. This probe asks for no TLS at all, as sslmode=disable (or allow's first try) does." },
	{ "Connected", ANY, 0, 0, ANY,
	  "TCP is up. Nothing is encrypted yet: libpq first asks whether the server does TLS." },
	{ "ConnectFailed", ANY, 0, 0, ANY,
	  "No TCP connection: no sslmode can help until the server is reachable on this port." },
	{ "SSLRequest", ANY, 0, 0, ANY,
	  "libpq sends the 8-byte SSLRequest in clear text and waits for one byte: 'S' or 'N'." },
	{ "SSLResponse", ANY, 0, 'S', ANY,
	  "The server answered 'S': it will do TLS. libpq now sends a ClientHello; nothing so far was encrypted." },
	{ "SSLResponse", ANY, 0, 'N', ANY,
	  "The server answered 'N': no TLS here. require and stricter modes fail now; prefer and allow go on in clear text." },
	{ "SSLResponse", ANY, 0, 'E', ANY,
	  "The server answered with an error instead of 'S' or 'N': an old or odd server, and libpq gives up on TLS." },
	{ "SSLResponse", ANY, 0, 0, ANY,
	  "The server answered the SSLRequest with a byte libpq does not expect: the connection fails." },
	{ "DataAfterSSLResponse", ANY, 0, 0, ANY,
	  "Bytes came after the one-byte answer, before any TLS: libpq refuses them (a man-in-the-middle sign, CVE-2021-23222)." },
	{ "ClientHello", ANY, 0, 0, ANY,
	  "libpq offers its TLS versions, cipher suites and ALPN 'postgresql'; the server name (SNI) goes in clear text." },
	{ "HelloRetryRequest", ANY, 0, 0, ANY,
	  "The server wants a key share for another group: the client says hello again." },
	{ "ServerHello", ANY, 0, 0, ANY,
	  "The server picked the TLS version and cipher suite; from here on the handshake itself is encrypted (TLS 1.3)." },
	{ "EncryptedExtensions", ANY, 0, 0, ANY,
	  "The server's extensions, encrypted: whether it agreed to ALPN 'postgresql'." },
	{ "CertificateRequest", ANY, 0, 0, ANY,
	  "The server asks for a client certificate, naming the CAs it accepts: sslcert/sslkey matter now." },
	{ "Certificate", EV_RECV, 0, 0, ANY,
	  "The server's certificate chain: verify-ca checks it leads to your root file, verify-full also checks the name." },
	{ "Certificate", EV_SEND, 0, 0, ANY,
	  "libpq sends the client certificate (or an empty one when it has none)." },
	{ "CertificateVerify", EV_RECV, 0, 0, ANY,
	  "The server proves it holds the certificate's private key." },
	{ "CertificateVerify", EV_SEND, 0, 0, ANY,
	  "libpq proves it holds the client certificate's private key." },
	{ "ServerKeyExchange", ANY, 0, 0, ANY,
	  "The server's key exchange parameters, signed with its certificate's key (TLS 1.2)." },
	{ "ServerHelloDone", ANY, 0, 0, ANY,
	  "The server is done with its part of the TLS 1.2 handshake." },
	{ "ClientKeyExchange", ANY, 0, 0, ANY,
	  "libpq's share of the key exchange: both sides can now derive the keys (TLS 1.2)." },
	{ "Finished", EV_RECV, 0, 0, ANY,
	  "The server's Finished: its view of the handshake matches, nothing was tampered with." },
	{ "Finished", EV_SEND, 0, 0, ANY,
	  "libpq's Finished: the handshake is complete from the client's side." },
	{ "NewSessionTicket", ANY, 0, 0, ANY,
	  "A ticket to resume the session later; libpq does not use it." },
	{ "HandshakeDone", ANY, 0, 0, ANY,
	  "TLS is established: everything from here on is encrypted. Whether the chain was trusted is the sslmode's call." },
	{ "PeerCertificate", ANY, 0, 0, ANY,
	  "One certificate of the server's chain, as libpq's OpenSSL will judge it (see c for the chain view)." },
	{ "ClientCertificateRequested", ANY, 0, 0, ANY,
	  "The server wants a client certificate: without sslcert the handshake may still go on, and the server decides." },
	{ "Alert", ANY, 0, 0, ANY,
	  "A TLS alert: the handshake is over. The alert's name says which side objected and why." },
	{ "HandshakeFailed", ANY, 0, 0, ANY,
	  "The TLS handshake failed: no encrypted connection, so every mode that needs TLS fails here." },
	{ "TLSSetupFailed", ANY, 0, 0, ANY,
	  "TLS could not even start on the client side (certificate, key or settings): nothing was sent." },
	{ "KeyUsageRetry", ANY, 0, 0, ANY,
	  "GnuTLS is stricter than libpq's OpenSSL here, so the probe connects again the way libpq would." },
	{ "StartupMessage", ANY, 0, 0, 1,
	  "The user and database names go to the server inside TLS: nobody on the wire can read them." },
	{ "StartupMessage", ANY, 0, 0, 0,
	  "The user and database names go in clear text: anyone on the path can read them." },
	{ "AuthenticationOk", ANY, 0, 0, ANY,
	  "The server let us in: the connection is ready for queries." },
	{ "AuthenticationSASL", ANY, 0, 0, ANY,
	  "The server asks for SCRAM: the password never crosses the wire, and -PLUS binds it to the TLS channel." },
	{ "AuthenticationMD5Password", ANY, 0, 0, 0,
	  "The server asks for an MD5 hash of the password, in clear text: replayable by anyone who sees it." },
	{ "AuthenticationCleartextPassword", ANY, 0, 0, 0,
	  "The server asks for the password in clear text, on a connection that is not encrypted." },
	{ "AuthenticationCleartextPassword", ANY, 0, 0, 1,
	  "The server asks for the password itself; TLS hides it on the wire, and the server sees it." },
	{ "ParameterStatus", ANY, 0, 0, ANY,
	  "The server tells a setting (version, encoding, time zone...): the login worked." },
	{ "BackendKeyData", ANY, 0, 0, ANY,
	  "The key to cancel queries later on this connection." },
	{ "ReadyForQuery", ANY, 0, 0, ANY,
	  "Ready for queries: libpq would hand the connection to the application now." },
	{ "ErrorResponse", ANY, 0, 0, 1,
	  "The server refused, over TLS: TLS worked, the refusal is about the login (pg_hba.conf, user, database)." },
	{ "ErrorResponse", ANY, 0, 0, 0,
	  "The server refused in clear text: read its message, often pg_hba.conf asking for (or forbidding) TLS." },
	{ "NoticeResponse", ANY, 0, 0, ANY,
	  "A notice from the server: information, not an error." },
	{ "Terminate", ANY, 0, 0, ANY,
	  "The probe says goodbye: it has what it came for." },
	{ "Close", ANY, 0, 0, ANY, "The probe closed the connection." },
	{ "EOF", ANY, 0, 0, ANY,
	  "The server closed the connection: whatever was asked last, it would not go on." },
	{ "Timeout", ANY, 0, 0, ANY,
	  "The server stopped answering: libpq would wait for connect_timeout, then fail." },
	{ "InvalidMessage", ANY, 0, 0, ANY,
	  "The server sent something that is not a PostgreSQL message: libpq would fail here." },
};

const char *narrate(const struct narrate_facts *f)
{
	if (!f || !f->kind)
		return NULL;
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		const struct row *r = &rows[i];
		if (strcmp(r->kind, f->kind) || (r->dir != ANY && r->dir != (int)f->dir) ||
		    (r->lanes && !(r->lanes & f->lane)) || (r->reply && r->reply != f->reply) ||
		    (r->encrypted != ANY && r->encrypted != (int)f->encrypted))
			continue;
		return r->text;
	}
	return NULL;
}
