/* SPDX-License-Identifier: MIT */
/* facts: the closed sets of outcomes the probes observe and the model
 * decides on (how a TLS handshake failed, how a StartupMessage's answer
 * failed, why a chain did not verify), each an enum with one table giving
 * every code a stable name and the text the inspection records for it. The
 * probe decides the code where it observes the fact; the texts are what
 * sinks show and the JSON carries, and reading a saved log back goes
 * through the same tables (facts_*_parse), so wording never decides. */
#ifndef PGI_FACTS_H
#define PGI_FACTS_H
#include <stddef.h>

struct tls_facts;
struct startup_answer;
struct trust_facts;

/* A '*' in a text stands for the variable part the observer adds (the
 * OS's or a library's reason, a number); a NULL text means the code is
 * not recorded as text. */
#define FACTS_ENUM(prefix, id, name, text) prefix##id,
#define FACTS_ONE(prefix, id, name, text) +1

/* How a TLS handshake failed; the name is what failure_kind records. */
#define TLS_FAILURE_TABLE(_)                                                   \
	_(TLS_FAIL_, NONE, "none", NULL)                                       \
	_(TLS_FAIL_, ALERT, "alert", "the server sent an alert")               \
	_(TLS_FAIL_, EOF, "eof", "the server closed the connection")           \
	_(TLS_FAIL_, RESET, "reset", "the connection was reset")               \
	_(TLS_FAIL_, IO, "io", "a read or write failed")                       \
	_(TLS_FAIL_, VERSION, "version", "the server chose a version out of range") \
	_(TLS_FAIL_, NOT_TLS, "not-tls",                                       \
	  "the server answered with bytes that are not a TLS record")          \
	_(TLS_FAIL_, HTTP_REQUEST, "http-request",                             \
	  "the server answered with what begins like an HTTP request")         \
	_(TLS_FAIL_, PROXY_REQUEST, "proxy-request",                           \
	  "the server answered with what begins like an HTTP CONNECT")         \
	_(TLS_FAIL_, TIMEOUT, "timeout", "no progress within the timeout")     \
	_(TLS_FAIL_, CERT_UNPARSABLE, "cert-unparsable",                       \
	  "GnuTLS cannot parse a certificate the server sent; OpenSSL may")    \
	_(TLS_FAIL_, OTHER, "other", "any other GnuTLS failure")
enum tls_failure { TLS_FAILURE_TABLE(FACTS_ENUM) };
enum { TLS_FAILURE_COUNT = 0 TLS_FAILURE_TABLE(FACTS_ONE) };

/* Why the answer to a StartupMessage (or the ErrorResponse to an
 * SSLRequest) did not come: libpq's texts where libpq has one. TLS_ALERT:
 * the alert is in the session's tls_facts (alert_code).
 * UNREADABLE carries the reason from below: recv's or GnuTLS's for a
 * failed read, pgwire_decode's for a message it refused. */
#define STARTUP_FAILURE_TABLE(_)                                               \
	_(STARTUP_FAIL_, NONE, "none", NULL)                                   \
	_(STARTUP_FAIL_, CLOSED, "closed",                                     \
	  "server closed the connection unexpectedly")                         \
	_(STARTUP_FAIL_, CLOSED_IN_ERROR, "closed-in-error",                   \
	  "server closed the connection in the middle of its ErrorResponse")   \
	_(STARTUP_FAIL_, SEND, "send", "could not send data to server: *")     \
	_(STARTUP_FAIL_, BAD_LENGTH, "bad-length",                             \
	  "invalid message length from server")                                \
	_(STARTUP_FAIL_, UNEXPECTED, "unexpected",                             \
	  "unexpected message from server")                                    \
	_(STARTUP_FAIL_, FLOOD, "flood", "too many messages from the server")  \
	_(STARTUP_FAIL_, TLS_ALERT, "tls-alert",                               \
	  "the server ended the TLS session with an alert")                    \
	_(STARTUP_FAIL_, TIMEOUT, "timeout", "timeout expired")                \
	_(STARTUP_FAIL_, UNREADABLE, "unreadable", "*")
enum startup_failure { STARTUP_FAILURE_TABLE(FACTS_ENUM) };
enum { STARTUP_FAILURE_COUNT = 0 STARTUP_FAILURE_TABLE(FACTS_ONE) };

/* Why the chain did not verify, by the classes of a verifier's outcome;
 * the texts are OpenSSL's (X509_verify_cert_error_string) where libpq
 * would print one. UNRECOGNISED is a text no row wrote (a log edited by
 * hand), kept whole. */
#define CHAIN_FAILURE_TABLE(_)                                                 \
	_(CHAIN_FAIL_, NONE, "none", NULL)                                     \
	_(CHAIN_FAIL_, ROOT_UNREADABLE, "root-unreadable",                     \
	  "the root certificate file could not be read")                       \
	_(CHAIN_FAIL_, UNPARSABLE, "unparsable",                               \
	  "certificate * of the chain could not be parsed")                    \
	_(CHAIN_FAIL_, NOT_RUN, "not-run", "verification could not run: *")    \
	_(CHAIN_FAIL_, EXPIRED, "expired", "certificate has expired")          \
	_(CHAIN_FAIL_, NOT_YET_VALID, "not-yet-valid",                         \
	  "certificate is not yet valid")                                      \
	_(CHAIN_FAIL_, SIGNATURE, "signature", "certificate signature failure") \
	_(CHAIN_FAIL_, ISSUER_UNKNOWN, "issuer-unknown",                       \
	  "unable to get local issuer certificate")                            \
	_(CHAIN_FAIL_, NOT_CA, "not-ca", "invalid CA certificate")             \
	_(CHAIN_FAIL_, PURPOSE, "purpose", "unsupported certificate purpose")  \
	_(CHAIN_FAIL_, REVOKED, "revoked", "certificate revoked")              \
	_(CHAIN_FAIL_, INSECURE, "insecure", "insecure signature algorithm")   \
	_(CHAIN_FAIL_, SELF_SIGNED_IN_CHAIN, "self-signed-in-chain",           \
	  "self-signed certificate in certificate chain")                      \
	_(CHAIN_FAIL_, SELF_SIGNED, "self-signed", "self-signed certificate")  \
	_(CHAIN_FAIL_, ISSUER_MISSING, "issuer-missing",                       \
	  "unable to get issuer certificate")                                  \
	_(CHAIN_FAIL_, EE_KEY_WEAK, "ee-key-weak", "EE certificate key too weak") \
	_(CHAIN_FAIL_, CA_KEY_WEAK, "ca-key-weak", "CA certificate key too weak") \
	_(CHAIN_FAIL_, MD_WEAK, "md-weak",                                     \
	  "CA signature digest algorithm too weak")                            \
	_(CHAIN_FAIL_, CRL_MISSING, "crl-missing", "unable to get certificate CRL") \
	_(CHAIN_FAIL_, CRL_EXPIRED, "crl-expired", "CRL has expired")          \
	_(CHAIN_FAIL_, CRL_NOT_YET_VALID, "crl-not-yet-valid",                 \
	  "CRL is not yet valid")                                              \
	_(CHAIN_FAIL_, CRL_SIGNATURE, "crl-signature", "CRL signature failure") \
	_(CHAIN_FAIL_, OTHER, "other", "certificate verify failed")            \
	_(CHAIN_FAIL_, UNRECOGNISED, "unrecognised", "*")
enum chain_failure { CHAIN_FAILURE_TABLE(FACTS_ENUM) };
enum { CHAIN_FAILURE_COUNT = 0 CHAIN_FAILURE_TABLE(FACTS_ONE) };

/* What the verifier found out about an issuer it could not find; a gap
 * goes with any failure (a lone expired leaf of an unknown CA is both),
 * its text follows the failure's. */
#define CHAIN_GAP_TABLE(_)                                                     \
	_(CHAIN_GAP_, NONE, "none", "")                                        \
	_(CHAIN_GAP_, INTERMEDIATE, "intermediate",                            \
	  " (the server sent only its own certificate; is an intermediate "    \
	  "certificate missing?)")                                             \
	_(CHAIN_GAP_, NO_ANCHOR, "no-anchor",                                  \
	  " (the root file holds no self-signed CA certificate)")              \
	_(CHAIN_GAP_, LEAF_ONLY, "leaf-only",                                  \
	  " (the server sent only its own certificate, and its issuer is not " \
	  "in the root file)")
enum chain_gap { CHAIN_GAP_TABLE(FACTS_ENUM) };
enum { CHAIN_GAP_COUNT = 0 CHAIN_GAP_TABLE(FACTS_ONE) };

/* The tables, indexed by code. */
struct facts_row {
	const char *name, *text;
};
extern const struct facts_row facts_tls_failures[TLS_FAILURE_COUNT];
extern const struct facts_row facts_startup_failures[STARTUP_FAILURE_COUNT];
extern const struct facts_row facts_chain_failures[CHAIN_FAILURE_COUNT];
extern const struct facts_row facts_chain_gaps[CHAIN_GAP_COUNT];

/* The inverse lookups, for a saved log: NULL is NONE. A failure_kind is
 * read by its name (OTHER when unknown), a startup failure by its whole
 * text, a chain failure by its text's beginning and the gap text after it
 * (UNRECOGNISED when no row fits). */
enum tls_failure facts_tls_failure_parse(const char *name);
enum startup_failure facts_startup_failure_parse(const char *text);
enum chain_failure facts_chain_failure_parse(const char *text,
					     enum chain_gap *gap);

/* A code's text with detail in place of the '*', on the heap. */
char *facts_startup_failure_message(enum startup_failure c, const char *detail);
/* The same for a chain failure, followed by the gap's text. */
char *facts_chain_failure_message(enum chain_failure c, enum chain_gap gap,
				  const char *detail);

/* Record an observed failure: the code and its text together. */
void facts_set_tls_failure(struct tls_facts *f, enum tls_failure c);
void facts_set_startup_failure(struct startup_answer *a,
			       enum startup_failure c, const char *detail);

/* The code of a fact: the one the observer recorded, or, for facts held
 * only as text (an inspection put together by hand), the text read back
 * through the table. */
enum tls_failure facts_tls_failure(const struct tls_facts *f);
enum startup_failure facts_startup_failure(const struct startup_answer *a);
enum chain_failure facts_chain_failure(const struct trust_facts *t,
				       enum chain_gap *gap);
/* The chain failure as OpenSSL would word it: the code's text and its
 * gap's, without what the verifier added; the whole text for a code
 * whose text has a variable part. On the heap. */
char *facts_chain_reason(const struct trust_facts *t);

#endif
