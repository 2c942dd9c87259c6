/* spmif wire helpers (compat §3): the LOGIN challenge and response, the
 * command-word matching and tokenizer of the server, and reply lines in
 * both directions.  No I/O here: lib/spmif_server.h and lib/spmif_client.h
 * build the two ends on top of these, and the fuzzer drives them directly.
 *
 * The protocol in one paragraph: lines end in CR LF; the server greets with
 * `220 <CHALLENGE>`; the client answers `LOGIN <RESPONSE>`; every reply is
 * one or more lines `NNN-text` ... `NNN text`, complete at the first line
 * whose 4th character is not '-'. */
#ifndef RC_SPMIF_H
#define RC_SPMIF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Default TCP port of the debug transport (compat §3.1). */
#define SPMIF_DEFAULT_TCP_PORT 9555

/* Hex SHA-1: 40 characters; buffers below are that plus the NUL. */
#define SPMIF_HASH_HEXLEN 40
#define SPMIF_HASH_BUFLEN (SPMIF_HASH_HEXLEN + 1)

/* The server's default limit on one command line, terminator excluded. */
#define SPMIF_LINE_MAX 1024
/* Most words the tokenizer splits a command line into (command word
 * included); more is a syntax error.  POLICY ADD, the longest command,
 * has 10. */
#define SPMIF_MAX_WORDS 32

/* Reply codes (compat §3.1). */
enum spmif_code {
	SPMIF_GREETING = 220,
	SPMIF_OK = 250,
	SPMIF_OK_EMPTY = 251,	  /* OK but nothing to list */
	SPMIF_SYNTAX_ERROR = 500, /* also "Line too long" */
	SPMIF_NOT_CACHED = 501,
	SPMIF_NOT_IMPLEMENTED = 502,
	SPMIF_FAILED = 550,
	SPMIF_NO_SUCH = 551, /* already exists / does not exist / no such */
};

/* ---- authentication (compat §3.2) ---- */

/* A fresh challenge: uppercase hex SHA-1 of 256 bytes from getrandom().
 * Returns 0, or -1 with err. */
int spmif_challenge_new(char out[SPMIF_HASH_BUFLEN], char *err, size_t errlen);

/* The LOGIN response for a challenge and the password file bytes (all of
 * them, a trailing newline included): uppercase hex SHA-1 of
 * ASCII(challenge) || uppercase-hex(password).  Test vector: password
 * "secret\n", challenge 0123456789ABCDEF0123456789ABCDEF01234567 ->
 * 7B255FE0322219F9E91F5641F3C8401D108AF919.  Returns 0, or -1 with err. */
int spmif_login_response(const char *challenge, const unsigned char *password, size_t pwlen,
			 char out[SPMIF_HASH_BUFLEN], char *err, size_t errlen);

/* Does a LOGIN argument prove knowledge of the password?  It must START
 * with the 40 expected characters; anything after them is accepted (QUIRK
 * kept for compatibility).  The comparison is constant-time.  False on any
 * error (no challenge, hashing failure). */
bool spmif_login_check(const char *challenge, const unsigned char *password, size_t pwlen,
		       const char *arg);

/* ---- server-side parsing (compat §3.1, Appendix A) ---- */

/* Does a received word select command `name`?  Case-insensitive, and the
 * word must BEGIN with the name: ("STATUS", "STAT") and ("LISTING",
 * "LIST") match, ("DEL", "DELETE") does not.  Used for command words and
 * subcommand words alike. */
bool spmif_word_match(const char *word, const char *name);

/* Split one command line in place into words: blanks (space, tab) before,
 * between and after words are skipped, and parsing stops at the first CR
 * (or NUL).  The line has no LF: framing removed it, so unlike racoon2 a
 * bare-LF line gets no extra "\n" word (compat §10.2.6).  argv gets at most
 * maxwords pointers into line.  Returns the number of words (0 for an
 * empty line), or -1 when there are more than maxwords. */
int spmif_tokenize(char *line, char **argv, int maxwords);

/* ---- reply lines ---- */

/* Format one reply line "NNN-text\r\n" (more = true) or "NNN text\r\n"
 * into buf, NUL-terminated.  code must be 100..999.  CR, LF and other
 * control characters in text become '?', so a reply can never forge extra
 * lines.  Returns the length without the NUL, or -1 when it does not fit
 * or code is out of range. */
int spmif_format_reply_line(char *buf, size_t buflen, int code, bool more, const char *text);

/* Parse one received reply line (terminator already removed; a trailing
 * CR is ignored): three digits, then '-' for "more lines follow", anything
 * else or nothing for the last line.  *text points after the 4-character
 * prefix (at the end of line for a bare "250").  Returns 0, or -1 when the
 * line does not start with three digits. */
int spmif_parse_reply_line(const char *line, size_t len, int *code, bool *more, const char **text,
			   size_t *textlen);

/* A complete reply as the clients hand it out. */
struct spmif_reply {
	int code; /* of the last line */
	size_t nlines;
	char **lines; /* text of each line, after "NNN-"/"NNN " (NUL-terminated) */
	size_t bytes; /* received so far, terminators included (for limits) */
	bool complete;
};

/* Reply limits: the clients' defaults. */
#define SPMIF_REPLY_MAX_LINES 64     /* async client (racoon2 had 10) */
#define SPMIF_REPLY_MAX_BYTES 8192   /* async client (racoon2 had 1024) */
#define SPMIF_SYNC_MAX_LINES 1000000 /* spmdctl: POLICY DUMP of big setups */
#define SPMIF_SYNC_MAX_BYTES (64u << 20)

void spmif_reply_init(struct spmif_reply *r);
/* Free the lines and reset to empty. */
void spmif_reply_clear(struct spmif_reply *r);
/* Add one received line (without its LF; a trailing CR is ignored) to a
 * reply being read.  Returns 1 when the reply is now complete, 0 when more
 * lines follow, -1 with err for a malformed line or when the reply would
 * pass max_lines or max_bytes.  Lines after completion are an error. */
int spmif_reply_add_line(struct spmif_reply *r, const char *line, size_t len, size_t max_lines,
			 size_t max_bytes, char *err, size_t errlen);
/* Success is decided by the first digit being 2 (compat §3.4). */
bool spmif_reply_ok(const struct spmif_reply *r);
/* The first line's text, or "" when there is none (callers such as kinkd's FQDN QUERY
 * take the first line). */
const char *spmif_reply_first(const struct spmif_reply *r);

/* Uppercase hex of n bytes into out (2n + 1 bytes). */
void spmif_hex_upper(const unsigned char *in, size_t n, char *out);

#endif
