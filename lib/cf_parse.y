/* racoon2.conf parser: the generic statement grammar of cf_tree.h.
 *
 *   file  := stmt*
 *   stmt  := item+ ';' | item* block ';' | ';'       (';' alone is dropped)
 *   block := '{' stmt* '}'
 *   item  := WORD | QSTR | ',' | '-'
 *
 * Keywords and the meaning of statements are left to the semantic pass.  On
 * a syntax error the parser resynchronises at the next ';' or '}' (or
 * parses the block that follows the bad tokens), so one run reports every
 * error of the file.  The lone-';' relaxation is what lets racoon2's
 * `script phase1_up "/x";;` and a plain `script phase1_up "/x";` both
 * work. */

%define api.pure full
%define api.prefix {cf_yy}
%define parse.error custom
%define parse.lac full
%locations
%parse-param {struct cf_parse_ctx *pc} {void *scanner}
%lex-param {void *scanner}

%code requires {
#include "cf_internal.h"
}

%code provides {
int cf_yylex(CF_YYSTYPE *lval, CF_YYLTYPE *lloc, void *scanner);
}

%code {
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Deep nesting is stopped by the lexer long before this. */
#define YYMAXDEPTH 10000

static void cf_yyerror(CF_YYLTYPE *lloc, struct cf_parse_ctx *pc, void *scanner,
		       const char *msg);
static struct rc_loc loc_at(const struct cf_parse_ctx *pc, const CF_YYLTYPE *lloc);
static struct cf_stmt *make_stmt(struct cf_parse_ctx *pc, struct cf_itemvec *items,
				 struct cf_block *block, const CF_YYLTYPE *first,
				 const CF_YYLTYPE *semi);
static struct cf_block *close_block(struct cf_parse_ctx *pc, struct cf_block *b,
				    const CF_YYLTYPE *open, const CF_YYLTYPE *close);
static void add_item(struct cf_parse_ctx *pc, struct cf_itemvec *v, const struct cf_item *item);
}

%union {
	char *text;
	struct cf_itemvec items;
	struct cf_item item;
	struct cf_block *block;
	struct cf_stmt *stmt;
}

%token <text> T_WORD "word" T_QSTR "quoted string"
%token T_LEXERR "bad input"
%type <items> items
%type <item> item
%type <block> stmts block
%type <stmt> stmt

%destructor { free($$); } <text>
%destructor { cf_itemvec_free(&$$); } <items>
%destructor { free($$.text); } <item>
%destructor { cf_block_free($$); } <block>
%destructor { cf_stmt_free($$); } <stmt>

%%

file:	%empty
	| file stmt		{ cf_block_take(pc->top, $2); }
	;

stmts:	%empty			{ $$ = cf_block_new(); }
	| stmts stmt		{ cf_block_take($1, $2); $$ = $1; }
	;

stmt:	items ';'		{ $$ = make_stmt(pc, &$1, NULL, &@1, &@2); }
	| items block ';'	{ $$ = make_stmt(pc, &$1, $2, &@1, &@3); }
	| block ';'		{ $$ = make_stmt(pc, NULL, $1, &@1, &@2); }
	| ';'			{ $$ = NULL; }
	/* a missing ';' (before '}', after '}', at the end of the file): keep
	 * the statement, as if the ';' were there, and look for more errors */
	| items error		{ $$ = make_stmt(pc, &$1, NULL, &@1, &@2); yyerrok; }
	| items block error	{ $$ = make_stmt(pc, &$1, $2, &@1, &@3); yyerrok; }
	| block error		{ $$ = make_stmt(pc, NULL, $1, &@1, &@2); yyerrok; }
	/* anything else: skip to the next ';', or past the next block */
	| error ';'		{ $$ = NULL; yyerrok; }
	| error block ';'	{ cf_block_free($2); $$ = NULL; yyerrok; }
	;

block:	'{' stmts '}'		{ $$ = close_block(pc, $2, &@1, &@3); }
	| '{' stmts error '}'	{ $$ = close_block(pc, $2, &@1, &@4); yyerrok; }
	;

/* A token the lexer rejected (and reported) spoils its statement, which
 * is dropped at its ';': the parser stays in step without a second
 * message. */
items:	item			{ $$ = (struct cf_itemvec){ 0 }; add_item(pc, &$$, &$1); }
	| T_LEXERR		{ $$ = (struct cf_itemvec){ .bad = true }; }
	| items item		{ $$ = $1; add_item(pc, &$$, &$2); }
	| items T_LEXERR	{ $$ = $1; $$.bad = true; }
	;

item:	T_WORD			{ $$ = (struct cf_item){ CF_WORD, $1, loc_at(pc, &@1) }; }
	| T_QSTR		{ $$ = (struct cf_item){ CF_QSTR, $1, loc_at(pc, &@1) }; }
	| ','			{ $$ = (struct cf_item){ CF_COMMA, rc_xstrdup(","), loc_at(pc, &@1) }; }
	| '-'			{ $$ = (struct cf_item){ CF_DASH, rc_xstrdup("-"), loc_at(pc, &@1) }; }
	;

%%

static struct rc_loc loc_at(const struct cf_parse_ctx *pc, const CF_YYLTYPE *lloc)
{
	struct rc_loc loc = { pc->lx->file, lloc->first_line, lloc->first_column };
	return loc;
}

static void add_item(struct cf_parse_ctx *pc, struct cf_itemvec *v, const struct cf_item *item)
{
	cf_itemvec_push(v, item->kind, item->text, &item->loc);
}

static struct cf_stmt *make_stmt(struct cf_parse_ctx *pc, struct cf_itemvec *items,
				 struct cf_block *block, const CF_YYLTYPE *first,
				 const CF_YYLTYPE *semi)
{
	struct cf_stmt *s;

	if (items && items->bad) {
		cf_itemvec_free(items);
		cf_block_free(block);
		return NULL;
	}
	s = rc_xcalloc(1, sizeof(*s));
	s->loc = loc_at(pc, first);
	if (items) {
		s->nitems = items->n;
		s->items = items->v;
	}
	s->block = block;
	s->semi_loc = loc_at(pc, semi);
	return s;
}

static struct cf_block *close_block(struct cf_parse_ctx *pc, struct cf_block *b,
				    const CF_YYLTYPE *open, const CF_YYLTYPE *close)
{
	b->open_loc = loc_at(pc, open);
	b->close_loc = loc_at(pc, close);
	return b;
}

static bool expects(const yysymbol_kind_t *exp, int n, yysymbol_kind_t sym)
{
	for (int i = 0; i < n; i++)
		if (exp[i] == sym)
			return true;
	return false;
}

static void list_expected(char *buf, size_t len, const yysymbol_kind_t *exp, int n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
				 yysymbol_name(exp[i]));
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* Name the common mistakes instead of bison's token lists.  After an error
 * bison stays quiet until three tokens have been shifted, which keeps one
 * mistake from producing a cascade. */
static int yyreport_syntax_error(const yypcontext_t *ctx, struct cf_parse_ctx *pc, void *scanner)
{
	yysymbol_kind_t tok = yypcontext_token(ctx);
	struct rc_loc loc = loc_at(pc, yypcontext_location(ctx));
	yysymbol_kind_t exp[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
	char found[64], want[128];
	struct rc_diag *diag = pc->lx->diag;

	if (tok == YYSYMBOL_T_LEXERR)
		return 0; /* the lexer said why */
	if (tok == YYSYMBOL_YYEOF && (pc->lx->eof_reported || pc->lx->last_was_bad))
		return 0; /* the file ends in something already reported */
	if (tok == YYSYMBOL_YYEOF)
		snprintf(found, sizeof(found), "end of file");
	else if (tok == YYSYMBOL_T_QSTR)
		snprintf(found, sizeof(found), "%s", pc->lx->last_text);
	else
		snprintf(found, sizeof(found), "'%s'", pc->lx->last_text);
	if (n < 0)
		n = 0;

	const yysymbol_kind_t semi = YYTRANSLATE(';'), open = YYTRANSLATE('{');
	const yysymbol_kind_t close = YYTRANSLATE('}');
	if (n == 1 && exp[0] == semi) { /* only ';' fits: just after a '}' */
		rc_diag_error(diag, &loc,
			      "expected ';' after '}', found %s (every closing brace needs a ';')",
			      found);
	} else if (expects(exp, n, semi) && expects(exp, n, open)) {
		/* in the middle of a statement */
		rc_diag_error(diag, &loc, "missing ';' before %s", found);
	} else if (tok == close) {
		rc_diag_error(diag, &loc, "unexpected '}'");
	} else {
		list_expected(want, sizeof(want), exp, n);
		rc_diag_error(diag, &loc, "syntax error: unexpected %s%s%s", found,
			      n ? ", expected " : "", want);
	}
	return 0;
}

static void cf_yyerror(CF_YYLTYPE *lloc, struct cf_parse_ctx *pc, void *scanner,
		       const char *msg)
{
	struct rc_loc loc = loc_at(pc, lloc);

	/* only bison's "memory exhausted" gets here: the stack is full */
	rc_diag_error(pc->lx->diag, &loc, "blocks nested too deeply (%s)", msg);
}
