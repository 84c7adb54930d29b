/*
 * printf-style formatting without libc: the C99 subset listed in format.h.
 * Output goes through a sink that counts every byte but stores only what fits,
 * so the return value is the untruncated length, as snprintf's is.
 */
#include <tern/format.h>

#define FMT_LEFT (1u << 0)  /* '-' */
#define FMT_ZERO (1u << 1)  /* '0' */
#define FMT_PLUS (1u << 2)  /* '+' */
#define FMT_SPACE (1u << 3) /* ' ' */
#define FMT_ALT (1u << 4)   /* '#' */

/* Width and precision saturate here rather than overflowing an int. */
#define FMT_NUM_MAX 0x7fffffff

struct format_sink {
	char *buf;
	size_t len;
	size_t pos;
};

struct format_spec {
	unsigned int flags;
	int width;
	int prec;       /* -1: none given */
	char length;    /* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z', 't', 'j' */
	char conv;
};

static void format_putc(struct format_sink *out, char c)
{
	if (out->len && out->pos < out->len - 1)
		out->buf[out->pos] = c;
	out->pos++;
}

static void format_repeat(struct format_sink *out, char c, int n)
{
	while (n-- > 0)
		format_putc(out, c);
}

static void format_puts(struct format_sink *out, const char *s, size_t n)
{
	while (n--)
		format_putc(out, *s++);
}

static bool format_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal number at *fmt, saturating instead of overflowing. */
static int format_number(const char **fmt)
{
	int n = 0;

	while (format_is_digit(**fmt)) {
		int d = **fmt - '0';

		n = n > (FMT_NUM_MAX - d) / 10 ? FMT_NUM_MAX : n * 10 + d;
		(*fmt)++;
	}
	return n;
}

static const char *format_parse_flags(const char *fmt, struct format_spec *spec)
{
	for (;; fmt++) {
		switch (*fmt) {
		case '-': spec->flags |= FMT_LEFT; break;
		case '0': spec->flags |= FMT_ZERO; break;
		case '+': spec->flags |= FMT_PLUS; break;
		case ' ': spec->flags |= FMT_SPACE; break;
		case '#': spec->flags |= FMT_ALT; break;
		default: return fmt;
		}
	}
}

static const char *format_parse_length(const char *fmt, struct format_spec *spec)
{
	switch (*fmt) {
	case 'h':
	case 'l':
		spec->length = *fmt++;
		if (*fmt == spec->length) {
			/* hh and ll are kept as 'H' and 'L'. */
			spec->length = spec->length == 'h' ? 'H' : 'L';
			fmt++;
		}
		break;
	case 'z':
	case 't':
	case 'j':
		spec->length = *fmt++;
		break;
	}
	return fmt;
}

static int64_t format_arg_signed(const struct format_spec *spec, va_list *ap)
{
	switch (spec->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (int64_t)va_arg(*ap, size_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t format_arg_unsigned(const struct format_spec *spec, va_list *ap)
{
	switch (spec->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (uint64_t)va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Pads to the field width around a body of n bytes (prefix + zeros + text). */
static void format_pad_left(struct format_sink *out, const struct format_spec *spec, size_t n)
{
	if (!(spec->flags & FMT_LEFT) && (size_t)spec->width > n)
		format_repeat(out, ' ', spec->width - (int)n);
}

static void format_pad_right(struct format_sink *out, const struct format_spec *spec, size_t n)
{
	if ((spec->flags & FMT_LEFT) && (size_t)spec->width > n)
		format_repeat(out, ' ', spec->width - (int)n);
}

/*
 * One integer conversion. digits[] is filled from the end; 22 bytes hold the
 * longest one (a 64-bit value in octal).
 */
static void format_integer(struct format_sink *out, const struct format_spec *spec, uint64_t mag,
			bool negative)
{
	const char *set = spec->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned int base = 10;
	char digits[22];
	size_t nd = 0, body;
	char prefix[3];
	size_t np = 0;
	int zeros;

	if (spec->conv == 'x' || spec->conv == 'X' || spec->conv == 'p')
		base = 16;
	else if (spec->conv == 'o')
		base = 8;

	/* An explicit precision of 0 prints nothing for the value 0. */
	if (mag || spec->prec != 0) {
		do {
			digits[sizeof(digits) - ++nd] = set[mag % base];
			mag /= base;
		} while (mag);
	}

	if (negative)
		prefix[np++] = '-';
	else if ((spec->flags & FMT_PLUS) && (spec->conv == 'd' || spec->conv == 'i'))
		prefix[np++] = '+';
	else if ((spec->flags & FMT_SPACE) && (spec->conv == 'd' || spec->conv == 'i'))
		prefix[np++] = ' ';
	if (spec->conv == 'p' ||
	    ((spec->flags & FMT_ALT) && base == 16 && nd && digits[sizeof(digits) - nd] != '0')) {
		prefix[np++] = '0';
		prefix[np++] = spec->conv == 'X' ? 'X' : 'x';
	}

	zeros = spec->prec > (int)nd ? spec->prec - (int)nd : 0;
	/* '#' with octal makes the first digit a 0. */
	if ((spec->flags & FMT_ALT) && base == 8 && !zeros &&
	    (!nd || digits[sizeof(digits) - nd] != '0'))
		zeros = 1;

	body = np + (size_t)zeros + nd;
	if ((spec->flags & FMT_ZERO) && !(spec->flags & FMT_LEFT) && spec->prec < 0 &&
	    (size_t)spec->width > body) {
		zeros += spec->width - (int)body;
		body = (size_t)spec->width;
	}

	format_pad_left(out, spec, body);
	format_puts(out, prefix, np);
	format_repeat(out, '0', zeros);
	format_puts(out, digits + sizeof(digits) - nd, nd);
	format_pad_right(out, spec, body);
}

static void format_string(struct format_sink *out, const struct format_spec *spec, const char *s)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	/* Never read past the precision: the string need not be terminated. */
	while ((spec->prec < 0 || n < (size_t)spec->prec) && s[n])
		n++;
	format_pad_left(out, spec, n);
	format_puts(out, s, n);
	format_pad_right(out, spec, n);
}

static void format_convert(struct format_sink *out, struct format_spec *spec, va_list *ap)
{
	int64_t sv;
	char c;
	void *p;

	switch (spec->conv) {
	case 'd':
	case 'i':
		sv = format_arg_signed(spec, ap);
		/* Negate in unsigned arithmetic so INT64_MIN works. */
		format_integer(out, spec, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, sv < 0);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_integer(out, spec, format_arg_unsigned(spec, ap), false);
		break;
	case 'p':
		p = va_arg(*ap, void *);
		if (!p) {
			spec->prec = -1;
			format_string(out, spec, "(nil)");
		} else {
			format_integer(out, spec, (uintptr_t)p, false);
		}
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_pad_left(out, spec, 1);
		format_putc(out, c);
		format_pad_right(out, spec, 1);
		break;
	case 's':
		format_string(out, spec, va_arg(*ap, const char *));
		break;
	case '%':
		format_putc(out, '%');
		break;
	default:
		/* Unsupported (including %n): show it rather than guess. */
		format_putc(out, '%');
		if (spec->conv)
			format_putc(out, spec->conv);
		break;
	}
}

/* Parses one conversion after its '%'; returns where the format goes on. */
static const char *format_parse_spec(const char *fmt, struct format_spec *spec, va_list *ap)
{
	spec->flags = 0;
	spec->width = 0;
	spec->prec = -1;
	spec->length = 0;

	fmt = format_parse_flags(fmt, spec);
	if (*fmt == '*') {
		spec->width = va_arg(*ap, int);
		/* A negative width argument means '-' and its magnitude. */
		if (spec->width < 0) {
			spec->flags |= FMT_LEFT;
			spec->width = spec->width == -FMT_NUM_MAX - 1 ? FMT_NUM_MAX : -spec->width;
		}
		fmt++;
	} else {
		spec->width = format_number(&fmt);
	}
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			spec->prec = va_arg(*ap, int);
			if (spec->prec < 0)
				spec->prec = -1;
			fmt++;
		} else {
			spec->prec = format_number(&fmt);
		}
	}
	fmt = format_parse_length(fmt, spec);
	spec->conv = *fmt;
	return *fmt ? fmt + 1 : fmt;
}

int format_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct format_sink out = { .buf = buf, .len = len, .pos = 0 };
	struct format_spec spec;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			format_putc(&out, *fmt++);
			continue;
		}
		fmt = format_parse_spec(fmt + 1, &spec, &args);
		format_convert(&out, &spec, &args);
	}
	va_end(args);

	if (len)
		buf[out.pos < len ? out.pos : len - 1] = '\0';
	return out.pos > FMT_NUM_MAX ? FMT_NUM_MAX : (int)out.pos;
}

int format_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
