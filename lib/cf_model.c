/* The semantic pass: syntax tree (cf_tree.h) -> typed model (rcf_model.h).
 *
 * Walks every statement against the directive tables of cf_schema.c, parses
 * the values by their form, expands variables with the whole setval table
 * (so use before definition works), applies default inheritance, resolves
 * the indexes and reports every problem with its position.  Nothing here
 * exits: all errors are diag entries. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cf_expand.h"
#include "cf_model.h"
#include "cf_schema.h"
#include "cf_tree.h"
#include "rcf_model.h"
#include "util.h"

/* ---- memory: everything in the model lives in one arena ---- */
struct arena_blk {
	struct arena_blk *next;
	max_align_t data[];
};

static void *ar_alloc(struct rcf_config *cfg, size_t n)
{
	struct arena_blk *blk = rc_xcalloc(1, sizeof(*blk) + (n ? n : 1));
	blk->next = cfg->arena;
	cfg->arena = blk;
	return blk->data;
}

static void *ar_array(struct rcf_config *cfg, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		abort();
	return ar_alloc(cfg, n * size);
}

static char *ar_strdup(struct rcf_config *cfg, const char *s)
{
	size_t l = strlen(s);
	char *p = ar_alloc(cfg, l + 1);
	memcpy(p, s, l + 1);
	return p;
}

/* ---- the builder ---- */
struct builder {
	struct rcf_config *cfg;
	struct rc_diag *diag;
	struct cf_expand_budget expand_budget; /* for the whole configuration */
	size_t setval_cap;
	struct rc_loc setval_loc, default_loc, interface_loc, resolver_loc;
	bool seen_setval, seen_default, seen_interface, seen_resolver;
	bool seen_dpolicy, seen_dipsec, seen_dsa;
	struct rc_loc dpolicy_loc, dipsec_loc, dsa_loc, dremote_loc;
};

#define ERR(b, l, ...) rc_diag_error((b)->diag, l, __VA_ARGS__)
#define WARN(b, l, ...) rc_diag_warn((b)->diag, l, __VA_ARGS__)

static const char *where(const struct rc_loc *l, char *buf, size_t len)
{
	if (l->file)
		return rc_loc_str(l, buf, len);
	snprintf(buf, len, "%d:%d", l->line, l->col);
	return buf;
}

static void push(void ***v, size_t *n, void *item)
{
	*v = rc_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = item;
}

/* A token as messages quote it: 'word', "string", ',' or '-'.  A few
 * rotating buffers, so one message can quote two tokens. */
static const char *tok(const struct cf_item *it)
{
	static char bufs[4][80];
	static unsigned next;
	char *buf = bufs[next++ % 4];
	const char *text = it->kind == CF_COMMA ? "," : it->kind == CF_DASH ? "-" : it->text;
	char q = it->kind == CF_QSTR ? '"' : '\'';
	size_t l = strlen(text);

	if (l > 60)
		snprintf(buf, sizeof(bufs[0]), "%c%.57s...%c", q, text, q);
	else
		snprintf(buf, sizeof(bufs[0]), "%c%s%c", q, text, q);
	return buf;
}

static bool is_word(const struct cf_item *it, const char *w)
{
	return it->kind == CF_WORD && strcmp(it->text, w) == 0;
}

static bool is_text(const struct cf_item *it)
{
	return it->kind == CF_WORD || it->kind == CF_QSTR;
}

/* ---- variables ---- */
static const char *setval_lookup(const char *name, void *ctx)
{
	const struct rcf_config *cfg = ctx;
	return rcf_setval_get(cfg, name);
}

static const char *expand(struct builder *b, const char *text, const struct rc_loc *loc)
{
	if (!cf_has_vars(text))
		return ar_strdup(b->cfg, text);
	struct cf_expand_ctx ec = {
		.setval = setval_lookup,
		.setval_ctx = b->cfg,
		.what = "value",
		.budget = &b->expand_budget,
	};
	char *r = cf_expand(text, &ec, loc, b->diag);
	if (!r)
		return NULL;
	const char *a = ar_strdup(b->cfg, r);
	free(r);
	return a;
}

/* A string value (name, path, address...).  An unquoted reserved word is
 * never a string in racoon2; say how to write it. */
static const char *take_string(struct builder *b, const struct cf_item *it, const char *what)
{
	struct rc_loc l = it->loc;
	if (!is_text(it)) {
		ERR(b, &l, "expected %s, found %s", what, tok(it));
		return NULL;
	}
	if (it->kind == CF_WORD && cf_is_keyword(it->text)) {
		ERR(b, &l, "'%s' is a reserved word; write \"%s\" to use it as a name", it->text,
		    it->text);
		return NULL;
	}
	return expand(b, it->text, &it->loc);
}

/* ---- numbers, times, bytes ---- */
struct unit {
	const char *name;
	long long mul;
};
/* clang-format off */
static const struct unit time_units[] = {
	{ "sec", 1 }, { "secs", 1 }, { "second", 1 }, { "seconds", 1 },
	{ "min", 60 }, { "mins", 60 }, { "minute", 60 }, { "minutes", 60 },
	{ "hour", 3600 }, { "hours", 3600 }, { "day", 86400 }, { "days", 86400 },
	{ NULL, 0 },
};
static const struct unit byte_units[] = {
	{ "B", 1 }, { "byte", 1 }, { "bytes", 1 }, { "KB", 1024 },
	{ "MB", 1024 * 1024 }, { "GB", 1024LL * 1024 * 1024 }, { NULL, 0 },
};
/* clang-format on */

static long long unit_mul(const struct unit *u, const char *name)
{
	for (; u->name; u++)
		if (strcmp(u->name, name) == 0)
			return u->mul;
	return 0;
}

static bool num_text(struct builder *b, const struct cf_item *it, long long *out)
{
	struct rc_loc l = it->loc;
	if (!is_text(it)) {
		ERR(b, &l, "expected a number, found %s", tok(it));
		return false;
	}
	const char *s = it->text, *digits = s + (*s == '-');
	int base = (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) ? 16 : 10;
	char *end;
	errno = 0;
	long long v = *s ? strtoll(s, &end, base) : 0;
	if (!*s || end == s || *end) {
		const char *suffix = *s ? end : s;
		if (*s && end != s &&
		    (unit_mul(time_units, suffix) || unit_mul(byte_units, suffix)))
			ERR(b, &l,
			    "'%s' is not a number (write the unit as a separate word: %.*s %s)", s,
			    (int)(suffix - s), s, suffix);
		else
			ERR(b, &l, "'%s' is not a number", s);
		return false;
	}
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
		ERR(b, &l, "number '%s' is out of range (it must fit in an int)", s);
		return false;
	}
	*out = v;
	return true;
}

/* number [unit] | infinite */
static bool scaled(struct builder *b, const struct cf_item *it, size_t n, const struct unit *units,
		   const char *form, long long *out)
{
	if (n == 1 && is_word(&it[0], "infinite")) {
		*out = 0;
		return true;
	}
	if (!num_text(b, &it[0], out))
		return false;
	if (n < 2)
		return true;
	struct rc_loc l = it[1].loc;
	long long mul = it[1].kind == CF_WORD ? unit_mul(units, it[1].text) : 0;
	if (!mul) {
		ERR(b, &l, "%s is not a %s unit", tok(&it[1]), form);
		return false;
	}
	if (n > 2) {
		struct rc_loc l2 = it[2].loc;
		ERR(b, &l2, "unexpected %s after the %s value", tok(&it[2]), form);
		return false;
	}
	long long v = *out * mul;
	if (v < INT_MIN || v > INT_MAX) {
		ERR(b, &l, "%s value %lld %s is too large", form, *out, it[1].text);
		return false;
	}
	*out = v;
	return true;
}

static bool bool_word(const char *w, long long *out)
{
	static const char *const on[] = {"on", "enable", "yes"};
	static const char *const off[] = {"off", "disable", "no"};
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(w, on[i]) == 0)
			return *out = 1, true;
		if (strcmp(w, off[i]) == 0)
			return *out = 0, true;
	}
	return false;
}

/* ---- addresses (compat §1.5) ---- */
static const struct {
	const char *name;
	enum rcf_macro m;
} macros[] = {
	{"MY_IP", RCF_MY_IP},
	{"MY_IPV4", RCF_MY_IPV4},
	{"MY_IPV6", RCF_MY_IPV6},
	{"MY_IPV6_GLOBAL", RCF_MY_IPV6_GLOBAL},
	{"MY_IPV6_LINKLOCAL", RCF_MY_IPV6_LINKLOCAL},
	{"MY_HOA", RCF_MY_HOA},
	{"IP_ANY", RCF_IP_ANY},
	{"IP_RW", RCF_IP_RW},
	{"IP_UNSPECIFIED", RCF_IP_UNSPECIFIED},
};

enum rcf_macro rcf_macro_parse(const char *text, const char **ifname)
{
	const char *pct = strchr(text, '%');
	size_t l = pct ? (size_t)(pct - text) : strlen(text);
	for (size_t i = 0; i < RC_ARRAY_SIZE(macros); i++)
		if (strlen(macros[i].name) == l && strncmp(text, macros[i].name, l) == 0) {
			if (ifname)
				*ifname = pct ? pct + 1 : NULL;
			return macros[i].m;
		}
	return RCF_MACRO_NONE;
}

static bool looks_numeric(const char *s)
{
	char buf[RC_ADDR_STRLEN];
	size_t l = strcspn(s, "/");
	if (l >= sizeof(buf))
		return false;
	memcpy(buf, s, l);
	buf[l] = '\0';
	if (strchr(buf, ':'))
		return true; /* only IPv6 has ':' among our word characters */
	return rc_addr_is_numeric(buf) || (l > 0 && strspn(buf, "0123456789.") == l);
}

static bool classify_addr(struct builder *b, const char *text, const struct rc_loc *loc,
			  struct rcf_addrspec *a)
{
	const char *ifname = NULL;
	a->text = text;
	a->macro = rcf_macro_parse(text, &ifname);
	if (a->macro != RCF_MACRO_NONE) {
		a->kind = RCF_ADDR_MACRO;
		a->ifname = ifname && *ifname ? ifname : NULL;
		if (ifname && !*ifname) {
			ERR(b, loc, "'%s': missing interface name after '%%'", text);
			return false;
		}
		return true;
	}
	char err[128] = "";
	if (rc_addr_parse(text, &a->addr, err, sizeof(err)) == 0) {
		a->kind = RCF_ADDR_NUMERIC;
		return true;
	}
	if (looks_numeric(text)) {
		ERR(b, loc, "'%s' is not a valid address: %s", text, err);
		return false;
	}
	a->kind = RCF_ADDR_FQDN;
	return true;
}

/* addrspec = str [port str] | unix str */
static bool addr_entry(struct builder *b, const struct cf_directive *d, const struct cf_item *it,
		       size_t n, struct rcf_addrspec *a)
{
	struct rc_loc l = it[0].loc;
	a->loc = l;
	if (is_word(&it[0], "unix")) {
		if (!(d->flags & CF_D_UNIX)) {
			ERR(b, &l, "'unix' addresses are only valid in interface { spmd ... }");
			return false;
		}
		if (n != 2) {
			ERR(b, &l, "'unix' needs exactly one path");
			return false;
		}
		a->kind = RCF_ADDR_UNIX;
		return (a->text = take_string(b, &it[1], "a socket path")) != NULL;
	}
	const char *text = take_string(b, &it[0], "an address");
	if (!text || !classify_addr(b, text, &l, a))
		return false;
	if (n == 1)
		return true;
	struct rc_loc l1 = it[1].loc;
	if (!is_word(&it[1], "port") || !(d->flags & CF_D_ADDRPORT)) {
		ERR(b, &l1, "unexpected %s after the address%s", tok(&it[1]),
		    (d->flags & CF_D_ADDRPORT) ? " (expected 'port')" : "");
		return false;
	}
	if (n != 3) {
		ERR(b, &l1, "'port' needs exactly one value");
		return false;
	}
	const char *ptext = take_string(b, &it[2], "a port");
	struct rc_loc l2 = it[2].loc;
	if (!ptext)
		return false;
	if (rc_port_parse(ptext, &a->port) != 0) {
		ERR(b, &l2, "'%s' is not a port (any, a number 0-65535 or a service name)", ptext);
		return false;
	}
	a->port_set = true;
	a->addr.port = a->port;
	return true;
}

/* ---- algorithms ---- */
static const char *class_name(unsigned cls)
{
	switch (cls) {
	case RCF_ALGC_ENC:
		return "an encryption algorithm";
	case RCF_ALGC_HASH:
		return "a hash/integrity algorithm";
	case RCF_ALGC_AUTHM:
		return "an authentication method (psk, rsasig, dss, ...)";
	case RCF_ALGC_DH:
		return "a DH group";
	default:
		return "an IPComp algorithm (oui, deflate, lzs)";
	}
}

/* alg [, keylen [, key]] | alg , , key */
static bool alg_entry(struct builder *b, const struct cf_directive *d, enum cf_ctx ctx,
		      const struct cf_item *it, size_t n, struct rcf_alg *a)
{
	struct rc_loc l = it[0].loc;
	a->loc = l;
	if (it[0].kind != CF_WORD) {
		ERR(b, &l, "expected %s, found %s", class_name(d->alg_class), tok(&it[0]));
		return false;
	}
	const char *name = it[0].text;
	if (ctx == CF_CTX_IKEV2 &&
	    (strcmp(d->name, "kmp_hash_alg") == 0 || strcmp(d->name, "kmp_prf_alg") == 0) &&
	    strncmp(name, "sha2_", 5) == 0 && rcf_alg_lookup(name)) {
		char *real = rc_xasprintf("hmac_%s", name);
		WARN(b, &l, "'%s' is the documentation's spelling; IKEv2 calls it '%s'", name,
		     real);
		a->info = rcf_alg_lookup(real);
		free(real);
	} else {
		a->info = rcf_alg_lookup(name);
	}
	if (!a->info || !(a->info->cls & d->alg_class)) {
		ERR(b, &l, "'%s' is not %s", name, class_name(d->alg_class));
		return false;
	}
	if (n == 1)
		return true;
	size_t i = 1;
	if (it[i].kind != CF_COMMA) {
		struct rc_loc li = it[i].loc;
		ERR(b, &li, "unexpected %s after algorithm '%s' (expected ',')", tok(&it[i]), name);
		return false;
	}
	i++;
	if (i < n && it[i].kind == CF_COMMA) {
		a->keylen = -1;
		i++;
	} else {
		size_t j = i;
		while (j < n && it[j].kind != CF_COMMA)
			j++;
		long long v;
		if (j == i) {
			ERR(b, &l, "missing key length after ','");
			return false;
		}
		if (!scaled(b, &it[i], j - i, byte_units, "byte", &v))
			return false;
		if (v <= 0) {
			struct rc_loc li = it[i].loc;
			ERR(b, &li, "key length must be positive");
			return false;
		}
		a->keylen = (int)v;
		i = j;
		if (i == n)
			return true;
		i++; /* the comma */
	}
	if (i >= n) {
		ERR(b, &l, "missing key after ','");
		return false;
	}
	if (i + 1 < n) {
		struct rc_loc li = it[i + 1].loc;
		ERR(b, &li, "unexpected %s after the key", tok(&it[i + 1]));
		return false;
	}
	return (a->key = take_string(b, &it[i], "a key")) != NULL;
}

static bool dh_entry(struct builder *b, const struct cf_directive *d, enum cf_ctx ctx,
		     const struct cf_item *it, size_t n, struct rcf_alg *a, int *numeric)
{
	bool is_num = it[0].kind == CF_WORD &&
		      (it[0].text[0] == '-' || (it[0].text[0] >= '0' && it[0].text[0] <= '9'));
	struct rc_loc l = it[0].loc;
	if (*numeric >= 0 && *numeric != is_num) {
		ERR(b, &l, "DH group names and numbers cannot be mixed in one list");
		return false;
	}
	*numeric = is_num;
	if (!is_num)
		return alg_entry(b, d, ctx, it, n, a);
	long long v;
	a->loc = l;
	if (!num_text(b, &it[0], &v))
		return false;
	if (n > 1) {
		struct rc_loc l1 = it[1].loc;
		ERR(b, &l1, "unexpected %s after DH group number", tok(&it[1]));
		return false;
	}
	if (v > 0 && v < 100)
		a->info = rcf_alg_by_dh_group((int)v);
	if (!a->info) {
		ERR(b, &l, "illegal DH group number %lld", v);
		return false;
	}
	return true;
}

/* ---- identities ---- */
static bool id_entry(struct builder *b, const struct cf_item *it, size_t n, struct rcf_id *id)
{
	static const char *const types[] = {"ipaddr", "email", "fqdn", "keyid", "x509_subject"};
	struct rc_loc l = it[0].loc;
	id->loc = l;
	size_t t;
	for (t = 0; t < RC_ARRAY_SIZE(types); t++)
		if (is_word(&it[0], types[t]))
			break;
	if (t == RC_ARRAY_SIZE(types)) {
		ERR(b, &l, "%s is not an ID type (ipaddr, email, fqdn, keyid, x509_subject)",
		    tok(&it[0]));
		return false;
	}
	id->type = (enum rcf_id_type)t;
	size_t i = 1;
	if (i < n && (is_word(&it[i], "file") || is_word(&it[i], "tag"))) {
		id->qual = is_word(&it[i], "file") ? RCF_IDQ_FILE : RCF_IDQ_TAG;
		if (id->type != RCF_ID_KEYID) {
			struct rc_loc li = it[i].loc;
			WARN(b, &li, "'%s' qualifier ignored: it only applies to keyid",
			     it[i].text);
			id->qual = RCF_IDQ_NONE;
		}
		i++;
	}
	if (i >= n) {
		ERR(b, &l, "missing ID value after '%s'", it[0].text);
		return false;
	}
	if (i + 1 < n) {
		struct rc_loc li = it[i + 1].loc;
		ERR(b, &li, "unexpected %s after the ID value", tok(&it[i + 1]));
		return false;
	}
	return (id->value = take_string(b, &it[i], "an ID value")) != NULL;
}

/* ---- list forms: one entry in the items, or `{ entry; entry; }` ---- */
struct list_entry {
	const struct cf_item *it;
	size_t n;
};

/* Collects the entries of a list directive; false after an error. */
static bool list_entries(struct builder *b, const struct cf_stmt *st, struct list_entry **out,
			 size_t *nout)
{
	struct rc_loc l = st->items[0].loc;
	*out = NULL;
	*nout = 0;
	if (st->block && st->nitems > 1) {
		struct rc_loc l1 = st->items[1].loc;
		ERR(b, &l1, "'%s' takes either a value or a { list }, not both", st->items[0].text);
		return false;
	}
	if (!st->block) {
		if (st->nitems < 2) {
			ERR(b, &l, "missing value for '%s'", st->items[0].text);
			return false;
		}
		*out = rc_xcalloc(1, sizeof(**out));
		(*out)[0].it = st->items + 1;
		(*out)[0].n = st->nitems - 1;
		*nout = 1;
		return true;
	}
	if (st->block->nstmts == 0) {
		ERR(b, &l, "empty list for '%s'", st->items[0].text);
		return false;
	}
	*out = rc_xcalloc(st->block->nstmts, sizeof(**out));
	for (size_t i = 0; i < st->block->nstmts; i++) {
		const struct cf_stmt *e = &st->block->stmts[i];
		if (e->block || e->nitems == 0) {
			struct rc_loc le = e->loc;
			ERR(b, &le, "unexpected block inside the list of '%s'", st->items[0].text);
			free(*out);
			*out = NULL;
			return false;
		}
		(*out)[i].it = e->items;
		(*out)[i].n = e->nitems;
	}
	*nout = st->block->nstmts;
	return true;
}

/* ---- the per-form value parsers ---- */
static bool need_items(struct builder *b, const struct cf_stmt *st, size_t min, size_t max,
		       const char *expect)
{
	struct rc_loc l = st->items[0].loc;
	const char *name = st->items[0].text;
	if (st->block) {
		struct rc_loc lb = st->block->open_loc;
		ERR(b, &lb, "'%s' does not take a block (expected %s)", name, expect);
		return false;
	}
	if (st->nitems - 1 < min) {
		ERR(b, &l, "missing value for '%s' (expected %s)", name, expect);
		return false;
	}
	if (st->nitems - 1 > max) {
		struct rc_loc lx = st->items[max + 1].loc;
		ERR(b, &lx, "unexpected %s after the value of '%s' (expected %s)",
		    tok(&st->items[max + 1]), name, expect);
		return false;
	}
	return true;
}

static char *words_list(const char *const *w)
{
	char *s = rc_xstrdup("");
	for (size_t i = 0; w[i]; i++) {
		char *n = rc_xasprintf("%s%s%s", s, i ? ", " : "", w[i]);
		free(s);
		s = n;
	}
	return s;
}

static bool parse_int_form(struct builder *b, const struct cf_directive *d,
			   const struct cf_stmt *st, struct rcf_int *f)
{
	const struct cf_item *v = st->items + 1;
	size_t n = st->nitems - 1;
	switch (d->form) {
	case CF_F_NUM:
		return need_items(b, st, 1, 1, "a number") && num_text(b, v, &f->v);
	case CF_F_TIME:
		return need_items(b, st, 1, 2, "a time, e.g. 30 sec") &&
		       scaled(b, v, n, time_units, "time", &f->v);
	case CF_F_BYTES:
		return need_items(b, st, 1, 2, "a byte count, e.g. 16 or 1 KB") &&
		       scaled(b, v, n, byte_units, "byte", &f->v);
	case CF_F_BOOL:
		if (!need_items(b, st, 1, 1, "on or off"))
			return false;
		if (v->kind == CF_WORD && bool_word(v->text, &f->v))
			return true;
		{
			struct rc_loc l = v->loc;
			ERR(b, &l, "%s is not a boolean for '%s' (expected on or off)", tok(v),
			    d->name);
		}
		return false;
	default: { /* CF_F_ENUM */
		char *expect = words_list(d->words);
		bool ok = need_items(b, st, 1, 1, expect);
		if (ok) {
			size_t i;
			for (i = 0; d->words[i]; i++)
				if (is_word(v, d->words[i]))
					break;
			if (d->words[i]) {
				f->v = d->values[i];
			} else {
				struct rc_loc l = v->loc;
				ERR(b, &l, "%s is not valid for '%s' (expected one of: %s)", tok(v),
				    d->name, expect);
				ok = false;
			}
		}
		free(expect);
		return ok;
	}
	}
}

static bool parse_strlist(struct builder *b, const struct cf_stmt *st, struct rcf_strlist *f,
			  const char *what)
{
	struct list_entry *e;
	size_t n;
	bool ok = true;
	if (!list_entries(b, st, &e, &n))
		return false;
	f->n = n;
	f->v = ar_array(b->cfg, n, sizeof(*f->v));
	f->locs = ar_array(b->cfg, n, sizeof(*f->locs));
	for (size_t i = 0; i < n; i++) {
		f->locs[i] = e[i].it[0].loc;
		if (e[i].n != 1) {
			struct rc_loc l = e[i].it[1].loc;
			ERR(b, &l, "unexpected %s: one %s per entry", tok(&e[i].it[1]), what);
			ok = false;
		} else if (!(f->v[i] = take_string(b, &e[i].it[0], what))) {
			ok = false;
		}
	}
	free(e);
	return ok;
}

static bool parse_addrlist(struct builder *b, const struct cf_directive *d,
			   const struct cf_stmt *st, struct rcf_addrlist *f)
{
	struct list_entry *e;
	size_t n;
	bool ok = true;
	if (d->form == CF_F_ADDR1) {
		if (!need_items(b, st, 1, 1, "one address"))
			return false;
		f->n = 1;
		f->v = ar_array(b->cfg, 1, sizeof(*f->v));
		return addr_entry(b, d, st->items + 1, 1, f->v);
	}
	if (!list_entries(b, st, &e, &n))
		return false;
	f->n = n;
	f->v = ar_array(b->cfg, n, sizeof(*f->v));
	for (size_t i = 0; i < n; i++)
		ok = addr_entry(b, d, e[i].it, e[i].n, &f->v[i]) && ok;
	free(e);
	return ok;
}

static bool parse_alglist(struct builder *b, const struct cf_directive *d, enum cf_ctx ctx,
			  const struct cf_stmt *st, struct rcf_alglist *f)
{
	struct list_entry *e;
	size_t n;
	bool ok = true;
	int numeric = -1;
	if (!list_entries(b, st, &e, &n))
		return false;
	f->n = n;
	f->v = ar_array(b->cfg, n, sizeof(*f->v));
	for (size_t i = 0; i < n; i++) {
		if (d->form == CF_F_DHLIST)
			ok = dh_entry(b, d, ctx, e[i].it, e[i].n, &f->v[i], &numeric) && ok;
		else
			ok = alg_entry(b, d, ctx, e[i].it, e[i].n, &f->v[i]) && ok;
	}
	free(e);
	return ok;
}

static bool parse_idlist(struct builder *b, const struct cf_stmt *st, struct rcf_idlist *f)
{
	struct list_entry *e;
	size_t n;
	bool ok = true;
	if (!list_entries(b, st, &e, &n))
		return false;
	f->n = n;
	f->v = ar_array(b->cfg, n, sizeof(*f->v));
	for (size_t i = 0; i < n; i++)
		ok = id_entry(b, e[i].it, e[i].n, &f->v[i]) && ok;
	free(e);
	return ok;
}

static bool parse_kmplist(struct builder *b, const struct cf_stmt *st, struct rcf_intlist *f)
{
	static const char *const kmps[] = {"ikev1", "ikev2", "kink"};
	struct list_entry *e;
	size_t n;
	bool ok = true;
	if (!list_entries(b, st, &e, &n))
		return false;
	f->n = n;
	f->v = ar_array(b->cfg, n, sizeof(*f->v));
	for (size_t i = 0; i < n; i++) {
		struct rc_loc l = e[i].it[0].loc;
		size_t k;
		for (k = 0; k < 3; k++)
			if (is_word(&e[i].it[0], kmps[k]))
				break;
		if (k == 3 || e[i].n != 1) {
			ERR(b, &l, "%s is not a key management protocol (ikev1, ikev2, kink)",
			    tok(&e[i].it[e[i].n != 1 && k < 3 ? 1 : 0]));
			ok = false;
			continue;
		}
		f->v[i] = (int)k;
	}
	free(e);
	return ok;
}

static bool parse_pubkey(struct builder *b, const struct cf_directive *d, const struct cf_stmt *st,
			 struct rcf_pubkey *f)
{
	static const char *const types[] = {"x509pem", "pkcs12", "ascii"};
	const char *expect = "x509pem|pkcs12|ascii \"CERT\" \"FILE\"";
	if (!need_items(b, st, (d->flags & CF_D_OPTVAL) ? 2 : 3, 3, expect))
		return false;
	const struct cf_item *v = st->items + 1;
	size_t t;
	for (t = 0; t < 3; t++)
		if (is_word(v, types[t]))
			break;
	if (t == 3) {
		struct rc_loc l = v->loc;
		ERR(b, &l, "%s is not a public key type (x509pem, pkcs12, ascii)", tok(v));
		return false;
	}
	f->type = (enum rcf_pktype)t;
	if (!(f->cert = take_string(b, &v[1], "a certificate file name")))
		return false;
	if (st->nitems == 4 && !(f->priv = take_string(b, &v[2], "a file name")))
		return false;
	return true;
}

static const struct {
	const char *word;
	enum rcf_script_event ev;
} script_events[] = {
	{"phase1_up", RCF_SCR_PHASE1_UP},	{"ike_sa_up", RCF_SCR_PHASE1_UP},
	{"phase1_down", RCF_SCR_PHASE1_DOWN},	{"ike_sa_down", RCF_SCR_PHASE1_DOWN},
	{"phase1_rekey", RCF_SCR_PHASE1_REKEY}, {"ike_sa_rekey", RCF_SCR_PHASE1_REKEY},
	{"phase2_up", RCF_SCR_PHASE2_UP},	{"child_up", RCF_SCR_PHASE2_UP},
	{"phase2_down", RCF_SCR_PHASE2_DOWN},	{"child_down", RCF_SCR_PHASE2_DOWN},
	{"phase2_rekey", RCF_SCR_PHASE2_REKEY}, {"child_rekey", RCF_SCR_PHASE2_REKEY},
	{"migration", RCF_SCR_MIGRATION},
};

const char *rcf_script_event_name(enum rcf_script_event ev)
{
	static const char *const names[RCF_SCR_COUNT] = {
		"phase1_up",   "phase1_down",  "phase1_rekey", "phase2_up",
		"phase2_down", "phase2_rekey", "migration",
	};
	return (unsigned)ev < RCF_SCR_COUNT ? names[ev] : "?";
}

static bool parse_script(struct builder *b, const struct cf_stmt *st, struct rcf_str *slots,
			 bool first_wins)
{
	struct list_entry *e;
	size_t n;
	bool ok = true;
	if (!list_entries(b, st, &e, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		struct rc_loc l = e[i].it[0].loc;
		size_t k;
		for (k = 0; k < RC_ARRAY_SIZE(script_events); k++)
			if (is_word(&e[i].it[0], script_events[k].word))
				break;
		if (k == RC_ARRAY_SIZE(script_events)) {
			ERR(b, &l, "%s is not a script event (phase1_up, child_up, ...)",
			    tok(&e[i].it[0]));
			ok = false;
			continue;
		}
		if (e[i].n != 2) {
			ERR(b, &l, "'%s' needs exactly one script path", e[i].it[0].text);
			ok = false;
			continue;
		}
		struct rcf_str *s = &slots[script_events[k].ev];
		bool keep_first = false;
		if (s->m.origin == RCF_EXPLICIT) {
			char w[256];
			keep_first = first_wins;
			WARN(b, &l, "script for %s already set at %s; %s",
			     rcf_script_event_name(script_events[k].ev),
			     where(&s->m.loc, w, sizeof(w)),
			     keep_first ? "the first one is used, as in racoon2"
					: "this later one is used");
		}
		const char *path = take_string(b, &e[i].it[1], "a script path");
		if (!path) {
			ok = false;
			continue;
		}
		if (keep_first)
			continue;
		s->v = path;
		s->m.origin = RCF_EXPLICIT;
		s->m.loc = l;
	}
	free(e);
	return ok;
}

/* Built-in protocol table: getprotobyname() differs between systems
 * (icmp6 does not resolve on Linux), so the names are our own. */
static const struct {
	const char *name;
	int proto;
} protocols[] = {
	{"any", RCF_ULP_ANY},
	{"icmp", 1},
	{"igmp", 2},
	{"ipip", 4},
	{"ipencap", 4},
	{"tcp", 6},
	{"udp", 17},
	{"dccp", 33},
	{"ipv6", 41},
	{"rsvp", 46},
	{"gre", 47},
	{"esp", 50},
	{"ah", 51},
	{"icmp6", 58},
	{"ipv6-icmp", 58},
	{"icmpv6", 58},
	{"ospf", 89},
	{"pim", 103},
	{"ipcomp", 108},
	{"vrrp", 112},
	{"l2tp", 115},
	{"sctp", 132},
	{"mh", 135},
	{"ipv6-mh", 135},
	{"mobility-header", 135},
	{"udplite", 136},
};

int rcf_protocol_lookup(const char *name)
{
	for (size_t i = 0; i < RC_ARRAY_SIZE(protocols); i++)
		if (strcmp(protocols[i].name, name) == 0)
			return protocols[i].proto;
	return -1;
}

static bool parse_ulp(struct builder *b, const struct cf_stmt *st, struct rcf_ulp *f)
{
	if (!need_items(b, st, 1, 3, "a protocol name or number, then up to two numbers"))
		return false;
	const struct cf_item *v = st->items + 1;
	struct rc_loc l = v->loc;
	const char *name = take_string(b, v, "a protocol");
	if (!name)
		return false;
	f->name = name;
	f->proto = rcf_protocol_lookup(name);
	if (f->proto < 0) {
		char *end;
		long p = strtol(name, &end, 10);
		if (*name && !*end && p >= 0 && p <= 255) {
			f->proto = (int)p;
		} else {
			ERR(b, &l, "unknown protocol %s", name);
			return false;
		}
	}
	f->nparams = (int)st->nitems - 2;
	for (int i = 0; i < f->nparams; i++) {
		long long n;
		struct rc_loc li = v[1 + i].loc;
		if (!num_text(b, &v[1 + i], &n))
			return false;
		if (n < 0 || n > 65535) {
			ERR(b, &li, "protocol parameter %lld is out of range (0-65535)", n);
			return false;
		}
		f->params[i] = (int)n;
	}
	return true;
}

/* ---- blocks ---- */
static void process_block(struct builder *b, enum cf_ctx ctx, const struct cf_block *blk,
			  void *obj);

static void unknown_directive(struct builder *b, enum cf_ctx ctx, const struct cf_item *it)
{
	struct rc_loc l = it->loc;
	const char *what = cf_ctx_info(ctx)->what;
	char valid[256];
	if (cf_schema_valid_in(it->text, valid, sizeof(valid))) {
		ERR(b, &l, "'%s' is not allowed in the %s (it is valid in: %s)", it->text, what,
		    valid);
		return;
	}
	const char *sugg = cf_schema_suggest(ctx, it->text);
	if (ctx == CF_CTX_TOP)
		ERR(b, &l, "unknown section '%s'%s%s%s", it->text, sugg ? "; did you mean '" : "",
		    sugg ? sugg : "", sugg ? "'?" : "");
	else if (sugg)
		ERR(b, &l, "unknown directive '%s' in %s; did you mean '%s'?", it->text, what,
		    sugg);
	else
		ERR(b, &l, "unknown directive '%s' in %s", it->text, what);
}

static bool needs_block(struct builder *b, const struct cf_stmt *st, size_t nitems)
{
	struct rc_loc l = st->items[0].loc;
	if (!st->block) {
		ERR(b, &l, "'%s' needs a block { ... }", st->items[0].text);
		return false;
	}
	if (st->nitems > nitems) {
		struct rc_loc lx = st->items[nitems].loc;
		ERR(b, &lx, "unexpected %s before '{'", tok(&st->items[nitems]));
		return false;
	}
	return true;
}

static void kmp_block(struct builder *b, const struct cf_directive *d, const struct cf_stmt *st,
		      struct rcf_kmp *kmp)
{
	struct rc_loc l = st->items[0].loc;
	if (kmp->present) {
		char w[256];
		ERR(b, &l, "duplicate %s block in this remote (first at %s)", d->name,
		    where(&kmp->loc, w, sizeof(w)));
		return;
	}
	if (!needs_block(b, st, 1))
		return;
	kmp->present = true;
	kmp->loc = l;
	process_block(b, d->child, st->block, kmp);
}

/* Parse one directive's value into `field`. */
static bool parse_value(struct builder *b, enum cf_ctx ctx, const struct cf_directive *d,
			const struct cf_stmt *st, void *field)
{
	switch (d->form) {
	case CF_F_NUM:
	case CF_F_TIME:
	case CF_F_BYTES:
	case CF_F_BOOL:
	case CF_F_ENUM:
		return parse_int_form(b, d, st, field);
	case CF_F_STR: {
		struct rcf_str *s = field;
		return need_items(b, st, 1, 1, "a string") &&
		       (s->v = take_string(b, &st->items[1], "a string")) != NULL;
	}
	case CF_F_STRLIST:
		return parse_strlist(b, st, field, "name");
	case CF_F_ADDRLIST:
	case CF_F_ADDR1:
		return parse_addrlist(b, d, st, field);
	case CF_F_ALGLIST:
	case CF_F_DHLIST:
		return parse_alglist(b, d, ctx, st, field);
	case CF_F_IDLIST:
		return parse_idlist(b, st, field);
	case CF_F_KMPLIST:
		return parse_kmplist(b, st, field);
	case CF_F_PUBKEY:
		return parse_pubkey(b, d, st, field);
	case CF_F_ULP:
		return parse_ulp(b, st, field);
	case CF_F_BLOCK:
		if (!needs_block(b, st, 1))
			return false;
		process_block(b, d->child, st->block, field);
		return true;
	default:
		return false;
	}
}

static void directive(struct builder *b, enum cf_ctx ctx, const struct cf_directive *d,
		      const struct cf_stmt *st, void *obj)
{
	struct rc_loc l = st->items[0].loc;
	void *field = (char *)obj + d->off;
	char w[256];

	switch (d->form) {
	case CF_F_UNSUPPORTED:
		ERR(b, &l,
		    "'%s' is not supported (racoon2 reserved the word but never accepted it)",
		    d->name);
		return;
	case CF_F_FLAG:
		if (!need_items(b, st, 0, 0, "no value"))
			return;
		*(unsigned *)field |= (unsigned)d->value;
		return;
	case CF_F_SCRIPT:
		parse_script(b, st, field, cf_ctx_info(ctx)->first_wins);
		return;
	case CF_F_BLOCK:
		if (d->child == CF_CTX_IKEV1 || d->child == CF_CTX_IKEV2 ||
		    d->child == CF_CTX_KINK) {
			kmp_block(b, d, st, field);
			return;
		}
		break;
	default:
		break;
	}

	struct rcf_meta *m = field;
	bool discard = false;
	if (m->origin == RCF_EXPLICIT) {
		where(&m->loc, w, sizeof(w));
		if (d->flags & CF_D_ONCE) {
			ERR(b, &l, "'%s' is already set in this %s (at %s)", d->name,
			    cf_ctx_info(ctx)->what, w);
			return;
		}
		if (d->form == CF_F_ALGLIST || d->form == CF_F_DHLIST) {
			ERR(b, &l, "algorithm list '%s' already defined (at %s)", d->name, w);
			return;
		}
		if (cf_ctx_info(ctx)->first_wins) {
			WARN(b, &l,
			     "duplicate '%s' (first at %s); the first one is used, as in racoon2",
			     d->name, w);
			discard = true;
		} else {
			WARN(b, &l, "duplicate '%s' (first at %s); this later one is used", d->name,
			     w);
		}
	}
	/* A value that will be dropped is still parsed, so its errors show. */
	void *target = field;
	if (discard)
		target = rc_xcalloc(1, d->size);
	else
		memset(field, 0, d->size);
	bool ok = parse_value(b, ctx, d, st, target);
	if (discard) {
		free(target);
		return;
	}
	if (ok || d->form == CF_F_BLOCK) {
		m->origin = RCF_EXPLICIT;
		m->loc = l;
	}
}

/* The parser cannot see a ';' missing at the end of a line: the next
 * line's directive just becomes more items of this statement.  A word that
 * starts a later line and names a directive of this block gives it away. */
static bool missing_semicolon(struct builder *b, enum cf_ctx ctx, const struct cf_stmt *st)
{
	for (size_t i = 1; i < st->nitems; i++) {
		const struct cf_item *prev = &st->items[i - 1], *it = &st->items[i];
		if (it->kind != CF_WORD || it->loc.line <= prev->loc.line ||
		    !cf_schema_find(ctx, it->text))
			continue;
		struct rc_loc l = prev->loc;
		if (!strchr(prev->text, '\n'))
			l.col += (int)strlen(prev->text) + (prev->kind == CF_QSTR ? 2 : 0);
		ERR(b, &l, "missing ';' after %s (before '%s' on line %d)", tok(prev), it->text,
		    it->loc.line);
		return true;
	}
	return false;
}

static void process_block(struct builder *b, enum cf_ctx ctx, const struct cf_block *blk, void *obj)
{
	for (size_t i = 0; i < blk->nstmts; i++) {
		const struct cf_stmt *st = &blk->stmts[i];
		struct rc_loc l = st->loc;
		if (st->nitems == 0) {
			ERR(b, &l, "a block needs a directive name before '{'");
			continue;
		}
		const struct cf_item *it = &st->items[0];
		if (it->kind != CF_WORD) {
			struct rc_loc li = it->loc;
			ERR(b, &li, "expected a directive in the %s, found %s",
			    cf_ctx_info(ctx)->what, tok(it));
			continue;
		}
		const struct cf_directive *d = cf_schema_find(ctx, it->text);
		if (!d) {
			unknown_directive(b, ctx, it);
			continue;
		}
		if (d->alias_of) {
			struct rc_loc li = it->loc;
			WARN(b, &li, "'%s' is the documentation's spelling; the directive is '%s'",
			     d->name, d->alias_of);
			d = cf_schema_find(ctx, d->alias_of);
		}
		if (missing_semicolon(b, ctx, st))
			continue;
		directive(b, ctx, d, st, obj);
	}
}

/* ---- top level ---- */
static bool once_section(struct builder *b, const struct cf_stmt *st, bool *seen,
			 struct rc_loc *first, const char *what)
{
	struct rc_loc l = st->items[0].loc;
	if (*seen) {
		char w[256];
		ERR(b, &l, "duplicate %s section (the first is at %s)", what,
		    where(first, w, sizeof(w)));
		return false;
	}
	*seen = true;
	*first = l;
	return true;
}

/* setvals are looked up by name through the index of cf_model_build */
static const struct rcf_setval *setval_find(const struct rcf_config *cfg, const char *name);
/* Index the setval just added; all of them when the array moved. */
static void setval_index(struct rcf_config *cfg, bool moved);

static void add_setval(struct builder *b, const struct cf_item *name, const struct cf_item *val)
{
	struct rcf_config *cfg = b->cfg;
	struct rc_loc l = name->loc;
	if (!is_text(name) || !is_text(val)) {
		ERR(b, &l, "a setval entry is NAME VALUE");
		return;
	}
	if (name->kind == CF_WORD && cf_is_keyword(name->text)) {
		ERR(b, &l, "'%s' is a reserved word; write \"%s\" to use it as a name", name->text,
		    name->text);
		return;
	}
	if (val->kind == CF_WORD && cf_is_keyword(val->text)) {
		struct rc_loc lv = val->loc;
		ERR(b, &lv, "'%s' is a reserved word; write \"%s\" to use it as a value", val->text,
		    val->text);
		return;
	}
	const struct rcf_setval *first = setval_find(cfg, name->text);
	if (first) {
		char w[256];
		WARN(b, &l, "setval '%s' is already defined at %s; the first definition is used",
		     name->text, where(&first->loc, w, sizeof(w)));
		return;
	}
	bool moved = cfg->nsetvals == b->setval_cap;
	if (moved) {
		b->setval_cap = b->setval_cap ? 2 * b->setval_cap : 16;
		cfg->setvals = rc_xreallocarray(cfg->setvals, b->setval_cap, sizeof(*cfg->setvals));
	}
	struct rcf_setval *s = &cfg->setvals[cfg->nsetvals++];
	s->name = ar_strdup(cfg, name->text);
	s->value = ar_strdup(cfg, val->text);
	s->loc = l;
	setval_index(cfg, moved);
}

static void setval_section(struct builder *b, const struct cf_stmt *st)
{
	if (!once_section(b, st, &b->seen_setval, &b->setval_loc, "setval"))
		return;
	if (!st->block) {
		if (st->nitems != 3) {
			struct rc_loc l = st->items[0].loc;
			ERR(b, &l, "setval needs NAME VALUE or a { NAME VALUE; ... } block");
			return;
		}
		add_setval(b, &st->items[1], &st->items[2]);
		return;
	}
	if (!needs_block(b, st, 1))
		return;
	for (size_t i = 0; i < st->block->nstmts; i++) {
		const struct cf_stmt *e = &st->block->stmts[i];
		struct rc_loc l = e->loc;
		if (e->block || e->nitems != 2) {
			ERR(b, &l, "a setval entry is NAME VALUE");
			continue;
		}
		add_setval(b, &e->items[0], &e->items[1]);
	}
}

/* Every setval value must expand (reports cycles and unknown names once,
 * at the definition). */
static void check_setvals(struct builder *b)
{
	for (size_t i = 0; i < b->cfg->nsetvals; i++)
		expand(b, b->cfg->setvals[i].value, &b->cfg->setvals[i].loc);
}

static void default_section(struct builder *b, const struct cf_stmt *st)
{
	struct rcf_config *cfg = b->cfg;
	if (!once_section(b, st, &b->seen_default, &b->default_loc, "default") ||
	    !needs_block(b, st, 1))
		return;
	for (size_t i = 0; i < st->block->nstmts; i++) {
		const struct cf_stmt *e = &st->block->stmts[i];
		struct rc_loc l = e->loc;
		if (e->nitems == 0 || e->items[0].kind != CF_WORD) {
			ERR(b, &l, "expected remote, policy, ipsec or sa in the default section");
			continue;
		}
		const struct cf_directive *d = cf_schema_find(CF_CTX_DEFAULT, e->items[0].text);
		if (!d) {
			unknown_directive(b, CF_CTX_DEFAULT, &e->items[0]);
			continue;
		}
		bool *seen;
		struct rc_loc *first;
		void *obj;
		switch (d->child) {
		case CF_CTX_REMOTE:
			seen = &cfg->has_default_remote, first = &b->dremote_loc;
			obj = &cfg->default_remote;
			break;
		case CF_CTX_POLICY:
			seen = &b->seen_dpolicy, first = &b->dpolicy_loc,
			obj = &cfg->default_policy;
			break;
		case CF_CTX_IPSEC:
			seen = &b->seen_dipsec, first = &b->dipsec_loc, obj = &cfg->default_ipsec;
			break;
		default:
			seen = &b->seen_dsa, first = &b->dsa_loc, obj = &cfg->default_sa;
			break;
		}
		char what[64];
		snprintf(what, sizeof(what), "default %s", d->name);
		if (!once_section(b, e, seen, first, what) || !needs_block(b, e, 1))
			continue;
		process_block(b, d->child, e->block, obj);
	}
	cfg->default_remote.name = "default";
	cfg->default_remote.is_default = true;
	cfg->default_remote.loc = b->dremote_loc;
	cfg->default_policy.name = "default";
	cfg->default_ipsec.name = "default";
	cfg->default_sa.name = "default";
}

static bool pool_end(struct builder *b, const struct cf_item *it, struct rc_addr *a)
{
	struct rc_loc l = it->loc;
	const char *text = take_string(b, it, "an address");
	char err[128];
	if (!text)
		return false;
	if (rc_addr_parse(text, a, err, sizeof(err)) != 0) {
		ERR(b, &l, "'%s' is not a numeric address: %s", text, err);
		return false;
	}
	return true;
}

static void pool_body(struct builder *b, const struct cf_block *blk, struct rcf_pool *p)
{
	p->v = ar_array(b->cfg, blk->nstmts, sizeof(*p->v));
	for (size_t i = 0; i < blk->nstmts; i++) {
		const struct cf_stmt *e = &blk->stmts[i];
		struct rc_loc l = e->loc;
		/* "A-B" written as one word (text + 1 is only valid when text is not empty) */
		if (e->nitems == 1 && is_text(&e->items[0]) && e->items[0].text[0] &&
		    strchr(e->items[0].text + 1, '-')) {
			ERR(b, &l, "'%s' is not an address range; write spaces around '-' (A - B)",
			    e->items[0].text);
			continue;
		}
		if (e->block || e->nitems != 3 || e->items[1].kind != CF_DASH) {
			ERR(b, &l, "expected an address range START - END");
			continue;
		}
		struct rcf_pool_range r = {.loc = l};
		if (!pool_end(b, &e->items[0], &r.start) || !pool_end(b, &e->items[2], &r.end))
			continue;
		if (r.start.family != r.end.family) {
			ERR(b, &l, "range start and end are incompatible (IPv4 and IPv6 mixed)");
			continue;
		}
		if (r.start.prefixlen != rc_addr_maxprefix(r.start.family) ||
		    r.end.prefixlen != rc_addr_maxprefix(r.end.family)) {
			ERR(b, &l, "a range takes plain addresses, not prefixes");
			continue;
		}
		if (rc_addr_cmp(&r.start, &r.end) > 0) {
			ERR(b, &l, "range start %s is after its end %s", e->items[0].text,
			    e->items[2].text);
			continue;
		}
		p->v[p->n++] = r;
	}
}

static void named_section(struct builder *b, const struct cf_directive *d, const struct cf_stmt *st)
{
	struct rcf_config *cfg = b->cfg;
	struct rc_loc l = st->items[0].loc;
	if (st->nitems < 2) {
		ERR(b, &l, "%s needs a name", d->name);
		return;
	}
	const char *name = take_string(b, &st->items[1], "a name");
	if (!name || !needs_block(b, st, 2))
		return;
	struct rc_loc ln = st->items[1].loc;
	void *obj;
	switch (d->child) {
	case CF_CTX_REMOTE: {
		struct rcf_remote *r = ar_alloc(cfg, sizeof(*r));
		r->name = name, r->loc = ln, obj = r;
		push((void ***)&cfg->remotes, &cfg->nremotes, r);
		break;
	}
	case CF_CTX_SELECTOR: {
		struct rcf_selector *s = ar_alloc(cfg, sizeof(*s));
		s->name = name, s->loc = ln, obj = s;
		push((void ***)&cfg->selectors, &cfg->nselectors, s);
		break;
	}
	case CF_CTX_POLICY: {
		struct rcf_policy *p = ar_alloc(cfg, sizeof(*p));
		p->name = name, p->loc = ln, obj = p;
		push((void ***)&cfg->policies, &cfg->npolicies, p);
		break;
	}
	case CF_CTX_IPSEC: {
		struct rcf_ipsec *p = ar_alloc(cfg, sizeof(*p));
		p->name = name, p->loc = ln, obj = p;
		push((void ***)&cfg->ipsecs, &cfg->nipsecs, p);
		break;
	}
	case CF_CTX_SA: {
		struct rcf_sa *p = ar_alloc(cfg, sizeof(*p));
		p->name = name, p->loc = ln, obj = p;
		push((void ***)&cfg->sas, &cfg->nsas, p);
		break;
	}
	default: {
		struct rcf_pool *p = ar_alloc(cfg, sizeof(*p));
		p->name = name, p->loc = ln;
		push((void ***)&cfg->pools, &cfg->npools, p);
		pool_body(b, st->block, p);
		return;
	}
	}
	process_block(b, d->child, st->block, obj);
}

static void top_statement(struct builder *b, const struct cf_stmt *st)
{
	struct rc_loc l = st->loc;
	if (st->nitems == 0 || st->items[0].kind != CF_WORD) {
		ERR(b, &l, "expected a section name (remote, selector, policy, ...)%s%s",
		    st->nitems ? ", found " : "", st->nitems ? tok(&st->items[0]) : "");
		return;
	}
	const char *w = st->items[0].text;
	if (strcmp(w, "setval") == 0)
		return; /* done in the first pass */
	const struct cf_directive *d = cf_schema_find(CF_CTX_TOP, w);
	if (!d) {
		if (strcmp(w, "include") == 0)
			ERR(b, &l, "include was not resolved");
		else
			unknown_directive(b, CF_CTX_TOP, &st->items[0]);
		return;
	}
	switch (d->child) {
	case CF_CTX_DEFAULT:
		default_section(b, st);
		break;
	case CF_CTX_INTERFACE:
		if (once_section(b, st, &b->seen_interface, &b->interface_loc, "interface") &&
		    needs_block(b, st, 1)) {
			b->cfg->interface.m.origin = RCF_EXPLICIT;
			b->cfg->interface.m.loc = l;
			process_block(b, CF_CTX_INTERFACE, st->block, &b->cfg->interface);
		}
		break;
	case CF_CTX_RESOLVER:
		if (once_section(b, st, &b->seen_resolver, &b->resolver_loc, "resolver") &&
		    needs_block(b, st, 1)) {
			b->cfg->resolver.m.origin = RCF_EXPLICIT;
			b->cfg->resolver.m.loc = l;
			process_block(b, CF_CTX_RESOLVER, st->block, &b->cfg->resolver);
		}
		break;
	default:
		named_section(b, d, st);
		break;
	}
}

/* ---- inheritance ---- */
/* Copy every field of `ctx` that dst lacks and src has explicitly; then,
 * with builtin >= 0, fill what is still unset from column `builtin` of the
 * built-in defaults. */
static void inherit(enum cf_ctx ctx, void *dst, const void *src, int builtin)
{
	const struct cf_ctx_info *ci = cf_ctx_info(ctx);
	for (size_t t = 0; ci->tables[t]; t++)
		for (const struct cf_directive *d = ci->tables[t]; d->name; d++) {
			if (d->alias_of || !d->size || d->form == CF_F_FLAG ||
			    (d->flags & CF_D_NOINHERIT))
				continue;
			if (d->form == CF_F_SCRIPT) {
				struct rcf_str *ds = (void *)((char *)dst + d->off);
				const struct rcf_str *ss =
					src ? (const void *)((const char *)src + d->off) : NULL;
				for (int e = 0; ss && e < RCF_SCR_COUNT; e++)
					if (ds[e].m.origin == RCF_UNSET &&
					    ss[e].m.origin == RCF_EXPLICIT) {
						ds[e] = ss[e];
						ds[e].m.origin = RCF_INHERITED;
					}
				continue;
			}
			if (d->form == CF_F_BLOCK &&
			    (d->child == CF_CTX_IKEV1 || d->child == CF_CTX_IKEV2 ||
			     d->child == CF_CTX_KINK))
				continue;
			struct rcf_meta *dm = (void *)((char *)dst + d->off);
			const struct rcf_meta *sm =
				src ? (const void *)((const char *)src + d->off) : NULL;
			if (dm->origin == RCF_UNSET && sm && sm->origin == RCF_EXPLICIT) {
				memcpy(dm, sm, d->size);
				dm->origin = RCF_INHERITED;
			}
			if (dm->origin == RCF_UNSET && builtin >= 0 && (d->hasdef >> builtin) & 1) {
				struct rcf_int *f = (void *)dm;
				f->v = d->def[builtin];
				f->m.origin = RCF_BUILTIN;
			}
		}
}

static const enum cf_ctx kmp_ctx[RCF_KMP_COUNT] = {CF_CTX_IKEV1, CF_CTX_IKEV2, CF_CTX_KINK};

static void inherit_remote(struct rcf_config *cfg, struct rcf_remote *rm)
{
	const struct rcf_remote *def =
		cfg->has_default_remote && rm != &cfg->default_remote ? &cfg->default_remote : NULL;
	for (int p = 0; p < RCF_KMP_COUNT; p++) {
		rm->kmp[p].proto = (enum rcf_kmp_proto)p;
		inherit(kmp_ctx[p], &rm->kmp[p], def ? &def->kmp[p] : NULL, p);
	}
	inherit(CF_CTX_REMOTE, rm, def, -1);
}

static void apply_inheritance(struct builder *b)
{
	struct rcf_config *cfg = b->cfg;
	for (size_t i = 0; i < cfg->nremotes; i++)
		inherit_remote(cfg, cfg->remotes[i]);
	inherit_remote(cfg, &cfg->default_remote);
	for (size_t i = 0; i < cfg->npolicies; i++) {
		struct rcf_policy *p = cfg->policies[i];
		inherit(CF_CTX_POLICY, p, &cfg->default_policy, 0);
		/* iked's own fallback when neither the policy nor the default
		 * says (compat §1.8.6); spmd requires it to be written */
		if (cfg->daemon == RCF_FOR_IKED && !rcf_isset(p->ipsec_mode)) {
			p->ipsec_mode.v = RCF_MODE_TUNNEL;
			p->ipsec_mode.m.origin = RCF_BUILTIN;
		}
	}
	for (size_t i = 0; i < cfg->nipsecs; i++)
		inherit(CF_CTX_IPSEC, cfg->ipsecs[i], &cfg->default_ipsec, 0);
	for (size_t i = 0; i < cfg->nsas; i++)
		inherit(CF_CTX_SA, cfg->sas[i], &cfg->default_sa, -1);
	for (size_t i = 0; i < cfg->nselectors; i++) {
		struct rcf_selector *s = cfg->selectors[i];
		inherit(CF_CTX_SELECTOR, s, NULL, 0);
		if (!rcf_isset(s->ulp)) {
			s->ulp.proto = RCF_ULP_ANY;
			s->ulp.name = "any";
			s->ulp.m.origin = RCF_BUILTIN;
		}
	}
	inherit(CF_CTX_INTERFACE, &cfg->interface, NULL, 0);
	inherit(CF_CTX_RESOLVER, &cfg->resolver, NULL, 0);
}

/* ---- selectors: the ULP quirk of compat §1.7 ---- */
static void apply_ulp(struct builder *b, struct rcf_selector *s)
{
	const struct rcf_ulp *u = &s->ulp;
	if (u->m.origin != RCF_EXPLICIT || u->nparams == 0)
		return;
	if (u->proto == 1 || u->proto == 58) {
		/* type -> src port, code -> dst port (what PF_KEY selectors carry) */
		for (size_t i = 0; i < s->src.n; i++)
			s->src.v[i].port = s->src.v[i].addr.port = (uint16_t)u->params[0];
		for (size_t i = 0; u->nparams > 1 && i < s->dst.n; i++)
			s->dst.v[i].port = s->dst.v[i].addr.port = (uint16_t)u->params[1];
	} else if (u->proto == 135) {
		for (size_t i = 0; i < s->src.n; i++)
			s->src.v[i].port = s->src.v[i].addr.port = (uint16_t)u->params[0];
		if (u->nparams > 1)
			WARN(b, &u->m.loc, "spurious extra ulp parameter: MH takes only a type");
	} else {
		WARN(b, &u->m.loc,
		     "spurious extra ulp parameter: only icmp, icmp6 and mh take numbers");
	}
}

/* ---- index resolution (compat §1.7 step 5) ---- */
static void ref_problem(struct builder *b, bool used, const struct rc_loc *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void ref_problem(struct builder *b, bool used, const struct rc_loc *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* racoon2 never checked blocks no selector uses: only warn there */
	rc_diag_verror(b->diag, used ? RC_DIAG_ERROR : RC_DIAG_WARNING, at, fmt, ap);
	va_end(ap);
}

static void resolve(struct builder *b)
{
	struct rcf_config *cfg = b->cfg;
	char w[256];

	for (size_t i = 0; i < cfg->nselectors; i++) {
		struct rcf_selector *s = cfg->selectors[i];
		apply_ulp(b, s);
		if (!rcf_isset(s->policy_index)) {
			ERR(b, &s->loc, "selector '%s' lacks policy_index", s->name);
			continue;
		}
		s->policy = rcf_policy_find(cfg, s->policy_index.v);
		if (!s->policy) {
			ERR(b, &s->policy_index.m.loc,
			    "selector '%s' (%s) refers to policy '%s', which is not defined",
			    s->name, where(&s->loc, w, sizeof(w)), s->policy_index.v);
			continue;
		}
		((struct rcf_policy *)s->policy)->used = true;
	}
	for (size_t i = 0; i < cfg->npolicies; i++) {
		struct rcf_policy *p = cfg->policies[i];
		if (rcf_policy_find(cfg, p->name) != p) {
			WARN(b, &p->loc,
			     "policy '%s' is defined again here; the first one (%s) is used",
			     p->name, where(&rcf_policy_find(cfg, p->name)->loc, w, sizeof(w)));
			continue;
		}
		if (rcf_isset(p->remote_index)) {
			p->remote = rcf_remote_find(cfg, p->remote_index.v);
			if (!p->remote)
				ref_problem(b, p->used, &p->remote_index.m.loc,
					    "policy '%s' (%s) refers to remote '%s', which is not "
					    "defined",
					    p->name, where(&p->loc, w, sizeof(w)),
					    p->remote_index.v);
		}
		p->ipsec = ar_array(cfg, p->ipsec_index.n, sizeof(*p->ipsec));
		for (size_t k = 0; k < p->ipsec_index.n; k++) {
			const struct rcf_ipsec *ip = rcf_ipsec_find(cfg, p->ipsec_index.v[k]);
			if (!ip) {
				ref_problem(b, p->used, &p->ipsec_index.locs[k],
					    "policy '%s' (%s) refers to ipsec '%s', which is not "
					    "defined",
					    p->name, where(&p->loc, w, sizeof(w)),
					    p->ipsec_index.v[k]);
				continue;
			}
			if (p->used)
				((struct rcf_ipsec *)ip)->used = true;
			p->ipsec[p->nipsec++] = ip;
		}
	}
	for (size_t i = 0; i < cfg->nipsecs; i++) {
		struct rcf_ipsec *ip = cfg->ipsecs[i];
		if (rcf_ipsec_find(cfg, ip->name) != ip) {
			WARN(b, &ip->loc,
			     "ipsec '%s' is defined again here; the first one (%s) is used",
			     ip->name, where(&rcf_ipsec_find(cfg, ip->name)->loc, w, sizeof(w)));
			continue;
		}
		for (size_t k = 0; k < ip->sa_index.n; k++) {
			const struct rc_loc *at = &ip->sa_index.locs[k];
			const struct rcf_sa *sa = rcf_sa_find(cfg, ip->sa_index.v[k]);
			if (!sa) {
				ref_problem(
					b, ip->used, at,
					"ipsec '%s' (%s) refers to sa '%s', which is not defined",
					ip->name, where(&ip->loc, w, sizeof(w)), ip->sa_index.v[k]);
				continue;
			}
			if (ip->used)
				((struct rcf_sa *)sa)->used = true;
			if (!rcf_isset(sa->sa_protocol)) {
				ref_problem(b, ip->used, at, "sa '%s' (%s) has no sa_protocol",
					    sa->name, where(&sa->loc, w, sizeof(w)));
				continue;
			}
			const struct rcf_sa **slot = sa->sa_protocol.v == RCF_SAP_AH ? &ip->ah
						     : sa->sa_protocol.v == RCF_SAP_ESP
							     ? &ip->esp
							     : &ip->ipcomp;
			if (*slot) {
				ref_problem(b, ip->used, at,
					    "ipsec '%s' has two sa of protocol %s: '%s' and '%s'",
					    ip->name,
					    sa->sa_protocol.v == RCF_SAP_AH    ? "ah"
					    : sa->sa_protocol.v == RCF_SAP_ESP ? "esp"
									       : "ipcomp",
					    (*slot)->name, sa->name);
				continue;
			}
			*slot = sa;
		}
	}
	for (size_t i = 0; i < cfg->nselectors; i++) {
		struct rcf_selector *s = cfg->selectors[i];
		s->iked_ignores = !s->policy || !rcf_isset(s->policy->action) ||
				  s->policy->action.v != RCF_ACT_AUTO_IPSEC;
	}
}

static void resolve_pools(struct builder *b, struct rcf_remote *rm)
{
	struct rcf_provide *pv = &rm->kmp[RCF_KMP_IKEV2].provide;
	if (!rcf_isset(pv->addresspool))
		return;
	pv->pool = rcf_pool_find(b->cfg, pv->addresspool.v);
	if (!pv->pool && pv->addresspool.m.origin == RCF_EXPLICIT) {
		char w[256];
		ERR(b, &pv->addresspool.m.loc,
		    "remote '%s' (%s) refers to addresspool '%s', which is not defined", rm->name,
		    where(&rm->loc, w, sizeof(w)), pv->addresspool.v);
	}
}

/* One warning for a block whose name an earlier block of the same kind
 * already has (lookups by name find the first, compat §1.6).  `outcome`
 * is a format with one %s: where the first one is. */
static void dup_name(struct builder *b, const void *self, const void *first, const char *kind,
		     const char *name, const struct rc_loc *loc, const struct rc_loc *first_loc,
		     const char *outcome)
{
	char w[256], tail[512];

	if (first == self)
		return;
	snprintf(tail, sizeof(tail), outcome, where(first_loc, w, sizeof(w)));
	WARN(b, loc, "%s '%s' is defined again here%s", kind, name, tail);
}

static void check_duplicate_names(struct builder *b)
{
	const struct rcf_config *cfg = b->cfg;
	static const char *const used = "; the first one (%s) is used";

	for (size_t i = 0; i < cfg->nremotes; i++) {
		const struct rcf_remote *x = cfg->remotes[i], *f = rcf_remote_find(cfg, x->name);
		dup_name(b, x, f, "remote", x->name, &x->loc, &f->loc, used);
	}
	for (size_t i = 0; i < cfg->nsas; i++) {
		const struct rcf_sa *x = cfg->sas[i], *f = rcf_sa_find(cfg, x->name);
		dup_name(b, x, f, "sa", x->name, &x->loc, &f->loc, used);
	}
	for (size_t i = 0; i < cfg->npools; i++) {
		const struct rcf_pool *x = cfg->pools[i], *f = rcf_pool_find(cfg, x->name);
		dup_name(b, x, f, "addresspool", x->name, &x->loc, &f->loc, used);
	}
	for (size_t i = 0; i < cfg->nselectors; i++) {
		const struct rcf_selector *x = cfg->selectors[i],
					  *f = rcf_selector_find(cfg, x->name);
		dup_name(b, x, f, "selector", x->name, &x->loc, &f->loc,
			 " (first at %s); both are kept, lookups by name find the first");
	}
}

/* ---- entry points ---- */
static void index_alloc(struct rcf_config *cfg);
static void index_build(struct rcf_config *cfg);
static void index_free(struct rcf_config *cfg);

struct rcf_config *cf_model_build(const struct cf_tree *tree, enum rcf_daemon daemon,
				  struct rc_diag *diag)
{
	struct rcf_config *cfg = rc_xcalloc(1, sizeof(*cfg));
	struct builder b = {.cfg = cfg, .diag = diag};
	const struct cf_block *top = &tree->top;

	cfg->daemon = daemon;
	index_alloc(cfg);
	cf_expand_budget_init(&b.expand_budget, tree->ntokens);
	for (size_t i = 0; i < top->nstmts; i++) {
		const struct cf_stmt *st = &top->stmts[i];
		if (st->nitems > 0 && is_word(&st->items[0], "setval"))
			setval_section(&b, st);
	}
	check_setvals(&b);
	for (size_t i = 0; i < top->nstmts; i++)
		top_statement(&b, &top->stmts[i]);
	index_build(cfg);
	apply_inheritance(&b);
	check_duplicate_names(&b);
	resolve(&b);
	for (size_t i = 0; i < cfg->nremotes; i++)
		resolve_pools(&b, cfg->remotes[i]);
	if (cfg->has_default_remote)
		resolve_pools(&b, &cfg->default_remote);
	return cfg;
}

void rcf_free(struct rcf_config *cfg)
{
	if (!cfg)
		return;
	for (struct arena_blk *blk = cfg->arena, *next; blk; blk = next) {
		next = blk->next;
		free(blk);
	}
	index_free(cfg);
	free(cfg->remotes);
	free(cfg->selectors);
	free(cfg->policies);
	free(cfg->ipsecs);
	free(cfg->sas);
	free(cfg->pools);
	free(cfg->setvals);
	free(cfg);
}

/* Name lookups go through one hash table per kind, so resolving N selectors
 * against N policies is not N^2 string compares.  Every kind's struct starts
 * with its name; the first definition in file order is the one indexed. */
enum { IX_REMOTE, IX_SELECTOR, IX_POLICY, IX_IPSEC, IX_SA, IX_POOL, IX_SETVAL, IX_COUNT };

struct name_table {
	size_t cap; /* 0, or a power of two at least twice n */
	size_t n;
	void **slots;
};

static size_t hash_name(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *name_of(const void *obj)
{
	return *(const char *const *)obj;
}

/* The slot holding `name`, or the empty one where it would go. */
static void **table_slot(const struct name_table *t, const char *name)
{
	size_t k = hash_name(name) & (t->cap - 1);
	while (t->slots[k] && strcmp(name_of(t->slots[k]), name) != 0)
		k = (k + 1) & (t->cap - 1);
	return &t->slots[k];
}

/* Indexes obj unless its name is there already (the first one stays). */
static void table_add(struct name_table *t, void *obj)
{
	if (2 * (t->n + 1) > t->cap) {
		struct name_table old = *t;
		t->cap = old.cap ? 2 * old.cap : 16;
		t->slots = rc_xcalloc(t->cap, sizeof(*t->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i])
				*table_slot(t, name_of(old.slots[i])) = old.slots[i];
		free(old.slots);
	}
	void **slot = table_slot(t, name_of(obj));
	if (!*slot) {
		*slot = obj;
		t->n++;
	}
}

static void table_clear(struct name_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static void *table_find(const struct name_table *t, const char *name)
{
	return t->cap ? *table_slot(t, name) : NULL;
}

static void table_build(struct name_table *t, void *const *objs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		table_add(t, objs[i]);
}

static struct name_table *index_of(const struct rcf_config *cfg)
{
	return cfg->name_index;
}

/* Allocated when the build starts: setvals are indexed as they are read. */
static void index_alloc(struct rcf_config *cfg)
{
	cfg->name_index = rc_xcalloc(IX_COUNT, sizeof(struct name_table));
}

static const struct rcf_setval *setval_find(const struct rcf_config *cfg, const char *name)
{
	if (!cfg || !name)
		return NULL;
	if (cfg->name_index)
		return table_find(&index_of(cfg)[IX_SETVAL], name);
	for (size_t i = 0; i < cfg->nsetvals; i++)
		if (strcmp(cfg->setvals[i].name, name) == 0)
			return &cfg->setvals[i];
	return NULL;
}

static void setval_index(struct rcf_config *cfg, bool moved)
{
	struct name_table *t = &index_of(cfg)[IX_SETVAL];
	if (moved)
		table_clear(t);
	for (size_t i = moved ? 0 : cfg->nsetvals - 1; i < cfg->nsetvals; i++)
		table_add(t, &cfg->setvals[i]);
}

static void index_build(struct rcf_config *cfg)
{
	struct name_table *ix = index_of(cfg);
	table_build(&ix[IX_REMOTE], (void *const *)cfg->remotes, cfg->nremotes);
	table_build(&ix[IX_SELECTOR], (void *const *)cfg->selectors, cfg->nselectors);
	table_build(&ix[IX_POLICY], (void *const *)cfg->policies, cfg->npolicies);
	table_build(&ix[IX_IPSEC], (void *const *)cfg->ipsecs, cfg->nipsecs);
	table_build(&ix[IX_SA], (void *const *)cfg->sas, cfg->nsas);
	table_build(&ix[IX_POOL], (void *const *)cfg->pools, cfg->npools);
}

static void index_free(struct rcf_config *cfg)
{
	struct name_table *ix = cfg->name_index;
	for (int i = 0; ix && i < IX_COUNT; i++)
		table_clear(&ix[i]);
	free(ix);
	cfg->name_index = NULL;
}

#define FIND(fn, type, arr, n, kind)                                                               \
	const struct type *fn(const struct rcf_config *cfg, const char *name)                      \
	{                                                                                          \
		if (!cfg || !name)                                                                 \
			return NULL;                                                               \
		if (cfg->name_index)                                                               \
			return table_find(&((struct name_table *)cfg->name_index)[kind], name);    \
		for (size_t i = 0; i < cfg->n; i++)                                                \
			if (strcmp(cfg->arr[i]->name, name) == 0)                                  \
				return cfg->arr[i];                                                \
		return NULL;                                                                       \
	}
FIND(rcf_remote_find, rcf_remote, remotes, nremotes, IX_REMOTE)
FIND(rcf_selector_find, rcf_selector, selectors, nselectors, IX_SELECTOR)
FIND(rcf_policy_find, rcf_policy, policies, npolicies, IX_POLICY)
FIND(rcf_ipsec_find, rcf_ipsec, ipsecs, nipsecs, IX_IPSEC)
FIND(rcf_sa_find, rcf_sa, sas, nsas, IX_SA)
FIND(rcf_pool_find, rcf_pool, pools, npools, IX_POOL)

const char *rcf_setval_get(const struct rcf_config *cfg, const char *name)
{
	const struct rcf_setval *s = setval_find(cfg, name);
	return s ? s->value : NULL;
}

const struct rcf_kmp *rcf_kmp_get(const struct rcf_remote *rm, enum rcf_kmp_proto p)
{
	return (unsigned)p < RCF_KMP_COUNT ? &rm->kmp[p] : NULL;
}

const struct rcf_kmp *rcf_ikev1_get(const struct rcf_remote *rm)
{
	return &rm->kmp[RCF_KMP_IKEV1];
}

const struct rcf_kmp *rcf_ikev2_get(const struct rcf_remote *rm)
{
	return &rm->kmp[RCF_KMP_IKEV2];
}

const struct rcf_kmp *rcf_kink_get(const struct rcf_remote *rm)
{
	return &rm->kmp[RCF_KMP_KINK];
}

enum rcf_kmp_proto rcf_initiate_kmp(const struct rcf_remote *rm)
{
	if (rm->acceptable_kmp.n > 0)
		return (enum rcf_kmp_proto)rm->acceptable_kmp.v[0];
	return RCF_KMP_IKEV2;
}

void rcf_summarize(const struct rcf_config *cfg, struct rcf_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (!cfg)
		return;
	s->remotes = (int)cfg->nremotes;
	s->selectors = (int)cfg->nselectors;
	s->policies = (int)cfg->npolicies;
	s->ipsecs = (int)cfg->nipsecs;
	s->sas = (int)cfg->nsas;
	s->pools = (int)cfg->npools;
}
