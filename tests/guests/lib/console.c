/*
 * Console output and a small printf: %[-0][width][.prec][hh|h|l|ll|z](d i u
 * x X p s c %). Under Xen the text goes to console_io(CONSOLEIO_write), whose
 * buffer argument is a guest-virtual address (identity mapped here); without
 * Xen it goes to QEMU's debug port 0xe9 and to COM1.
 */
#include "lib.h"

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THR_EMPTY 0x20

static void port_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		outb(0xe9, s[i]);
		for (int spins = 0; spins < 100000 && !(inb(COM1_LSR) & LSR_THR_EMPTY); spins++)
			cpu_relax();
		outb(COM1, s[i]);
	}
}

void console_write(const char *s, size_t len)
{
	if (xen_cpuid_base)
		console_io(CONSOLEIO_write, len, s);
	else
		port_write(s, len);
}

struct out {
	char *buf;
	size_t size, len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_number(struct out *o, uint64_t v, bool negative, unsigned int base,
		       bool upper, int width, bool zero_pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int len = n + negative;

	if (negative && zero_pad)
		out_char(o, '-');
	for (; !left && width > len; width--)
		out_char(o, zero_pad ? '0' : ' ');
	if (negative && !zero_pad)
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
	for (; left && width > len; width--)
		out_char(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		bool left = false, zero = false, alt = false;
		int width = 0, prec = -1, lng = 0;

		for (;; fmt++) {
			if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '0')
				zero = true;
			else if (fmt[1] == '#')
				alt = true;
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			width = width * 10 + (*++fmt - '0');
		if (fmt[1] == '.') {
			fmt++;
			prec = 0;
			if (fmt[1] == '*') {
				fmt++;
				prec = va_arg(ap, int);
			}
			while (fmt[1] >= '0' && fmt[1] <= '9')
				prec = prec * 10 + (*++fmt - '0');
		}
		while (fmt[1] == 'l' || fmt[1] == 'z' || fmt[1] == 'h') {
			fmt++;
			lng += *fmt == 'h' ? -1 : 1 + (*fmt == 'z');
		}
		char c = *++fmt;
		uint64_t u;
		int64_t s;

		switch (c) {
		case 'd':
		case 'i':
			s = lng > 0 ? va_arg(ap, long) : va_arg(ap, int);
			out_number(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, false, width,
				   zero, left);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'p':
			if (c == 'p')
				u = (uintptr_t)va_arg(ap, void *);
			else
				u = lng > 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng == -1)
				u &= 0xffff;
			else if (lng < -1)
				u &= 0xff;
			if ((alt && c != 'u' && u) || c == 'p') {
				out_char(&o, '0');
				out_char(&o, 'x');
			}
			out_number(&o, u, false, c == 'u' ? 10 : 16, c == 'X', width, zero, left);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			int len = (int)strnlen(str, prec < 0 ? (size_t)-1 : (size_t)prec);

			for (; !left && width > len; width--)
				out_char(&o, ' ');
			for (int i = 0; i < len; i++)
				out_char(&o, str[i]);
			for (; left && width > len; width--)
				out_char(&o, ' ');
			break;
		}
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		default: /* unknown: print it as written */
			out_char(&o, '%');
			if (c)
				out_char(&o, c);
			else
				fmt--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
