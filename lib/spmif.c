/* spmif wire helpers: see spmif.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "spmif.h"
#include "util.h"

#define CHALLENGE_RANDOM_BYTES 256

void spmif_hex_upper(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* SHA-1 over the concatenation of two byte strings, as uppercase hex. */
static int sha1_hex2(const void *a, size_t alen, const void *b, size_t blen,
		     char out[SPMIF_HASH_BUFLEN], char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
		 EVP_DigestUpdate(ctx, a, alen) && EVP_DigestUpdate(ctx, b, blen) &&
		 EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == SPMIF_HASH_HEXLEN / 2;

	EVP_MD_CTX_free(ctx);
	if (!ok)
		return rc_set_err(err, errlen, "SHA-1 is not available from OpenSSL");
	spmif_hex_upper(md, mdlen, out);
	rc_memzero(md, sizeof(md));
	return 0;
}

int spmif_challenge_new(char out[SPMIF_HASH_BUFLEN], char *err, size_t errlen)
{
	unsigned char rnd[CHALLENGE_RANDOM_BYTES];
	size_t got = 0;

	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rc_set_err(err, errlen, "cannot get random bytes for the challenge: %s",
					  n < 0 ? strerror(errno) : "short read");
		got += (size_t)n;
	}
	int r = sha1_hex2(rnd, sizeof(rnd), "", 0, out, err, errlen);
	rc_memzero(rnd, sizeof(rnd));
	return r;
}

int spmif_login_response(const char *challenge, const unsigned char *password, size_t pwlen,
			 char out[SPMIF_HASH_BUFLEN], char *err, size_t errlen)
{
	if (!challenge || !*challenge)
		return rc_set_err(err, errlen, "no challenge to answer");
	if (pwlen > (SIZE_MAX - 1) / 2)
		return rc_set_err(err, errlen, "password too long");

	size_t hexlen = 2 * pwlen + 1;
	char *pwhex = rc_xmalloc(hexlen);
	spmif_hex_upper(password, pwlen, pwhex);
	int r = sha1_hex2(challenge, strlen(challenge), pwhex, 2 * pwlen, out, err, errlen);
	rc_freezero(pwhex, hexlen);
	return r;
}

bool spmif_login_check(const char *challenge, const unsigned char *password, size_t pwlen,
		       const char *arg)
{
	char want[SPMIF_HASH_BUFLEN];

	if (!arg || strnlen(arg, SPMIF_HASH_HEXLEN) < SPMIF_HASH_HEXLEN)
		return false;
	if (spmif_login_response(challenge, password, pwlen, want, NULL, 0) < 0)
		return false;
	/* Only the first 40 characters count: racoon2 accepted a longer
	 * argument (compat §3.2 QUIRK). */
	bool ok = CRYPTO_memcmp(want, arg, SPMIF_HASH_HEXLEN) == 0;
	rc_memzero(want, sizeof(want));
	return ok;
}

bool spmif_word_match(const char *word, const char *name)
{
	size_t n = strlen(name);

	return strlen(word) >= n && strncasecmp(word, name, n) == 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int spmif_tokenize(char *line, char **argv, int maxwords)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0' || *p == '\r')
			break;
		if (argc >= maxwords)
			return -1;
		argv[argc++] = p;
		while (*p && *p != '\r' && !is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		bool stop = *p == '\r';
		*p++ = '\0';
		if (stop)
			break;
	}
	return argc;
}

int spmif_format_reply_line(char *buf, size_t buflen, int code, bool more, const char *text)
{
	if (code < 100 || code > 999 || !text)
		return -1;
	size_t tlen = strlen(text);
	if (buflen < tlen + 7) /* "NNN" sep text CR LF NUL */
		return -1;
	snprintf(buf, buflen, "%03d%c", code, more ? '-' : ' ');
	for (size_t i = 0; i < tlen; i++) {
		unsigned char c = (unsigned char)text[i];
		buf[4 + i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	memcpy(buf + 4 + tlen, "\r\n", 3);
	return (int)(tlen + 6);
}

int spmif_parse_reply_line(const char *line, size_t len, int *code, bool *more, const char **text,
			   size_t *textlen)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len < 3)
		return -1;
	for (int i = 0; i < 3; i++)
		if (!isdigit((unsigned char)line[i]))
			return -1;
	*code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	*more = len > 3 && line[3] == '-';
	*text = line + (len > 3 ? 4 : 3);
	*textlen = len > 3 ? len - 4 : 0;
	return 0;
}

void spmif_reply_init(struct spmif_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void spmif_reply_clear(struct spmif_reply *r)
{
	for (size_t i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	free(r->lines);
	spmif_reply_init(r);
}

int spmif_reply_add_line(struct spmif_reply *r, const char *line, size_t len, size_t max_lines,
			 size_t max_bytes, char *err, size_t errlen)
{
	int code;
	bool more;
	const char *text;
	size_t textlen;

	if (r->complete)
		return rc_set_err(err, errlen, "spmd sent a line after a complete reply");
	if (spmif_parse_reply_line(line, len, &code, &more, &text, &textlen) < 0)
		return rc_set_err(err, errlen, "malformed reply line from spmd (no status code)");
	if (memchr(text, '\0', textlen))
		return rc_set_err(err, errlen, "malformed reply line from spmd (NUL byte)");
	if (r->nlines >= max_lines)
		return rc_set_err(err, errlen, "reply from spmd has more than %zu lines", max_lines);
	if (len + 1 > max_bytes || r->bytes + len + 1 > max_bytes)
		return rc_set_err(err, errlen, "reply from spmd is longer than %zu bytes", max_bytes);
	/* grow by doubling so a long POLICY DUMP stays linear */
	if ((r->nlines & (r->nlines - 1)) == 0 || r->nlines == 0) {
		size_t cap = r->nlines ? r->nlines * 2 : 1;
		r->lines = rc_xreallocarray(r->lines, cap, sizeof(*r->lines));
	}
	r->lines[r->nlines++] = rc_xstrndup(text, textlen);
	r->bytes += len + 1;
	r->code = code;
	r->complete = !more;
	return r->complete ? 1 : 0;
}

bool spmif_reply_ok(const struct spmif_reply *r)
{
	return r->complete && r->code >= 200 && r->code < 300;
}

const char *spmif_reply_first(const struct spmif_reply *r)
{
	return r->nlines ? r->lines[0] : "";
}
