/* racoon2.conf front end: lexing, parsing, tree shape, error messages and
 * positions, recovery, hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf_tree.h"
#include "util.h"

static const struct cf_parse_opts no_safe = {.check_safe = false};

/* "LINE:COL: message" per diagnostic, one per line. */
static char *diag_text(const struct rc_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%d:%d: %s\n", d->v[i].loc.line, d->v[i].loc.col, d->v[i].msg);
	fclose(f);
	return buf;
}

static char *dump(const struct cf_tree *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cf_tree_dump(t, f);
	fclose(f);
	return buf;
}

/* Parse text; check the canonical dump and the diagnostics. */
static void expect(const char *text, const char *want_dump, const char *want_diag)
{
	struct rc_diag d;

	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_string("t.conf", text, &no_safe, &d);
	assert_non_null(t);
	char *got_dump = dump(t), *got_diag = diag_text(&d);
	if (want_dump)
		assert_string_equal(got_dump, want_dump);
	assert_string_equal(got_diag, want_diag);
	free(got_dump);
	free(got_diag);
	cf_tree_free(t);
	rc_diag_free(&d);
}

static struct cf_tree *parse_ok(const char *text)
{
	struct rc_diag d;

	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_string("t.conf", text, &no_safe, &d);
	assert_int_equal(d.nerrors, 0);
	rc_diag_free(&d);
	return t;
}

static void statements_and_blocks(void **state)
{
	expect("remote r1 {\n"
	       "\tikev2 {\n"
	       "\t\tpeers_ipaddr 10.0.0.1 port 500;\n"
	       "\t\tkmp_enc_alg { aes_ctr,256; aes128_cbc,,0x1234; };\n"
	       "\t};\n"
	       "};\n"
	       "{ x; };\n",
	       "remote r1 {\n"
	       "\tikev2 {\n"
	       "\t\tpeers_ipaddr 10.0.0.1 port 500;\n"
	       "\t\tkmp_enc_alg {\n"
	       "\t\t\taes_ctr, 256;\n"
	       "\t\t\taes128_cbc,, 0x1234;\n"
	       "\t\t};\n"
	       "\t};\n"
	       "};\n"
	       "{\n"
	       "\tx;\n"
	       "};\n",
	       "");
	expect("", "", "");
	expect("empty {};", "empty {\n};\n", "");
}

static void tree_shape_and_locations(void **state)
{
	struct cf_tree *t = parse_ok("a \"b c\" , - -5 x{\n  y;\n};");
	assert_int_equal(t->top.nstmts, 1);
	const struct cf_stmt *s = &t->top.stmts[0];
	assert_int_equal(s->nitems, 6);
	enum cf_item_kind kinds[] = {CF_WORD, CF_QSTR, CF_COMMA, CF_DASH, CF_WORD, CF_WORD};
	const char *texts[] = {"a", "b c", ",", "-", "-5", "x"};
	int cols[] = {1, 3, 9, 11, 13, 16};
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(s->items[i].kind, kinds[i]);
		assert_string_equal(s->items[i].text, texts[i]);
		assert_int_equal(s->items[i].loc.line, 1);
		assert_int_equal(s->items[i].loc.col, cols[i]);
		assert_string_equal(s->items[i].loc.file, "t.conf");
	}
	assert_int_equal(s->loc.col, 1);
	assert_non_null(s->block);
	assert_int_equal(s->block->open_loc.col, 17);
	assert_int_equal(s->block->close_loc.line, 3);
	assert_int_equal(s->block->close_loc.col, 1);
	assert_int_equal(s->semi_loc.col, 2);
	assert_int_equal(s->block->nstmts, 1);
	assert_int_equal(s->block->stmts[0].loc.line, 2);
	assert_int_equal(s->block->stmts[0].loc.col, 3);
	assert_null(s->block->stmts[0].block);
	assert_int_equal(t->nfiles, 1);
	assert_string_equal(t->files[0], "t.conf");
	cf_tree_free(t);
}

static void words_and_dashes(void **state)
{
	/* without spaces the range is ONE word; the semantic pass rejects it */
	struct cf_tree *t = parse_ok("addresspool p { 10.0.0.1-10.0.0.9; };");
	const struct cf_stmt *pool = &t->top.stmts[0];
	assert_int_equal(pool->block->nstmts, 1);
	assert_int_equal(pool->block->stmts[0].nitems, 1);
	assert_int_equal(pool->block->stmts[0].items[0].kind, CF_WORD);
	assert_string_equal(pool->block->stmts[0].items[0].text, "10.0.0.1-10.0.0.9");
	cf_tree_free(t);
	expect("addresspool p { 10.0.0.1 - 10.0.0.9; };",
	       "addresspool p {\n\t10.0.0.1 - 10.0.0.9;\n};\n", "");
	expect("nonce_size -5; a -b- c-; x %*./:?@_-;", "nonce_size -5;\na -b- c-;\nx %*./:?@_-;\n",
	       "");
	expect("fe80::1%em0/64 port any;", "fe80::1%em0/64 port any;\n", "");
}

static void quoted_strings(void **state)
{
	/* keywords in quotes stay strings; no escapes; newlines allowed */
	struct cf_tree *t = parse_ok("selector \"ike\" { x \"a\\\"; y \"l1\nl2\" z; };");
	const struct cf_stmt *s = &t->top.stmts[0];
	assert_int_equal(s->items[1].kind, CF_QSTR);
	assert_string_equal(s->items[1].text, "ike");
	assert_string_equal(s->block->stmts[0].items[1].text, "a\\");
	const struct cf_stmt *y = &s->block->stmts[1];
	assert_string_equal(y->items[1].text, "l1\nl2");
	assert_int_equal(y->items[2].loc.line, 2);
	assert_int_equal(y->items[2].loc.col, 5);
	cf_tree_free(t);
	expect("a \"\" \"# not a comment\";", "a \"\" \"# not a comment\";\n", "");
}

static void comments_and_line_ends(void **state)
{
	expect("# only a comment\nabc#x\n;\nd # e ;\n;", "abc;\nd;\n", "");
	/* CR LF and a lone CR end lines; a tab is one column */
	struct cf_tree *t = parse_ok("a;\r\nb;\rc;\r\n\r\n\tdd;");
	assert_int_equal(t->top.nstmts, 4);
	int lines[] = {1, 2, 3, 5}, cols[] = {1, 1, 1, 2};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(t->top.stmts[i].loc.line, lines[i]);
		assert_int_equal(t->top.stmts[i].loc.col, cols[i]);
	}
	cf_tree_free(t);
	expect("a\r\n$", NULL,
	       "2:1: unexpected character '$' (${VAR} and $[VAR] only work inside double "
	       "quotes)\n");
}

static void script_semicolons(void **state)
{
	/* racoon2's `script ... ;;` and the single `;` form give the same tree */
	const char *want = "ikev2 {\n\tscript phase1_up \"/x\";\n};\n";
	expect("ikev2 { script phase1_up \"/x\";; };", want, "");
	expect("ikev2 { script phase1_up \"/x\"; };", want, "");
	expect("ikev2 { script { phase1_up \"/a\"; child_up \"/b\"; }; };",
	       "ikev2 {\n\tscript {\n\t\tphase1_up \"/a\";\n\t\tchild_up \"/b\";\n\t};\n};\n", "");
	expect(";;; a;;", "a;\n", "");
}

static void unquoted_dollar(void **state)
{
	expect("remote r { ikev2 {\n    pre_shared_key ${A};\n    passive on;\n}; };",
	       "remote r {\n\tikev2 {\n\t\tpassive on;\n\t};\n};\n",
	       "2:20: unexpected character '$' (${VAR} and $[VAR] only work inside double "
	       "quotes)\n");
	expect("a $[X];", "",
	       "1:3: unexpected character '$' (${VAR} and $[VAR] only work "
	       "inside double quotes)\n");
}

static void bad_characters(void **state)
{
	expect("a 'b';\nc;", "c;\n",
	       "1:3: unexpected character '''\n"
	       "1:5: unexpected character '''\n");
	expect("a [b];\nc;", "c;\n",
	       "1:3: unexpected character '['\n1:5: unexpected character ']'\n");
	/* one message for a run of bad bytes (UTF-8 text, say) */
	expect("name caf\xc3\xa9;\nok;", "ok;\n", "1:9: unexpected character '\\xC3'\n");
	expect("a\x01;", "", "1:2: unexpected character '\\x01'\n");
}

/* Only a file can hold a NUL byte; one inside quotes once cut the string
 * short without a word ("/etc/key\0.old" read as "/etc/key"). */
static void nul_bytes(void **state)
{
	static const char text[] = "a \"/etc/key\0.old\";\nb\0;\nc;\n";
	char path[] = "/tmp/test_cf_parse.XXXXXX";
	int fd = mkstemp(path);
	struct rc_diag d;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_file(path, &no_safe, &d);
	assert_non_null(t);
	char *got_dump = dump(t), *got_diag = diag_text(&d);
	assert_string_equal(got_dump, "c;\n");
	assert_string_equal(got_diag, "1:3: quoted string holds a NUL byte\n"
				      "2:2: unexpected character '\\x00'\n");
	free(got_dump);
	free(got_diag);
	cf_tree_free(t);
	rc_diag_free(&d);
	unlink(path);
}

static void unterminated_string(void **state)
{
	expect("a;\nb \"abc;\nc;\n", "a;\n", "2:3: unterminated quoted string (no closing '\"')\n");
}

static void brace_errors(void **state)
{
	/* the statement is kept as if the ';' were there */
	expect("remote a { x; }\nremote b { y; };", "remote a {\n\tx;\n};\nremote b {\n\ty;\n};\n",
	       "2:1: expected ';' after '}', found 'remote' (every closing brace needs a ';')\n");
	expect("remote a { x; }", "remote a {\n\tx;\n};\n",
	       "1:16: expected ';' after '}', found end of file (every closing brace needs a "
	       "';')\n");
	expect("remote a {\n  passive on\n};\nb;", "remote a {\n\tpassive on;\n};\nb;\n",
	       "3:1: missing ';' before '}'\n");
	/* one mistake right after another: each is reported */
	expect("a { b } c { d }\ne;", "a {\n\tb;\n};\nc {\n\td;\n};\ne;\n",
	       "1:7: missing ';' before '}'\n"
	       "1:9: expected ';' after '}', found 'c' (every closing brace needs a ';')\n"
	       "1:15: missing ';' before '}'\n"
	       "2:1: expected ';' after '}', found 'e' (every closing brace needs a ';')\n");
	expect("a b", "a b;\n", "1:4: missing ';' before end of file\n");
	expect("a;\n};\nb;", "a;\nb;\n", "2:1: unexpected '}' (no block is open here)\n");
	expect("a {\n b {\n c;\n", "",
	       "4:1: unexpected end of file: 2 blocks still open (the last opened at 2:4)\n");
	expect("a {", "",
	       "1:4: unexpected end of file: 1 block still open (the last opened at "
	       "1:3)\n");
}

static void every_error_reported(void **state)
{
	/* recovery at ';' and '}' finds each mistake with its position */
	expect("remote r {\n"
	       "  ikev2 {\n"
	       "    passive on\n"
	       "  };\n"
	       "  kink { x $y; z; };\n"
	       "};\n"
	       "selector s { a; }\n"
	       "policy p { b; };\n"
	       "sa x { c \"unterminated; };\n",
	       NULL,
	       "4:3: missing ';' before '}'\n"
	       "5:12: unexpected character '$' (${VAR} and $[VAR] only work inside double "
	       "quotes)\n"
	       "8:1: expected ';' after '}', found 'policy' (every closing brace needs a ';')\n"
	       "9:10: unterminated quoted string (no closing '\"')\n");
}

static void huge_tokens(void **state)
{
	size_t n = 70 * 1024;
	char *text = rc_xmalloc(n + 8);
	memset(text, 'w', n);
	strcpy(text + n, ";\nb;");
	expect(text, "b;\n", "1:1: word is too long (71680 bytes, the limit is 65536)\n");
	text[0] = '"';
	strcpy(text + n, "\";\nb;");
	expect(text, "b;\n", "1:1: quoted string is too long (71679 bytes, the limit is 65536)\n");
	free(text);
}

static void too_many_tokens(void **state)
{
	/* 500,001 statements of two tokens: over the limit of a million */
	size_t n = 500001;
	char *text = rc_xmalloc(2 * n + 1);
	struct rc_diag d;

	for (size_t i = 0; i < n; i++)
		memcpy(text + 2 * i, "a;", 2);
	text[2 * n] = '\0';
	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_string("t.conf", text, &no_safe, &d);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.v[0].msg, "configuration too large (more than 1000000 tokens)");
	assert_int_equal(d.v[0].loc.col, 1000001);
	assert_int_equal(t->top.nstmts, n - 1);
	cf_tree_free(t);
	rc_diag_free(&d);
	/* exactly at the limit is fine */
	text[2 * (n - 1)] = '\0';
	t = parse_ok(text);
	assert_int_equal(t->top.nstmts, n - 1);
	cf_tree_free(t);
	free(text);
}

static void deep_nesting(void **state)
{
	size_t n = 10000;
	char *text = rc_xmalloc(2 * n + 4);
	struct rc_diag d;

	memset(text, '{', n);
	text[n] = '\0';
	expect(text, "",
	       "1:65: blocks nested too deeply (more than 64 levels)\n"
	       "1:10001: unexpected end of file: 10000 blocks still open (the last opened at "
	       "1:10000)\n");
	/* balanced, but too deep: still an error, the rest of the file parses */
	memset(text + n, '}', n);
	strcpy(text + 2 * n, ";a;");
	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_string("t.conf", text, &no_safe, &d);
	assert_true(d.nerrors >= 1);
	assert_string_equal(d.v[0].msg, "blocks nested too deeply (more than 64 levels)");
	cf_tree_free(t);
	rc_diag_free(&d);
	/* 64 levels are fine */
	memset(text, '{', 64);
	for (int i = 0; i < 64; i++)
		memcpy(text + 64 + 2 * i, "};", 2);
	text[64 * 3] = '\0';
	t = parse_ok(text);
	cf_tree_free(t);
	free(text);
}

static void stray_closers(void **state)
{
	char *text = rc_xmalloc(20001);
	memset(text, '}', 20000);
	text[20000] = '\0';
	struct rc_diag d;
	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_string("t.conf", text, &no_safe, &d);
	assert_true(d.nerrors >= 1);
	assert_string_equal(d.v[0].msg, "unexpected '}' (no block is open here)");
	cf_tree_free(t);
	rc_diag_free(&d);
	free(text);
}

/* Random bytes and random token soup: errors are fine, crashes and hangs
 * are not (ASan/UBSan builds check the rest). */
static void garbage(void **state)
{
	static const char alphabet[] = "{};,-\"# \n\r\tab$[";
	uint32_t seed = 12345;
	char text[512];

	for (int round = 0; round < 2000; round++) {
		size_t n = 1 + round % (sizeof(text) - 1);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			unsigned char c = (unsigned char)(seed >> 16);
			text[i] = round % 2 ? alphabet[c % (sizeof(alphabet) - 1)] : (char)(c | 1);
		}
		text[n] = '\0';
		struct rc_diag d;
		rc_diag_init(&d);
		struct cf_tree *t = cf_parse_string("g.conf", text, &no_safe, &d);
		assert_non_null(t);
		char *out = dump(t);
		free(out);
		cf_tree_free(t);
		rc_diag_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(statements_and_blocks),
		cmocka_unit_test(tree_shape_and_locations),
		cmocka_unit_test(words_and_dashes),
		cmocka_unit_test(quoted_strings),
		cmocka_unit_test(comments_and_line_ends),
		cmocka_unit_test(script_semicolons),
		cmocka_unit_test(unquoted_dollar),
		cmocka_unit_test(bad_characters),
		cmocka_unit_test(nul_bytes),
		cmocka_unit_test(unterminated_string),
		cmocka_unit_test(brace_errors),
		cmocka_unit_test(every_error_reported),
		cmocka_unit_test(huge_tokens),
		cmocka_unit_test(too_many_tokens),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(stray_closers),
		cmocka_unit_test(garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
