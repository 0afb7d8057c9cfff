/* SPDX-License-Identifier: MIT */
/* auth: libpq's answer to an authentication request, step by step as
 * fe-auth.c takes it. */
#include "config.h"
#include "model/auth.h"
#include "engine/conninfo.h"
#include "engine/x509_ossl.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRAM_PLUS "SCRAM-SHA-256-PLUS"
#define SCRAM "SCRAM-SHA-256"
#define OAUTHBEARER "OAUTHBEARER"
/* fe-auth.h PQnoPasswordSupplied, without its newline */
#define NO_PASSWORD "fe_sendauth: no password supplied"

struct judge {
	const struct auth_opts *o;
	const struct auth_link *l;
	struct require_auth_set ra; /* 16+ only: 15 knows no require_auth */
	struct auth_outcome *out;
};

static void fail(struct judge *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct judge *j, const char *fmt, ...)
{
	va_list ap;

	j->out->result = AUTH_FAILS;
	free(j->out->message);
	va_start(ap, fmt);
	j->out->message = xvasprintf(fmt, ap);
	va_end(ap);
}

static void unknown(struct judge *j, const char *why)
{
	j->out->result = AUTH_UNKNOWN;
	free(j->out->message);
	j->out->message = xstrdup(why);
}

static char cb(const struct judge *j)
{
	const char *c = j->o->channel_binding;
	return c && *c ? c[0] : 'p';
}

static bool certmode_require(const struct judge *j)
{
	const char *m = j->o->sslcertmode;
	return j->o->libpq_version >= 16 && m && m[0] == 'r';
}

/* fe-auth.c auth_method_description */
static const char *description(const char *areq)
{
	if (!strcmp(areq, "cleartext"))
		return "server requested a cleartext password";
	if (!strcmp(areq, "md5"))
		return "server requested a hashed password";
	if (!strcmp(areq, "gss"))
		return "server requested GSSAPI authentication";
	if (!strcmp(areq, "sspi"))
		return "server requested SSPI authentication";
	if (!strcmp(areq, "sasl"))
		return "server requested SASL authentication";
	return "server requested an unknown authentication type";
}

/* auth_method_allowed over the request: 16 and 17 count scram-sha-256 as
 * all of SASL; 18 allows SASL requests when any SASL mechanism is
 * allowed (pqConnectOptions2) and checks the mechanism in pg_SASL_init. */
static bool method_allowed(const struct judge *j, const char *areq)
{
	unsigned a = j->ra.allowed;

	if (!strcmp(areq, "cleartext"))
		return a & REQAUTH_PASSWORD;
	if (!strcmp(areq, "md5"))
		return a & REQAUTH_MD5;
	if (!strcmp(areq, "gss"))
		return a & REQAUTH_GSS;
	if (!strcmp(areq, "sspi"))
		return a & REQAUTH_SSPI;
	if (!strcmp(areq, "sasl"))
		return j->o->libpq_version >= 18 ? a & (REQAUTH_SCRAM | REQAUTH_OAUTH) :
						   a & REQAUTH_SCRAM;
	return false;
}

/* fe-auth.c check_expected_areq: false with the message set. exchanged is
 * the method libpq completed before this request (for AUTH_REQ_OK), or
 * NULL. */
static bool expected(struct judge *j, const char *areq, const char *exchanged)
{
	bool ok_req = !strcmp(areq, "ok");

	if (ok_req && certmode_require(j)) {
		if (!j->l->cert_requested) {
			fail(j, "server did not request an SSL certificate");
			return false;
		}
		if (!j->l->cert_sent) {
			fail(j, "server accepted connection without a valid SSL certificate");
			return false;
		}
	}
	if (j->ra.set) {
		const char *reason = NULL;
		bool ok;

		if (ok_req) {
			ok = !j->ra.auth_required || exchanged;
			if (!ok)
				reason = "server did not complete authentication";
		} else {
			ok = method_allowed(j, areq);
		}
		if (!ok) {
			fail(j, "authentication method requirement \"%s\" failed: %s",
			     j->o->require_auth, reason ? reason : description(areq));
			return false;
		}
	}
	if (cb(j) == 'r') {
		if (ok_req && !(exchanged && !strcmp(exchanged, SCRAM_PLUS))) {
			fail(j, "channel binding required, but server authenticated client without channel binding");
			return false;
		}
		if (!ok_req && strcmp(areq, "sasl") != 0) {
			fail(j, "channel binding required but not supported by server's authentication request");
			return false;
		}
	}
	return true;
}

/* pg_fe_sendauth, AUTH_REQ_MD5 and AUTH_REQ_PASSWORD (and pg_SASL_init's
 * same check): the password of the host, else conn->pgpass */
static bool have_password(struct judge *j)
{
	if (j->o->password == 0) {
		fail(j, NO_PASSWORD);
		return false;
	}
	if (j->o->password < 0) {
		unknown(j, "whether libpq has a password for this host is not known");
		return false;
	}
	return true;
}

/* fe-auth.c pg_SASL_init: the mechanism libpq picks, or NULL with the
 * outcome set. */
static const char *sasl_mechanism(struct judge *j, char *const *mechs)
{
	const char *selected = NULL;

	if (cb(j) == 'r' && !j->l->ssl_in_use) {
		fail(j, "channel binding required, but SSL not in use");
		return NULL;
	}
	for (char *const *m = mechs; m && *m; m++) {
		if (!strcmp(*m, SCRAM_PLUS)) {
			if (!j->l->ssl_in_use) {
				/* a sign that TLS was stripped on the way */
				fail(j, "server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection");
				return NULL;
			}
			if (cb(j) != 'd')
				selected = SCRAM_PLUS;
		} else if (!strcmp(*m, SCRAM) && !selected) {
			selected = SCRAM;
		} else if (!strcmp(*m, OAUTHBEARER) && !selected &&
			   j->o->libpq_version >= 18) {
			selected = OAUTHBEARER;
		}
	}
	if (!selected) {
		fail(j, "none of the server's SASL authentication mechanisms are supported");
		return NULL;
	}
	if (j->ra.set && j->o->libpq_version >= 18) {
		unsigned bit = strcmp(selected, OAUTHBEARER) ? REQAUTH_SCRAM : REQAUTH_OAUTH;
		if (!(j->ra.allowed & bit)) {
			fail(j, "authentication method requirement \"%s\" failed: server requested %s authentication",
			     j->o->require_auth, selected);
			return NULL;
		}
	}
	if (cb(j) == 'r' && strcmp(selected, SCRAM_PLUS) != 0) {
		fail(j, "channel binding is required, but server did not offer an authentication method that supports channel binding");
		return NULL;
	}
	if (!strcmp(selected, OAUTHBEARER)) {
		unknown(j, "the server asks for OAUTHBEARER: libpq 18's OAuth flow is not modelled");
		return NULL;
	}
	return selected;
}

static void sasl(struct judge *j, char *const *mechs)
{
	const char *mech = sasl_mechanism(j, mechs);

	if (!mech || !have_password(j))
		return;
	if (!strcmp(mech, SCRAM_PLUS)) {
		/* fe-auth-scram.c build_client_final_message asks
		 * pgtls_get_peer_certificate_hash once the server's first
		 * message came */
		char *e = j->l->leaf ? x509_ossl_cbind_error(j->l->leaf, j->l->leaf_len, NULL) :
			  /* no DER recorded: an EdDSA signature names no digest */
			  j->l->leaf_signature && strstr(j->l->leaf_signature, "Ed") ?
					       xstrdup("could not find digest for NID UNDEF") :
					       NULL;
		if (e) {
			fail(j, "%s", e);
			j->out->after_first_message = true;
			free(e);
			return;
		}
	}
	j->out->method = mech;
}

void auth_judge(const struct auth_opts *o, const struct auth_link *l,
		const char *areq, char *const *mechs, struct auth_outcome *out)
{
	struct judge j = { .o = o, .l = l, .out = out };

	memset(out, 0, sizeof(*out));
	out->result = AUTH_PROCEEDS;
	if (o->libpq_version >= 16 && conninfo_require_auth(o->require_auth, &j.ra) < 0) {
		/* connectOptions2 refused it before any connection */
		unknown(&j, "require_auth is refused before connecting");
		return;
	}
	if (!areq)
		areq = "unknown";
	if (!expected(&j, areq, NULL))
		return;
	if (!strcmp(areq, "ok"))
		return;
	if (!strcmp(areq, "kerberos")) {
		fail(&j, "Kerberos 5 authentication not supported");
		return;
	}
	if (!strcmp(areq, "gss") || !strcmp(areq, "sspi")) {
		unknown(&j, "the server asks for GSSAPI/SSPI authentication, which depends on "
			    "Kerberos credentials and libpq's build; not modelled");
		return;
	}
	if (!strcmp(areq, "cleartext") || !strcmp(areq, "md5")) {
		if (have_password(&j))
			out->method = !strcmp(areq, "md5") ? "md5" : "password";
	} else if (!strcmp(areq, "sasl")) {
		sasl(&j, mechs);
	} else {
		unknown(&j, "the server asks for an authentication method libpq does not know");
		return;
	}
	if (out->result != AUTH_PROCEEDS)
		return;
	/* the AuthenticationOk that ends a completed exchange */
	expected(&j, "ok", out->method);
	/* a failure there comes after libpq answered with the method */
	if (out->result != AUTH_PROCEEDS)
		out->at_ok = true;
}

void auth_outcome_free(struct auth_outcome *out)
{
	free(out->message);
	memset(out, 0, sizeof(*out));
}
