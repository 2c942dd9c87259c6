/* ${VAR} / $[ENV] expansion (compat §1.3), with the original's endless
 * loop on self-reference turned into an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf_expand.h"
#include "util.h"

/* NAME, VALUE pairs, NULL-terminated */
static const char *lookup(const char *name, void *ctx)
{
	const char *const *table = ctx;

	for (size_t i = 0; table[i]; i += 2)
		if (strcmp(table[i], name) == 0)
			return table[i + 1];
	return NULL;
}

/* clang-format off */
static const char *vals[] = {
	"A", "alpha",
	"B", "[${A}]",
	"C", "${B}${B}",
	"HOME_DIR", "$[HOME]/x",
	"OPEN", "$[",
	"SELF", "x${SELF}",
	"P", "${Q}",
	"Q", "1${R}",
	"R", "${P}",
	"PING", "${PONG}",
	"PONG", "${PING}",
	"UNDEF_INSIDE", "${NOPE}",
	"BAD_INSIDE", "${A",
	"", "empty-name",
	NULL,
};

static const char *env[] = {
	"HOME", "/home/u",
	"E", "env",
	"E2", "<$[E]>",
	"LOOP", "$[LOOP]",
	"BRACES", "${A}",
	NULL,
};
/* clang-format on */

static const struct cf_expand_ctx ctx = {
	.setval = lookup,
	.setval_ctx = vals,
	.getenv_fn = lookup,
	.getenv_ctx = env,
	.what = "a test string",
};

static const struct rc_loc here = {"t.conf", 7, 3};

static void expands_to(const char *text, const char *want)
{
	struct rc_diag d;

	rc_diag_init(&d);
	char *got = cf_expand(text, &ctx, &here, &d);
	if (d.n)
		print_error("unexpected: %s\n", d.v[0].msg);
	assert_int_equal(d.nerrors, 0);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	rc_diag_free(&d);
}

static void fails_with(const struct cf_expand_ctx *c, const char *text, const char *want)
{
	struct rc_diag d;

	rc_diag_init(&d);
	char *got = cf_expand(text, c, &here, &d);
	assert_null(got);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.v[0].msg, want);
	assert_string_equal(d.v[0].loc.file, "t.conf");
	assert_int_equal(d.v[0].loc.line, 7);
	assert_int_equal(d.v[0].loc.col, 3);
	rc_diag_free(&d);
}

static void plain_and_simple(void **state)
{
	expands_to("", "");
	expands_to("no vars here", "no vars here");
	expands_to("$ $$ {x} is not $(this) $", "$ $$ {x} is not $(this) $");
}

static void literal_dollars(void **state)
{
	expands_to("cost: $5, $$", "cost: $5, $$");
	expands_to("$${A}", "$alpha");
}

static void setvals(void **state)
{
	expands_to("${A}", "alpha");
	expands_to("x${A}y${A}z", "xalphayalphaz");
	expands_to("${B}", "[alpha]");
	expands_to("${C}", "[alpha][alpha]");
	expands_to("${}", "empty-name");
}

static void environment(void **state)
{
	expands_to("$[HOME]/racoon2", "/home/u/racoon2");
	expands_to("$[E]$[E2]", "env<env>");
	/* environment values are not searched for ${...}: that pass is over */
	expands_to("$[BRACES]", "${A}");
}

static void order_setvals_then_environment(void **state)
{
	/* a setval value may use $[ENV] (compat §1.3) */
	expands_to("${HOME_DIR}", "/home/u/x");
	/* every ${} is replaced before any $[] is looked at */
	expands_to("${OPEN}E]", "env");
}

static void default_getenv(void **state)
{
	struct cf_expand_ctx c = {0};
	struct rc_diag d;

	setenv("RC_TEST_EXPAND", "from-env", 1);
	rc_diag_init(&d);
	char *got = cf_expand("<$[RC_TEST_EXPAND]>", &c, &here, &d);
	assert_string_equal(got, "<from-env>");
	free(got);
	got = cf_expand("plain", NULL, &here, &d);
	assert_string_equal(got, "plain");
	free(got);
	assert_int_equal(d.nerrors, 0);
	rc_diag_free(&d);
}

static void errors(void **state)
{
	fails_with(&ctx, "${ZZ", "unterminated ${ in '${ZZ'");
	fails_with(&ctx, "a$[ZZ", "unterminated $[ in 'a$[ZZ'");
	fails_with(&ctx, "$[UNSET]", "environment variable UNSET is not set (in '$[UNSET]')");
	fails_with(&ctx, "a${X}", "undefined variable ${X} in 'a${X}'");
	fails_with(&ctx, "${UNDEF_INSIDE}",
		   "undefined variable ${NOPE} in '${NOPE}' (the value of ${UNDEF_INSIDE})");
	fails_with(&ctx, "${BAD_INSIDE}", "unterminated ${ in '${A' (the value of ${BAD_INSIDE})");
}

static void no_setval_table(void **state)
{
	/* include paths are read before any setval exists */
	struct cf_expand_ctx c = {
		.getenv_fn = lookup, .getenv_ctx = env, .what = "an include path"};
	fails_with(&c, "${D}/x.conf",
		   "undefined variable ${D} in '${D}/x.conf' (setval values are not known yet "
		   "when an include path is read; use $[ENV] there)");
	struct rc_diag d;
	rc_diag_init(&d);
	char *got = cf_expand("$[E]/x.conf", &c, &here, &d);
	assert_string_equal(got, "env/x.conf");
	free(got);
	rc_diag_free(&d);
}

static void cycles(void **state)
{
	fails_with(&ctx, "${SELF}", "setval SELF refers to itself: SELF -> SELF");
	fails_with(&ctx, "${PING}", "setval PING refers to itself: PING -> PONG -> PING");
	fails_with(&ctx, "a ${PONG} b", "setval PONG refers to itself: PONG -> PING -> PONG");
	fails_with(&ctx, "${P}", "setval P refers to itself: P -> Q -> R -> P");
	fails_with(&ctx, "${Q}", "setval Q refers to itself: Q -> R -> P -> Q");
	fails_with(&ctx, "$[LOOP]", "environment variable LOOP refers to itself: LOOP -> LOOP");
}

/* Values must stay put while an expansion runs, so build them once. */
static char chain_values[40][32];

/* D0 = ${D1}${D1}, ..., D29 = "xxxxxxxx": 2^29 * 8 bytes if unchecked.
 * Z0 = ${Z1}${Z1}, ..., Z29 = "": 2^30 substitutions that add nothing.
 * L0 = ${L1}, ..., L39 = "end": a long chain without a cycle. */
static const char *generated(const char *name, void *unused)
{
	int i;

	if (sscanf(name, "Z%d", &i) == 1 && i >= 0 && i < 30) {
		if (i == 29)
			return "";
		snprintf(chain_values[i], sizeof(chain_values[i]), "${Z%d}${Z%d}", i + 1, i + 1);
		return chain_values[i];
	}

	if (sscanf(name, "D%d", &i) == 1 && i >= 0 && i < 30) {
		if (i == 29)
			return "xxxxxxxx";
		snprintf(chain_values[i], sizeof(chain_values[i]), "${D%d}${D%d}", i + 1, i + 1);
		return chain_values[i];
	}
	if (sscanf(name, "L%d", &i) == 1 && i >= 0 && i < 40) {
		if (i == 39)
			return "end";
		snprintf(chain_values[i], sizeof(chain_values[i]), "${L%d}", i + 1);
		return chain_values[i];
	}
	return NULL;
}

static void limits(void **state)
{
	struct cf_expand_ctx c = {.setval = generated};
	struct rc_diag d;

	fails_with(&c, "${D0}", "expansion of '${D0}' is too long (more than 65536 bytes)");
	fails_with(&c, "${L0}",
		   "variables in '${L0}' refer to each other more than 32 levels "
		   "deep");
	/* within both limits */
	rc_diag_init(&d);
	char *got = cf_expand("${D24}", &c, &here, &d);
	assert_int_equal(strlen(got), 32 * 8);
	free(got);
	got = cf_expand("${L10}", &c, &here, &d);
	assert_string_equal(got, "end");
	free(got);
	assert_int_equal(d.nerrors, 0);
	rc_diag_free(&d);
}

static void budget(void **state)
{
	struct cf_expand_ctx c = {.setval = generated};
	struct cf_expand_budget b;
	struct rc_diag d;
	char *got;

	/* empty values never reach the length limit; this once ran for hours */
	alarm(60);
	fails_with(&c, "${Z0}",
		   "too many variable substitutions (more than 65536) expanding '${Z0}'");
	alarm(0);

	/* in proportion to the configuration */
	cf_expand_budget_init(&b, 1000);
	assert_int_equal(b.substitutions, 65536 + 4 * 1000);

	/* a budget shared by the strings of one configuration: said once */
	cf_expand_budget_init(&b, 0);
	b.substitutions_left = 3;
	c.budget = &b;
	rc_diag_init(&d);
	got = cf_expand("${L37}", &c, &here, &d); /* L37, L38, L39 */
	assert_string_equal(got, "end");
	free(got);
	assert_null(cf_expand("${L39}", &c, &here, &d));
	assert_null(cf_expand("${L39}", &c, &here, &d));
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.v[0].msg,
			    "too many variable substitutions (more than 65536) expanding '${L39}'");
	rc_diag_free(&d);

	/* every byte written counts, in both passes, failed strings too */
	cf_expand_budget_init(&b, 0);
	b.bytes_left = 600;
	rc_diag_init(&d);
	got = cf_expand("${D24}", &c, &here, &d); /* 256 bytes, twice */
	assert_int_equal(strlen(got), 256);
	free(got);
	assert_int_equal(b.bytes_left, 600 - 2 * 256);
	assert_null(cf_expand("${D24}", &c, &here, &d));
	assert_null(cf_expand("x${A}", &c, &here, &d));
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.v[0].msg,
			    "variables expand to more than 64 MiB in all (at '${D24}')");
	rc_diag_free(&d);
}

static void has_vars(void **state)
{
	assert_true(cf_has_vars("a${b}"));
	assert_true(cf_has_vars("$[x"));
	assert_false(cf_has_vars("a$b $ {x} $(y)"));
	assert_false(cf_has_vars(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_simple),
		cmocka_unit_test(literal_dollars),
		cmocka_unit_test(setvals),
		cmocka_unit_test(environment),
		cmocka_unit_test(order_setvals_then_environment),
		cmocka_unit_test(default_getenv),
		cmocka_unit_test(errors),
		cmocka_unit_test(no_setval_table),
		cmocka_unit_test(cycles),
		cmocka_unit_test(limits),
		cmocka_unit_test(budget),
		cmocka_unit_test(has_vars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
