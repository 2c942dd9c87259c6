/* racoon2.conf includes (compat §1.4) and file reading: $[ENV] and glob
 * expansion, relative paths, depth limit, cycles, file safety, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cf_tree.h"
#include "util.h"

static char dir[64];

static const char *env_lookup(const char *name, void *ctx)
{
	return strcmp(name, "ENVDIR") == 0 ? dir : NULL;
}

static const struct cf_parse_opts opts = {
	.check_safe = true,
	.getenv_fn = env_lookup,
};

static char *path_of(const char *name)
{
	return rc_xasprintf("%s/%s", dir, name);
}

static void write_file(const char *name, const char *text, size_t len)
{
	char *path = path_of(name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(path);
}

static void put(const char *name, const char *text)
{
	write_file(name, text, strlen(text));
}

static void make_subdir(const char *name)
{
	char *path = path_of(name);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
}

static int make_dir(void **state)
{
	strcpy(dir, "/tmp/cf_include_XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int remove_dir(void **state)
{
	char *cmd = rc_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

struct result {
	char *dump;  /* NULL when no tree came back */
	char *diags; /* "FILE:LINE:COL: message\n" with FILE relative to dir */
	int nerrors;
};

static struct result run(const char *main_name, const struct cf_parse_opts *o)
{
	struct result r = {0};
	struct rc_diag d;
	char *path = path_of(main_name);
	size_t len = 0;

	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_file(path, o, &d);
	if (t) {
		FILE *f = open_memstream(&r.dump, &len);
		cf_tree_dump(t, f);
		fclose(f);
	}
	/* locations must stay valid after the tree is gone */
	cf_tree_free(t);
	FILE *f = open_memstream(&r.diags, &len);
	size_t skip = strlen(dir) + 1;
	for (size_t i = 0; i < d.n; i++) {
		const char *file = d.v[i].loc.file;
		if (strncmp(file, dir, skip - 1) == 0)
			file += skip;
		fprintf(f, "%s:%d:%d: %s\n", file, d.v[i].loc.line, d.v[i].loc.col, d.v[i].msg);
	}
	fclose(f);
	r.nerrors = d.nerrors;
	rc_diag_free(&d);
	free(path);
	return r;
}

/* The messages name files by full path; tests write DIR for the temp dir. */
static char *with_dir(const char *text)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, "DIR")); p += 3)
		n++;
	char *out = rc_xmalloc(strlen(text) + n * strlen(dir) + 1), *o = out;
	for (const char *p = text; *p;) {
		if (strncmp(p, "DIR", 3) == 0) {
			o = stpcpy(o, dir);
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static void expect(const char *main_name, const struct cf_parse_opts *o, const char *want_dump,
		   const char *want_diags)
{
	struct result r = run(main_name, o);
	char *diags = with_dir(want_diags);

	if (want_dump) {
		assert_non_null(r.dump);
		assert_string_equal(r.dump, want_dump);
	} else {
		assert_null(r.dump);
	}
	assert_string_equal(r.diags, diags);
	free(diags);
	free(r.dump);
	free(r.diags);
}

static void env_and_glob(void **state)
{
	make_subdir("g.d");
	put("g.d/20-b.conf", "b;\n");
	put("g.d/10-a.conf", "a { x; };\n");
	put("g.d/30-c.txt", "c;\n");
	put("env.conf", "first;\ninclude \"$[ENVDIR]/g.d/*.conf\";\nlast;\n");
	expect("env.conf", &opts, "first;\na {\n\tx;\n};\nb;\nlast;\n", "");
	/* ~ is the home directory */
	char *old_home = getenv("HOME") ? rc_xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", dir, 1);
	put("tilde.conf", "include \"~/g.d/2*\";\n");
	expect("tilde.conf", &opts, "b;\n", "");
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_home);
	/* a bare word path works too */
	put("bare.conf", "include g.d/20-b.conf;\n");
	expect("bare.conf", &opts, "b;\n", "");
}

static void locations_name_each_file(void **state)
{
	struct rc_diag d;

	put("loc-main.conf", "m;\ninclude \"loc-inc.conf\";\n");
	put("loc-inc.conf", "\n  inc_stmt;\n");
	char *path = path_of("loc-main.conf"), *inc = path_of("loc-inc.conf");
	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_file(path, &opts, &d);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(t->top.nstmts, 2);
	assert_string_equal(t->top.stmts[0].loc.file, path);
	assert_string_equal(t->top.stmts[1].loc.file, inc);
	assert_int_equal(t->top.stmts[1].loc.line, 2);
	assert_int_equal(t->top.stmts[1].loc.col, 3);
	assert_int_equal(t->nfiles, 2);
	assert_string_equal(t->files[0], path);
	assert_string_equal(t->files[1], inc);
	cf_tree_free(t);
	rc_diag_free(&d);
	free(path);
	free(inc);
}

static void relative_to_including_file(void **state)
{
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	make_subdir("rel");
	put("rel-main.conf", "include \"rel/one.conf\";\n");
	put("rel/one.conf", "one;\ninclude \"two.conf\";\n");
	put("rel/two.conf", "two;\n");
	put("two.conf", "wrong_two;\n");
	/* the daemon's cwd does not matter (kinkd reloads from /) */
	assert_int_equal(chdir("/"), 0);
	expect("rel-main.conf", &opts, "one;\ntwo;\n", "");
	/* from a string, relative paths use the cwd */
	assert_int_equal(chdir(dir), 0);
	struct rc_diag d;
	rc_diag_init(&d);
	struct cf_tree *t = cf_parse_string("s", "include \"two.conf\";", &opts, &d);
	assert_int_equal(d.nerrors, 0);
	assert_string_equal(t->top.stmts[0].items[0].text, "wrong_two");
	cf_tree_free(t);
	rc_diag_free(&d);
	assert_int_equal(chdir(cwd), 0);
}

static void setval_in_path(void **state)
{
	put("setval.conf", "include \"${D}/x.conf\";\n");
	expect("setval.conf", &opts, "",
	       "setval.conf:1:9: undefined variable ${D} in '${D}/x.conf' (setval values are "
	       "not known yet when an include path is read; use $[ENV] there)\n");
	put("unset.conf", "include \"$[NOT_SET_ANYWHERE]/x.conf\";\n");
	expect("unset.conf", &opts, "",
	       "unset.conf:1:9: environment variable NOT_SET_ANYWHERE is not set (in "
	       "'$[NOT_SET_ANYWHERE]/x.conf')\n");
}

static void no_matches(void **state)
{
	put("nomatch.conf", "a;\ninclude \"none*.conf\";\nb;\n");
	expect("nomatch.conf", &opts, "a;\nb;\n",
	       "nomatch.conf:2:9: glob found no matches for path (DIR/none*.conf)\n");
	put("missing.conf", "include \"/nonexistent/x.conf\";\n");
	expect("missing.conf", &opts, "",
	       "missing.conf:1:9: glob found no matches for path (/nonexistent/x.conf)\n");
}

static void depth_limit(void **state)
{
	char name[32], text[64];

	/* d0 includes d1 includes ... d11 */
	for (int i = 0; i <= 11; i++) {
		snprintf(name, sizeof(name), "d%d.conf", i);
		if (i < 11)
			snprintf(text, sizeof(text), "s%d;\ninclude \"d%d.conf\";\n", i, i + 1);
		else
			snprintf(text, sizeof(text), "s%d;\n", i);
		put(name, text);
	}
	/* ten levels of include are allowed, the eleventh is not */
	expect("d1.conf", &opts, "s1;\ns2;\ns3;\ns4;\ns5;\ns6;\ns7;\ns8;\ns9;\ns10;\ns11;\n", "");
	expect("d0.conf", &opts, "s0;\ns1;\ns2;\ns3;\ns4;\ns5;\ns6;\ns7;\ns8;\ns9;\ns10;\n",
	       "d10.conf:2:1: includes nested too deeply (more than 10 levels)\n");
	struct cf_parse_opts shallow = opts;
	shallow.max_include_depth = 2;
	expect("d0.conf", &shallow, "s0;\ns1;\ns2;\n",
	       "d2.conf:2:1: includes nested too deeply (more than 2 levels)\n");
}

static void cycles(void **state)
{
	put("self.conf", "a;\ninclude \"self.conf\";\n");
	expect("self.conf", &opts, "a;\n",
	       "self.conf:2:1: include cycle: DIR/self.conf -> DIR/self.conf\n");
	put("cyc-a.conf", "a;\ninclude \"cyc-b.conf\";\n");
	put("cyc-b.conf", "b;\ninclude \"cyc-*.conf\";\n");
	expect("cyc-a.conf", &opts, "a;\nb;\n",
	       "cyc-b.conf:2:1: include cycle: DIR/cyc-a.conf -> DIR/cyc-b.conf -> "
	       "DIR/cyc-a.conf\n"
	       "cyc-b.conf:2:1: include cycle: DIR/cyc-b.conf -> DIR/cyc-b.conf\n");
	/* including the same file twice, side by side, is not a cycle */
	put("twice.conf", "include \"two.conf\";\ninclude \"two.conf\";\n");
	put("two.conf", "t;\n");
	expect("twice.conf", &opts, "t;\nt;\n", "");
}

static void too_many_files(void **state)
{
	/* L0..L9 with three files each, each including all of the next
	 * level: 3 + 9 + ... + 3^10 files without the cap */
	char name[32], text[64];
	for (int level = 0; level < 10; level++) {
		snprintf(name, sizeof(name), "L%d", level);
		make_subdir(name);
		for (int i = 0; i < 3; i++) {
			snprintf(name, sizeof(name), "L%d/%c.conf", level, 'a' + i);
			snprintf(text, sizeof(text), "x;\ninclude \"../L%d/*.conf\";\n", level + 1);
			put(name, level < 9 ? text : "x;\n");
		}
	}
	put("many.conf", "include \"L0/*.conf\";\n");
	struct result r = run("many.conf", &opts);
	assert_int_equal(r.nerrors, 1);
	assert_non_null(strstr(r.diags, "too many included files (more than 1000)"));
	free(r.dump);
	free(r.diags);
}

static void only_at_top_level(void **state)
{
	put("nested.conf", "remote r {\n\tinclude \"two.conf\";\n\tok;\n};\n");
	expect("nested.conf", &opts, "remote r {\n\tok;\n};\n",
	       "nested.conf:2:2: include is only allowed at the top level\n");
	put("form.conf", "include a b;\ninclude;\ninclude { x; };\n\"include\" is_a_string;\n");
	expect("form.conf", &opts, "\"include\" is_a_string;\n",
	       "form.conf:1:1: include takes one path: include \"PATH\";\n"
	       "form.conf:2:1: include takes one path: include \"PATH\";\n"
	       "form.conf:3:1: include takes one path: include \"PATH\";\n");
}

/* The shape users copy from the sample set (compat §1.9), written here from
 * the grammar: a top file including the setvals and the defaults, then
 * sections of every kind.  All of it must parse with no error. */
static void sample_style_configuration(void **state)
{
	make_subdir("etc");
	put("etc/vals.conf", "setval {\n"
			     "\tPSKDIR\t\t\"/etc/racoon2/psk\";\n"
			     "\tMY_IPADDRESS\t\"192.0.2.1\";\n"
			     "\tCHILDUP_SCR\t\"/etc/racoon2/hook/child-up\";\n"
			     "};\n");
	put("etc/default.conf",
	    "default {\n"
	    "\tremote {\n"
	    "\t\tacceptable_kmp { ikev2; ikev1; };\n"
	    "\t\tikev2 {\n"
	    "\t\t\tlogmode normal;\n"
	    "\t\t\tkmp_sa_lifetime_time infinite;\n"
	    "\t\t\tkmp_enc_alg { aes128_cbc; 3des_cbc; };\n"
	    "\t\t\tkmp_dh_group { modp3072; modp2048; };\n"
	    "\t\t\tscript { child_up \"${CHILDUP_SCR}\"; };\n"
	    "\t\t};\n"
	    "\t};\n"
	    "\tpolicy { ipsec_mode transport; ipsec_level require; };\n"
	    "\tsa { esp_enc_alg { aes256_cbc; aes128_cbc; }; esp_auth_alg { hmac_sha1; }; };\n"
	    "};\n"
	    "ipsec ipsec_esp { ipsec_sa_lifetime_time 3600 sec; sa_index esp_01; };\n"
	    "sa esp_01 { sa_protocol esp; esp_enc_alg aes128_cbc; esp_auth_alg hmac_sha1; };\n");
	put("etc/racoon2.conf",
	    "# racoon2 configuration\r\n"
	    "include \"vals.conf\";\r\n"
	    "interface {\r\n"
	    "\tike { MY_IP port 500; };\r\n"
	    "\t#ike { MY_IP port 4500; };\r\n"
	    "\tspmd { unix \"/var/run/racoon2/spmif\"; };\r\n"
	    "\tspmd_password \"/etc/racoon2/spmd.pwd\";\r\n"
	    "};\r\n"
	    "resolver { resolver off; };\r\n"
	    "include \"default.conf\";\r\n"
	    "remote 192.0.2.67 {\r\n"
	    "\tacceptable_kmp { ikev1; };\r\n"
	    "\tikev1 {\r\n"
	    "\t\tpeers_ipaddr 192.0.2.67 port 500;\r\n"
	    "\t\tmy_id ipaddr \"${MY_IPADDRESS}\";\r\n"
	    "\t\tpeers_id ipaddr \"192.0.2.67\";\r\n"
	    "\t\tpre_shared_key \"${PSKDIR}/test.psk\";\r\n"
	    "\t\tscript phase1_up \"/etc/racoon2/hook/ph1-up\";;\r\n"
	    "\t};\r\n"
	    "\tselector_index sel_in;\r\n"
	    "};\r\n"
	    "selector sel_out { direction outbound; src 192.0.2.1/32; dst 192.0.2.67/32;\r\n"
	    "\tupper_layer_protocol \"udp\" 1701; policy_index pol; };\r\n"
	    "selector \"sel_in\" { direction inbound; src ::1/128 port any; dst IP_ANY;\r\n"
	    "\tpolicy_index pol; };\r\n"
	    "policy pol { action auto_ipsec; remote_index 192.0.2.67; ipsec_index { ipsec_esp; "
	    "}; };\r\n"
	    "addresspool pool4 { 10.0.0.1 - 10.0.0.9; };\r\n");
	struct result r = run("etc/racoon2.conf", &opts);
	assert_string_equal(r.diags, "");
	assert_non_null(strstr(r.dump, "setval {\n\tPSKDIR \"/etc/racoon2/psk\";\n"));
	assert_non_null(strstr(r.dump, "\t\tscript phase1_up \"/etc/racoon2/hook/ph1-up\";\n"));
	assert_non_null(strstr(r.dump, "addresspool pool4 {\n\t10.0.0.1 - 10.0.0.9;\n};\n"));
	assert_non_null(strstr(r.dump, "\t\t\tkmp_enc_alg {\n\t\t\t\taes128_cbc;\n"));
	struct rc_diag d;
	rc_diag_init(&d);
	char *path = path_of("etc/racoon2.conf");
	struct cf_tree *t = cf_parse_file(path, &opts, &d);
	/* setval, interface, resolver, default, ipsec, sa, remote, two
	 * selectors, policy, addresspool */
	assert_int_equal(t->top.nstmts, 11);
	assert_int_equal(t->nfiles, 3);
	cf_tree_free(t);
	rc_diag_free(&d);
	free(path);
	free(r.dump);
	free(r.diags);
}

static void errors_in_included_files(void **state)
{
	put("err-main.conf", "include \"err-inc.conf\";\nmain_ok;\n");
	put("err-inc.conf", "a {\n  b\n};\nc;\n");
	expect("err-main.conf", &opts, "a {\n\tb;\n};\nc;\nmain_ok;\n",
	       "err-inc.conf:3:1: missing ';' before '}'\n");
}

static void main_file_problems(void **state)
{
	expect("does-not-exist.conf", &opts, NULL,
	       "does-not-exist.conf:0:0: cannot read DIR/does-not-exist.conf: No such file "
	       "or directory\n");
	make_subdir("adir");
	expect("adir", &opts, NULL,
	       "adir:0:0: unsafe configuration file DIR/adir: not a regular "
	       "file\n");
	struct cf_parse_opts unsafe = opts;
	unsafe.check_safe = false;
	expect("adir", &unsafe, NULL, "adir:0:0: cannot read DIR/adir: Is a directory\n");
	/* a glob that matches a directory: the safety check names it */
	put("incdir.conf", "include \"adir\";\n");
	expect("incdir.conf", &opts, "",
	       "incdir.conf:1:1: unsafe include file DIR/adir: not a regular file\n");
}

static void file_contents(void **state)
{
	write_file("crlf.conf", "a {\r\n\tb;\r\n};\r\n$\r\n", 16);
	expect("crlf.conf", &opts, "a {\n\tb;\n};\n",
	       "crlf.conf:4:1: unexpected character '$' (${VAR} and $[VAR] only work inside "
	       "double quotes)\n");
	write_file("nul.conf", "a\0b;\nc;\n", 8);
	expect("nul.conf", &opts, "c;\n", "nul.conf:1:2: unexpected character '\\x00'\n");
	/* too large: 16 MiB is the limit */
	char *big = path_of("big.conf");
	FILE *f = fopen(big, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 16 * 1024 * 1024 + 1), 0);
	fclose(f);
	free(big);
	expect("big.conf", &opts, NULL,
	       "big.conf:0:0: cannot read DIR/big.conf: file is too large (more than 16 MiB)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_and_glob),
		cmocka_unit_test(locations_name_each_file),
		cmocka_unit_test(relative_to_including_file),
		cmocka_unit_test(setval_in_path),
		cmocka_unit_test(no_matches),
		cmocka_unit_test(depth_limit),
		cmocka_unit_test(cycles),
		cmocka_unit_test(too_many_files),
		cmocka_unit_test(only_at_top_level),
		cmocka_unit_test(sample_style_configuration),
		cmocka_unit_test(errors_in_included_files),
		cmocka_unit_test(main_file_problems),
		cmocka_unit_test(file_contents),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
