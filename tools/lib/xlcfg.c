/*
 * xl.cfg syntax (docs/toolstack.md, "Syntax"): statements KEY = VALUE or
 * KEY += VALUE, ended by a newline or ';'; '#' comments to the end of the
 * line; VALUE is a quoted string (single or double quotes, backslash
 * escapes), a number token kept as written, or a list [ v, v, ... ] that may
 * nest, span lines and end with a comma. Keys are [a-z][._0-9a-z]*.
 *
 * A syntax error is reported in xl's form and the rest of that statement is
 * skipped, so one run shows every bad line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

void xlcfg_msg(struct xlcfg_msgs *m, int is_error, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (is_error)
		m->errors++;
	else
		m->warnings++;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (m->len + (size_t)n + 2 > m->cap) {
		size_t cap = (m->len + (size_t)n + 2) * 2;
		char *t = realloc(m->text, cap);

		if (!t)
			return;
		m->text = t;
		m->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(m->text + m->len, m->cap - m->len, fmt, ap);
	va_end(ap);
	m->len += (size_t)n;
	m->text[m->len++] = '\n';
	m->text[m->len] = '\0';
}

void xlcfg_msgs_free(struct xlcfg_msgs *m)
{
	free(m->text);
	memset(m, 0, sizeof(*m));
}

/* ---- lexer ---- */

enum tok {
	T_EOF, T_EOS /* newline or ';' */, T_KEY, T_ASSIGN, T_APPEND, T_STRING, T_NUMBER,
	T_LBRACKET, T_RBRACKET, T_COMMA, T_ERROR,
};

struct lexer {
	const char *file;
	const char *p, *end;
	int line;
	struct xlcfg_msgs *m;
	/* current token */
	enum tok tok;
	int tok_line;
	const char *start; /* its text in the input */
	size_t tlen;
	char *str;         /* T_STRING: unescaped; T_KEY/T_NUMBER: copy */
	const char *why;   /* T_ERROR */
	int nomem;
	int failed;
};

static void lex_error(struct lexer *lx, int line, const char *near, size_t nlen,
		      const char *why)
{
	xlcfg_msg(lx->m, 1, "%s:%d: config parsing error near `%.*s': %s", lx->file, line,
		  (int)(nlen > 60 ? 60 : nlen), near, why);
	lx->failed = 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A quoted string starting at lx->p (the quote). */
static void lex_string(struct lexer *lx)
{
	char q = *lx->p++;
	char *out = malloc((size_t)(lx->end - lx->p) + 1);
	size_t n = 0;

	if (!out) {
		lx->nomem = 1;
		lx->tok = T_ERROR;
		return;
	}
	while (lx->p < lx->end && *lx->p != q && *lx->p != '\n') {
		char c = *lx->p++;

		if (c == '\0')
			goto bad;
		if (c == '\\' && lx->p < lx->end) {
			char e = *lx->p++;
			int v = 0, k;

			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			case 'x':
				for (k = 0; k < 2 && lx->p < lx->end && hexval(*lx->p) >= 0; k++)
					v = v * 16 + hexval(*lx->p++);
				if (k == 0 || v == 0)
					goto bad;
				c = (char)v;
				break;
			case '0': case '1': case '2': case '3':
			case '4': case '5': case '6': case '7':
				v = e - '0';
				for (k = 1; k < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7'; k++)
					v = v * 8 + (*lx->p++ - '0');
				if (v == 0 || v > 255)
					goto bad;
				c = (char)v;
				break;
			case '\n':
				goto bad;
			default:
				c = e; /* \\ \' \" and any other character stand for themselves */
			}
		}
		out[n++] = c;
	}
	if (lx->p >= lx->end || *lx->p != q) {
		lex_error(lx, lx->tok_line, lx->start, (size_t)(lx->p - lx->start),
			  "unterminated string");
		free(out);
		lx->tok = T_ERROR;
		lx->why = NULL;
		return;
	}
	lx->p++;
	out[n] = '\0';
	lx->str = out;
	lx->tok = T_STRING;
	return;
bad:
	/* The rest of the string is part of the bad token, not new tokens. */
	while (lx->p < lx->end && *lx->p != q && *lx->p != '\n')
		lx->p++;
	if (lx->p < lx->end && *lx->p == q)
		lx->p++;
	free(out);
	lx->tok = T_ERROR;
	lx->why = "bad escape or character in string";
}

static void lex_next(struct lexer *lx)
{
	free(lx->str);
	lx->str = NULL;
	lx->why = NULL;
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
			lx->p++;
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		}
		break;
	}
	lx->start = lx->p;
	lx->tok_line = lx->line;
	if (lx->p >= lx->end) {
		lx->tok = T_EOF;
		lx->tlen = 0;
		return;
	}
	switch (*lx->p) {
	case '\n':
		lx->line++;
		/* fallthrough */
	case ';':
		lx->p++;
		lx->tok = T_EOS;
		break;
	case '=':
		lx->p++;
		lx->tok = T_ASSIGN;
		break;
	case '[':
		lx->p++;
		lx->tok = T_LBRACKET;
		break;
	case ']':
		lx->p++;
		lx->tok = T_RBRACKET;
		break;
	case ',':
		lx->p++;
		lx->tok = T_COMMA;
		break;
	case '"':
	case '\'':
		lex_string(lx);
		break;
	case '+':
		if (lx->p + 1 < lx->end && lx->p[1] == '=') {
			lx->p += 2;
			lx->tok = T_APPEND;
			break;
		}
		/* fallthrough */
	default:
		if (*lx->p >= 'a' && *lx->p <= 'z') {
			while (lx->p < lx->end && (islower((unsigned char)*lx->p) ||
						   isdigit((unsigned char)*lx->p) ||
						   *lx->p == '_' || *lx->p == '.'))
				lx->p++;
			lx->tok = T_KEY;
		} else if (*lx->p >= '0' && *lx->p <= '9') {
			while (lx->p < lx->end && (isdigit((unsigned char)*lx->p) ||
						   (*lx->p >= 'a' && *lx->p <= 'f') || *lx->p == 'x'))
				lx->p++;
			lx->tok = T_NUMBER;
		} else {
			/* The bad token: up to the next blank or separator. */
			while (lx->p < lx->end && !strchr(" \t\r\n;,=[]#", *lx->p))
				lx->p++;
			if (lx->p == lx->start)
				lx->p++;
			lx->tok = T_ERROR;
			lx->why = "lexical error";
		}
		if (lx->tok != T_ERROR) {
			lx->str = strndup(lx->start, (size_t)(lx->p - lx->start));
			if (!lx->str) {
				lx->nomem = 1;
				lx->tok = T_ERROR;
			}
		}
	}
	lx->tlen = (size_t)(lx->p - lx->start);
}

/* ---- parser ---- */

static void value_free(struct xlcfg_value *v)
{
	free(v->text);
	for (unsigned i = 0; i < v->nitems; i++)
		value_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

/* A syntax error at the current token; the caller skips the statement. */
static int syntax_error(struct lexer *lx, const char *why)
{
	if (lx->tok == T_ERROR && !lx->why && !lx->nomem)
		return -EINVAL; /* already reported (unterminated string) */
	if (lx->tok == T_EOF)
		lex_error(lx, lx->tok_line, "", 0, "unexpected end of file");
	else if (lx->tok == T_EOS && lx->start < lx->end && *lx->start == '\n')
		lex_error(lx, lx->tok_line, "\\n", 2, why);
	else
		lex_error(lx, lx->tok_line, lx->start, lx->tlen, lx->why ? lx->why : why);
	if (lx->why && strcmp(lx->why, "lexical error") == 0 && lx->tlen &&
	    strchr("+-.():", *lx->start)) {
		xlcfg_msg(lx->m, 0, "warning: Config file looks like it contains Python code.");
		xlcfg_msg(lx->m, 0, "warning:  Arbitrary Python is no longer supported.");
		xlcfg_msg(lx->m, 0, "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig");
	} else if (lx->why && (lx->tlen == 4 || lx->tlen == 5) &&
		   (strncmp(lx->start, "True", 4) == 0 || strncmp(lx->start, "False", 5) == 0)) {
		xlcfg_msg(lx->m, 0, "%s:%d: xl.cfg has no True/False: write 1 or 0, or delete "
			  "this xm-era line (e.g. autorestart: use on_reboot/on_crash)",
			  lx->file, lx->tok_line);
	}
	return -EINVAL;
}

static int parse_value(struct lexer *lx, struct xlcfg_value *v, int depth);

/* After '[': values separated by commas; newlines are blanks inside lists. */
static int parse_list(struct lexer *lx, struct xlcfg_value *v, int depth)
{
	int rc;

	v->type = XLCFG_LIST;
	lex_next(lx);
	for (;;) {
		while (lx->tok == T_EOS && *lx->start == '\n')
			lex_next(lx);
		if (lx->tok == T_RBRACKET) {
			lex_next(lx);
			return 0;
		}
		if (v->nitems % 8 == 0) {
			struct xlcfg_value *t = realloc(v->items, (v->nitems + 8) * sizeof(*t));

			if (!t) {
				lx->nomem = 1;
				return -ENOMEM;
			}
			v->items = t;
		}
		memset(&v->items[v->nitems], 0, sizeof(v->items[0]));
		rc = parse_value(lx, &v->items[v->nitems], depth + 1);
		if (rc) {
			value_free(&v->items[v->nitems]);
			return rc;
		}
		v->nitems++;
		while (lx->tok == T_EOS && *lx->start == '\n')
			lex_next(lx);
		if (lx->tok == T_COMMA) {
			lex_next(lx);
			continue;
		}
		if (lx->tok != T_RBRACKET)
			return syntax_error(lx, lx->tok == T_EOF ? "unterminated list" :
					    "syntax error: expected `,' or `]'");
	}
}

static int parse_value(struct lexer *lx, struct xlcfg_value *v, int depth)
{
	v->line = lx->tok_line;
	if (depth > 16)
		return syntax_error(lx, "lists nested too deeply");
	switch (lx->tok) {
	case T_STRING:
	case T_NUMBER:
		v->type = lx->tok == T_STRING ? XLCFG_STRING : XLCFG_NUMBER;
		v->text = lx->str;
		lx->str = NULL;
		lex_next(lx);
		return 0;
	case T_LBRACKET:
		return parse_list(lx, v, depth);
	case T_KEY:
		/* A bare word is not a value in xl.cfg (no booleans, no names). */
		lx->why = "lexical error";
		return syntax_error(lx, "lexical error");
	default:
		return syntax_error(lx, "syntax error: expected a value");
	}
}

static int raw_add(struct xlcfg_raw *raw, struct xlcfg_setting *s)
{
	if (raw->n == raw->cap) {
		unsigned cap = raw->cap ? raw->cap * 2 : 16;
		struct xlcfg_setting *t = realloc(raw->v, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		raw->v = t;
		raw->cap = cap;
	}
	raw->v[raw->n++] = *s;
	return 0;
}

/* One statement; on error the statement's remaining tokens are skipped. */
static int parse_statement(struct lexer *lx, struct xlcfg_raw *raw)
{
	struct xlcfg_setting s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.file = lx->file;
	s.line = lx->tok_line;
	if (lx->tok != T_KEY)
		return syntax_error(lx, "syntax error: expected a key");
	s.key = lx->str;
	lx->str = NULL;
	lex_next(lx);
	if (lx->tok != T_ASSIGN && lx->tok != T_APPEND) {
		free(s.key);
		return syntax_error(lx, "syntax error: expected `=' or `+='");
	}
	s.append = lx->tok == T_APPEND;
	lex_next(lx);
	rc = parse_value(lx, &s.value, 0);
	if (rc == 0 && lx->tok != T_EOS && lx->tok != T_EOF)
		rc = syntax_error(lx, "syntax error: expected the end of the statement");
	if (rc == 0)
		rc = raw_add(raw, &s);
	if (rc) {
		free(s.key);
		value_free(&s.value);
		if (rc == -ENOMEM)
			lx->nomem = 1;
	}
	return rc;
}

int xlcfg_parse(struct xlcfg_raw *raw, const char *file, const char *text, size_t len,
		struct xlcfg_msgs *m)
{
	struct lexer lx;

	memset(&lx, 0, sizeof(lx));
	lx.file = file;
	lx.p = text;
	lx.end = text + len;
	lx.line = 1;
	lx.m = m;
	lex_next(&lx);
	while (lx.tok != T_EOF && !lx.nomem) {
		if (lx.tok == T_EOS) {
			lex_next(&lx);
			continue;
		}
		if (parse_statement(&lx, raw) == 0)
			continue;
		/* Skip to the end of the line the error is on (lists included). */
		while (lx.tok != T_EOF && !lx.nomem && !(lx.tok == T_EOS && *lx.start == '\n'))
			lex_next(&lx);
	}
	free(lx.str);
	if (lx.nomem)
		return -ENOMEM;
	return lx.failed ? -EINVAL : 0;
}

void xlcfg_raw_free(struct xlcfg_raw *raw)
{
	for (unsigned i = 0; i < raw->n; i++) {
		free(raw->v[i].key);
		value_free(&raw->v[i].value);
	}
	free(raw->v);
	memset(raw, 0, sizeof(*raw));
}
