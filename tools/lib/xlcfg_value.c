/*
 * Values of xl.cfg keys: folding repeated assignments, typed reads with
 * errors that name the file and line, and the cpumap and UUID forms.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg_value.h"

/* ---- values ---- */

static int value_copy(struct xlcfg_value *dst, const struct xlcfg_value *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->type = src->type;
	dst->line = src->line;
	if (src->text && !(dst->text = strdup(src->text)))
		return -ENOMEM;
	if (src->nitems) {
		dst->items = calloc(src->nitems, sizeof(*dst->items));
		if (!dst->items)
			return -ENOMEM;
		for (unsigned i = 0; i < src->nitems; i++) {
			dst->nitems = i + 1;
			if (value_copy(&dst->items[i], &src->items[i]))
				return -ENOMEM;
		}
	}
	return 0;
}

void cfg_value_clear(struct xlcfg_value *v)
{
	free(v->text);
	for (unsigned i = 0; i < v->nitems; i++)
		cfg_value_clear(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

/* a += b for strings (concatenation) and lists (items appended). */
static int value_append(struct ctx *c, struct resolved *r, const struct xlcfg_setting *s)
{
	struct xlcfg_value *a = &r->value;
	const struct xlcfg_value *b = &s->value;

	if (a->type == XLCFG_STRING && b->type == XLCFG_STRING) {
		size_t la = strlen(a->text), lb = strlen(b->text);
		char *t = realloc(a->text, la + lb + 1);

		if (!t)
			return -ENOMEM;
		memcpy(t + la, b->text, lb + 1);
		a->text = t;
		return 0;
	}
	if (a->type == XLCFG_LIST && b->type == XLCFG_LIST) {
		struct xlcfg_value *t;

		if (b->nitems == 0)
			return 0;
		t = realloc(a->items, (a->nitems + b->nitems) * sizeof(*t));
		if (!t)
			return -ENOMEM;
		a->items = t;
		for (unsigned i = 0; i < b->nitems; i++) {
			if (value_copy(&a->items[a->nitems], &b->items[i]))
				return -ENOMEM;
			a->nitems++;
		}
		return 0;
	}
	if (a->type == XLCFG_NUMBER || b->type == XLCFG_NUMBER)
		xlcfg_msg(c->m, 1, "%s:%d: can't use += with numbers", s->file, s->line);
	else
		xlcfg_msg(c->m, 1, "%s:%d: += of a %s to a %s", s->file, s->line,
			  b->type == XLCFG_LIST ? "list" : "string",
			  a->type == XLCFG_LIST ? "list" : "string");
	return -EINVAL;
}

int cfg_resolve(struct ctx *c, const struct xlcfg_raw *raw)
{
	int rc = 0;

	c->r = calloc(raw->n ? raw->n : 1, sizeof(*c->r));
	if (!c->r)
		return -ENOMEM;
	for (unsigned i = 0; i < raw->n; i++) {
		const struct xlcfg_setting *s = &raw->v[i];
		struct resolved *r = NULL;

		for (unsigned j = 0; j < c->nr; j++)
			if (strcmp(c->r[j].key, s->key) == 0)
				r = &c->r[j];
		if (r && s->append) {
			int e = value_append(c, r, s);

			if (e == -ENOMEM)
				return e;
			rc = rc ? rc : e;
		} else {
			if (!r)
				r = &c->r[c->nr++];
			else
				cfg_value_clear(&r->value);
			r->key = s->key;
			if (value_copy(&r->value, &s->value))
				return -ENOMEM;
		}
		r->file = s->file;
		r->line = s->line;
	}
	return rc;
}

/* ---- typed accessors: each reports its own error ---- */

int cfg_get_string(struct ctx *c, const struct resolved *r, const char **out)
{
	if (r->value.type == XLCFG_LIST) {
		xlcfg_msg(c->m, 1, "%s:%d: parameter `%s' is a list but should be a single value",
			  r->file, r->line, r->key);
		return -EINVAL;
	}
	*out = r->value.text;
	return 0;
}

int cfg_get_number(struct ctx *c, const struct resolved *r, unsigned long long *out)
{
	char *end;

	if (r->value.type == XLCFG_LIST) {
		xlcfg_msg(c->m, 1, "%s:%d: parameter `%s' is a list but should be a single value",
			  r->file, r->line, r->key);
		return -EINVAL;
	}
	if (r->value.type != XLCFG_NUMBER) {
		xlcfg_msg(c->m, 1, "%s:%d: parameter `%s' is not a valid number (write %s = %s, "
			  "without quotes)", r->file, r->line, r->key, r->key,
			  isdigit((unsigned char)r->value.text[0]) ? r->value.text : "N");
		return -EINVAL;
	}
	errno = 0;
	*out = strtoull(r->value.text, &end, 0);
	if (*end || errno) {
		xlcfg_msg(c->m, 1, "%s:%d: parameter `%s' could not be parsed as a number: %s",
			  r->file, r->line, r->key, r->value.text);
		return -EINVAL;
	}
	return 0;
}

int cfg_get_bounded(struct ctx *c, const struct resolved *r, unsigned long long min,
		    unsigned long long max, unsigned long long *out)
{
	int rc = cfg_get_number(c, r, out);

	if (rc)
		return rc;
	if (*out < min || *out > max) {
		xlcfg_msg(c->m, 1, "%s:%d: value `%llu' of `%s' is %s than the %s bound %llu",
			  r->file, r->line, *out, r->key, *out < min ? "smaller" : "greater",
			  *out < min ? "minimum" : "maximum", *out < min ? min : max);
		return -EINVAL;
	}
	return 0;
}

int cfg_set_str(struct ctx *c, const struct resolved *r, char **field)
{
	const char *s;
	int rc = cfg_get_string(c, r, &s);

	if (rc)
		return rc;
	free(*field);
	*field = strdup(s);
	return *field ? 0 : -ENOMEM;
}

uint64_t xlcfg_vcpu_cpumap(int n, const uint64_t *maps, unsigned v)
{
	if (n == 1)
		return maps[0];
	return (int)v < n ? maps[v] : ~0ull;
}

int xlcfg_parse_cpumap(const char *s, uint64_t *map)
{
	uint64_t set = 0, clear = 0;
	const char *p = s;

	if (strcmp(s, "all") == 0) {
		*map = ~0ull;
		return 0;
	}
	while (*p) {
		int neg = 0;
		unsigned long a, b;
		char *end;

		while (*p == ' ')
			p++;
		if (*p == '^') {
			neg = 1;
			p++;
		}
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		a = strtoul(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (a > b || b > 63)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			*(neg ? &clear : &set) |= 1ull << i;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	/* "^1" alone means every pCPU but 1, as in xl. */
	if (!set && clear)
		set = ~0ull;
	set &= ~clear;
	if (!set)
		return -EINVAL;
	*map = set;
	return 0;
}

int xlcfg_parse_uuid(const char *s, uint8_t out[16])
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t len = strlen(s), pos = 0;
	int k = 0, d = 0;

	if (len != 36 && len != 32)
		return -EINVAL;
	for (int i = 0; i < 16; i++) {
		int hi, lo;

		if (len == 36 && d < 4 && (int)pos == dash[d]) {
			if (s[pos++] != '-')
				return -EINVAL;
			d++;
		}
		hi = isxdigit((unsigned char)s[pos]) ? s[pos] : -1;
		lo = isxdigit((unsigned char)s[pos + 1]) ? s[pos + 1] : -1;
		if (hi < 0 || lo < 0)
			return -EINVAL;
		hi = isdigit(hi) ? hi - '0' : tolower(hi) - 'a' + 10;
		lo = isdigit(lo) ? lo - '0' : tolower(lo) - 'a' + 10;
		out[k++] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	return pos == len ? 0 : -EINVAL;
}
