/*
 * Hypervisor command line parsing, with Xen's option names and syntax.
 *
 * Each word is first copied, bounded, into a name and a value buffer (quotes
 * removed), then handed to the parser named in cmdline_options[]. A parser
 * works on locals and stores into boot_options only once the whole value has
 * been accepted, so a bad value leaves the default untouched.
 */
#include <tern/cmdline.h>
#include <tern/format.h>
#include <tern/string.h>

/* Longer names than any option, and values longer than any sane one, are refused. */
#define CMDLINE_NAME_MAX 64
#define CMDLINE_VALUE_MAX 256

#define CMDLINE_MAX_VCPUS 4096
#define CMDLINE_MAX_BAUD 4000000

struct cmdline_word {
	char name[CMDLINE_NAME_MAX];
	char value[CMDLINE_VALUE_MAX];
	bool has_value;      /* an unquoted '=' was seen */
	bool name_too_long;
	bool value_too_long;
	bool open_quote;     /* the line ended inside quotes */
};

struct cmdline_option;

/* Returns NULL when the value was applied, else why it was refused. */
typedef const char *(*cmdline_parser)(const char *value, struct boot_options *opts,
				      const struct cmdline_option *opt);

struct cmdline_option {
	const char *name;
	cmdline_parser parse;
	size_t field;  /* offset of the boot_options member the option sets */
	size_t field2; /* a second member, for options that set two */
};

static const char *cmdline_parse_bool(const char *value, struct boot_options *opts,
				      const struct cmdline_option *opt);
static const char *cmdline_parse_dom0_mem(const char *value, struct boot_options *opts,
					  const struct cmdline_option *opt);
static const char *cmdline_parse_vcpus(const char *value, struct boot_options *opts,
				       const struct cmdline_option *opt);
static const char *cmdline_parse_console(const char *value, struct boot_options *opts,
					 const struct cmdline_option *opt);
static const char *cmdline_parse_com(const char *value, struct boot_options *opts,
				     const struct cmdline_option *opt);
static const char *cmdline_parse_loglvl(const char *value, struct boot_options *opts,
					const struct cmdline_option *opt);

#define FIELD(member) offsetof(struct boot_options, member)

/* Every option the hypervisor knows; a new option is one line here. */
static const struct cmdline_option cmdline_options[] = {
	{ "dom0_mem", cmdline_parse_dom0_mem, FIELD(dom0_mem), 0 },
	{ "dom0_max_vcpus", cmdline_parse_vcpus, FIELD(dom0_max_vcpus), 0 },
	{ "dom0_vcpus_pin", cmdline_parse_bool, FIELD(dom0_vcpus_pin), 0 },
	{ "console", cmdline_parse_console, FIELD(console), 0 },
	{ "com1", cmdline_parse_com, FIELD(com[0]), 0 },
	{ "com2", cmdline_parse_com, FIELD(com[1]), 0 },
	{ "loglvl", cmdline_parse_loglvl, FIELD(loglvl), FIELD(loglvl_rate_limited) },
	{ "guest_loglvl", cmdline_parse_loglvl, FIELD(guest_loglvl),
	  FIELD(guest_loglvl_rate_limited) },
	{ "noreboot", cmdline_parse_bool, FIELD(noreboot), 0 },
};

static const char *const cmdline_log_names[] = {
	[LOG_NONE] = "none",
	[LOG_ERR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
	[LOG_ALL] = "all",
};

static void *cmdline_field(struct boot_options *opts, size_t offset)
{
	return (char *)opts + offset;
}

static bool cmdline_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *cmdline_skip_blanks(const char *p)
{
	while (cmdline_is_blank(*p))
		p++;
	return p;
}

/* Length of the item at p in a comma-separated list. */
static size_t cmdline_item_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != ',')
		n++;
	return n;
}

static bool cmdline_item_is(const char *p, size_t n, const char *word)
{
	return strlen(word) == n && !strncmp(p, word, n);
}

static int cmdline_digit(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

/* A decimal number, or hexadecimal after "0x". False without digits or on overflow. */
static bool cmdline_parse_u64(const char *s, const char **end, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	bool any = false;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; (d = cmdline_digit(*s, base)) >= 0; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
		any = true;
	}
	if (!any)
		return false;
	*end = s;
	*out = v;
	return true;
}

/* A number that must fill the whole item [p, p+n) and lie in [lo, hi]. */
static bool cmdline_item_number(const char *p, size_t n, uint64_t lo, uint64_t hi,
				uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (!cmdline_parse_u64(p, &end, &v) || end != p + n || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool parse_size(const char *s, const char **end, uint64_t *out)
{
	unsigned int shift = 10; /* no suffix: KiB, as Xen */
	bool unit = true;
	const char *p;
	uint64_t v;

	if (!s || !cmdline_parse_u64(s, &p, &v))
		return false;
	switch (*p) {
	case 'T': case 't': shift = 40; break;
	case 'G': case 'g': shift = 30; break;
	case 'M': case 'm': shift = 20; break;
	case 'K': case 'k': shift = 10; break;
	case 'B': case 'b': shift = 0; unit = false; p++; break; /* bytes */
	default: unit = false; break;
	}
	if (unit) {
		p++;
		/* "M" and "MB" alike. */
		if (*p == 'B' || *p == 'b')
			p++;
	}
	if (v > (UINT64_MAX >> shift))
		return false;
	if (end)
		*end = p;
	else if (*p)
		return false;
	*out = v << shift;
	return true;
}

static const char *cmdline_parse_bool(const char *value, struct boot_options *opts,
				      const struct cmdline_option *opt)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
	static const char *const no[] = { "0", "no", "false", "off", "disable" };
	bool *flag = cmdline_field(opts, opt->field);
	size_t i;

	/* The bare word (no '=') means true. */
	if (!value) {
		*flag = true;
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(value, yes[i])) {
			*flag = true;
			return NULL;
		}
		if (!strcmp(value, no[i])) {
			*flag = false;
			return NULL;
		}
	}
	return "not a boolean (1/0, yes/no, true/false, on/off)";
}

/* dom0_mem=[min:<size>,][max:<size>,][<size>]: the last dom0_mem= word wins whole. */
static const char *cmdline_parse_dom0_mem(const char *value, struct boot_options *opts,
					  const struct cmdline_option *opt)
{
	uint64_t size = 0, min = 0, max = 0, v;
	const char *p = value, *end;

	(void)opt;
	for (;;) {
		uint64_t *dst = &size;

		if (*p == ',' || !*p)
			return "empty item in list";
		if (!strncmp(p, "min:", 4)) {
			dst = &min;
			p += 4;
		} else if (!strncmp(p, "max:", 4)) {
			dst = &max;
			p += 4;
		}
		if (!parse_size(p, &end, &v) || (*end && *end != ','))
			return "bad size (expected <n>[K|M|G|T], or min:/max: and a size)";
		*dst = v;
		if (!*end)
			break;
		p = end + 1;
	}
	if (min && max && min > max)
		return "min: is above max:";
	opts->dom0_mem = size;
	opts->dom0_mem_min = min;
	opts->dom0_mem_max = max;
	return NULL;
}

/* dom0_max_vcpus=<n> or <min>-<max> (Xen); only the maximum is kept. */
static const char *cmdline_parse_vcpus(const char *value, struct boot_options *opts,
				       const struct cmdline_option *opt)
{
	unsigned int *field = cmdline_field(opts, opt->field);
	const char *p = value;
	uint64_t lo = 1, hi;

	if (*p != '-') {
		if (!cmdline_parse_u64(p, &p, &lo))
			return "not a number";
	}
	hi = lo;
	if (*p == '-' && !cmdline_parse_u64(p + 1, &p, &hi))
		return "not a number";
	if (*p)
		return "trailing characters after the number";
	if (lo < 1 || hi > CMDLINE_MAX_VCPUS || lo > hi)
		return "out of range (1-4096)";
	*field = (unsigned int)hi;
	return NULL;
}

/* console=<dev>[,<dev>...] with dev one of com1, com2, vga, none. */
static const char *cmdline_parse_console(const char *value, struct boot_options *opts,
					 const struct cmdline_option *opt)
{
	unsigned int *field = cmdline_field(opts, opt->field);
	unsigned int mask = 0;
	const char *p = value;

	for (;;) {
		size_t n = cmdline_item_len(p);

		if (!n)
			return "empty item in list";
		if (cmdline_item_is(p, n, "com1"))
			mask |= CONSOLE_COM1;
		else if (cmdline_item_is(p, n, "com2"))
			mask |= CONSOLE_COM2;
		else if (cmdline_item_is(p, n, "vga"))
			mask |= CONSOLE_VGA;
		else if (!cmdline_item_is(p, n, "none"))
			return "unknown console (com1, com2, vga, none)";
		if (!p[n])
			break;
		p += n + 1;
	}
	*field = mask;
	return NULL;
}

static const char *cmdline_com_baud(const char *p, size_t n, struct uart_config *uc)
{
	uint64_t v;

	if (cmdline_item_is(p, n, "auto")) {
		uc->baud = 0;
		return NULL;
	}
	if (!cmdline_item_number(p, n, 1, CMDLINE_MAX_BAUD, &v))
		return "bad baud rate (1-4000000 or auto)";
	uc->baud = (uint32_t)v;
	return NULL;
}

static const char *cmdline_com_dps(const char *p, size_t n, struct uart_config *uc)
{
	char parity;

	if (n != 3)
		return "bad data/parity/stop (e.g. 8n1)";
	parity = p[1] >= 'A' && p[1] <= 'Z' ? (char)(p[1] - 'A' + 'a') : p[1];
	if (p[0] < '5' || p[0] > '8' || !parity || !strchr("noems", parity) ||
	    (p[2] != '1' && p[2] != '2'))
		return "bad data/parity/stop (e.g. 8n1)";
	uc->data_bits = (uint8_t)(p[0] - '0');
	uc->parity = parity;
	uc->stop_bits = (uint8_t)(p[2] - '0');
	return NULL;
}

static const char *cmdline_com_io(const char *p, size_t n, struct uart_config *uc)
{
	uint64_t v;

	if (!cmdline_item_number(p, n, 1, 0xffff, &v))
		return "bad I/O port (1-0xffff)";
	uc->io_base = (uint16_t)v;
	return NULL;
}

static const char *cmdline_com_irq(const char *p, size_t n, struct uart_config *uc)
{
	uint64_t v;

	if (!cmdline_item_number(p, n, 0, 15, &v))
		return "bad IRQ (0-15)";
	uc->irq = (uint8_t)v;
	return NULL;
}

/* com1=<baud>|auto[,<data><parity><stop>[,<io-base>[,<irq>]]]; empty fields keep their value. */
static const char *cmdline_parse_com(const char *value, struct boot_options *opts,
				     const struct cmdline_option *opt)
{
	static const char *(*const fields[])(const char *, size_t, struct uart_config *) = {
		cmdline_com_baud, cmdline_com_dps, cmdline_com_io, cmdline_com_irq,
	};
	struct uart_config *field = cmdline_field(opts, opt->field);
	struct uart_config uc = *field;
	const char *p = value;
	size_t i;

	for (i = 0;; i++) {
		size_t n = cmdline_item_len(p);
		const char *reason;

		if (i == ARRAY_SIZE(fields))
			return "too many fields";
		if (n) {
			reason = fields[i](p, n, &uc);
			if (reason)
				return reason;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	*field = uc;
	return NULL;
}

static bool cmdline_log_level(const char *p, size_t n, enum log_level *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmdline_log_names); i++) {
		if (cmdline_item_is(p, n, cmdline_log_names[i])) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

/* loglvl=<level>[/<rate-limited level>]; as in Xen the second is at least the first. */
static const char *cmdline_parse_loglvl(const char *value, struct boot_options *opts,
					const struct cmdline_option *opt)
{
	enum log_level *lower = cmdline_field(opts, opt->field);
	enum log_level *upper = cmdline_field(opts, opt->field2);
	const char *slash = strchr(value, '/');
	enum log_level lo, hi;

	if (!cmdline_log_level(value, slash ? (size_t)(slash - value) : strlen(value), &lo))
		return "unknown log level (none, error, warning, info, debug, all)";
	hi = lo;
	if (slash && !cmdline_log_level(slash + 1, strlen(slash + 1), &hi))
		return "unknown log level (none, error, warning, info, debug, all)";
	*lower = lo;
	*upper = MAX(lo, hi);
	return NULL;
}

void boot_options_default(struct boot_options *opts)
{
	static const struct uart_config com_default[2] = {
		{ .baud = 115200, .data_bits = 8, .parity = 'n', .stop_bits = 1,
		  .io_base = 0x3f8, .irq = 4 },
		{ .baud = 115200, .data_bits = 8, .parity = 'n', .stop_bits = 1,
		  .io_base = 0x2f8, .irq = 3 },
	};

	memset(opts, 0, sizeof(*opts));
	opts->console = CONSOLE_COM1;
	opts->com[0] = com_default[0];
	opts->com[1] = com_default[1];
	opts->loglvl = LOG_INFO;
	opts->loglvl_rate_limited = LOG_INFO;
	opts->guest_loglvl = LOG_INFO;
	opts->guest_loglvl_rate_limited = LOG_INFO;
}

static const struct cmdline_option *cmdline_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmdline_options); i++)
		if (!strcmp(cmdline_options[i].name, name))
			return &cmdline_options[i];
	return NULL;
}

/* Copies one word (bounded) into w, removing quotes; returns the end of the word. */
static const char *cmdline_split_word(const char *p, struct cmdline_word *w)
{
	size_t nn = 0, nv = 0;
	bool quoted = false;

	w->has_value = w->name_too_long = w->value_too_long = false;
	for (; *p && (quoted || !cmdline_is_blank(*p)); p++) {
		if (*p == '"') {
			quoted = !quoted;
		} else if (*p == '=' && !quoted && !w->has_value) {
			w->has_value = true;
		} else if (!w->has_value) {
			if (nn < sizeof(w->name) - 1)
				w->name[nn++] = *p;
			else
				w->name_too_long = true;
		} else {
			if (nv < sizeof(w->value) - 1)
				w->value[nv++] = *p;
			else
				w->value_too_long = true;
		}
	}
	w->name[nn] = '\0';
	w->value[nv] = '\0';
	w->open_quote = quoted;
	return p;
}

/* The name for a report: control and non-ASCII bytes become '?' so logs stay clean. */
static void cmdline_display_name(const struct cmdline_word *w, char *out, size_t len)
{
	size_t i;

	for (i = 0; w->name[i] && i < len - 4; i++) {
		unsigned char c = (unsigned char)w->name[i];

		out[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	if (w->name_too_long)
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = '\0';
	if (!i) {
		const char *s = w->has_value ? "=" : "\"\"";

		memcpy(out, s, strlen(s) + 1);
	}
}

/* Finds the option a word names, directly or as no-<boolean>. */
static const char *cmdline_find(const char *name, const struct cmdline_option **opt,
				bool *negate)
{
	*negate = false;
	*opt = cmdline_lookup(name);
	if (*opt || strncmp(name, "no-", 3))
		return *opt ? NULL : "unknown option";
	*opt = cmdline_lookup(name + 3);
	if (!*opt)
		return "unknown option";
	if ((*opt)->parse != cmdline_parse_bool)
		return "no- applies only to boolean options";
	*negate = true;
	return NULL;
}

static const char *cmdline_apply(const struct cmdline_word *w, struct boot_options *opts)
{
	const struct cmdline_option *opt;
	const char *reason;
	bool negate;

	if (w->open_quote)
		return "unterminated quote";
	if (w->name_too_long)
		return "unknown option (name too long)";
	if (!w->name[0])
		return "missing option name";
	reason = cmdline_find(w->name, &opt, &negate);
	if (reason)
		return reason;
	if (w->value_too_long)
		return "value too long";
	if (opt->parse == cmdline_parse_bool) {
		bool *flag = cmdline_field(opts, opt->field);

		reason = cmdline_parse_bool(w->has_value ? w->value : NULL, opts, opt);
		if (!reason && negate)
			*flag = !*flag;
		return reason;
	}
	if (!w->has_value)
		return "missing value";
	return opt->parse(w->value, opts, opt);
}

void cmdline_parse(const char *cmdline, struct boot_options *opts, cmdline_report_fn report)
{
	struct cmdline_word w;
	char display[CMDLINE_NAME_MAX + 4];
	const char *p = cmdline;
	const char *reason;

	if (!p)
		return;
	for (;;) {
		p = cmdline_skip_blanks(p);
		if (!*p)
			break;
		p = cmdline_split_word(p, &w);
		reason = cmdline_apply(&w, opts);
		if (reason && report) {
			cmdline_display_name(&w, display, sizeof(display));
			report(display, reason);
		}
	}
}

/* Whether [p, p+n) is an option word on its own, such as "noreboot". */
static bool cmdline_is_option_word(const char *p, size_t n)
{
	const struct cmdline_option *opt;
	char name[CMDLINE_NAME_MAX];
	bool negate;

	if (n >= sizeof(name))
		return false;
	memcpy(name, p, n);
	name[n] = '\0';
	return !cmdline_find(name, &opt, &negate);
}

/* GRUB 2 names itself "GRUB 2.06..." (its betas "GRUB 1.98"), GRUB Legacy "GNU GRUB 0.97". */
static bool cmdline_loader_is_grub2(const char *loader)
{
	return loader && !strncmp(loader, "GRUB ", 5) && loader[5] >= '1' && loader[5] <= '9';
}

const char *cmdline_skip_image_name(const char *cmdline, const char *loader)
{
	const char *word, *p;
	bool has_eq = false;

	if (!cmdline)
		return "";
	word = p = cmdline_skip_blanks(cmdline);
	if (cmdline_loader_is_grub2(loader))
		return word;
	for (; *p && !cmdline_is_blank(*p); p++)
		if (*p == '=')
			has_eq = true;
	/*
	 * An image path never holds '=', so a word with one is an option and the
	 * loader passed no image name. A bare option such as "noreboot" is kept
	 * for the same reason.
	 */
	if (has_eq || p == word || cmdline_is_option_word(word, (size_t)(p - word)))
		return word;
	return cmdline_skip_blanks(p);
}

/* Appends to a bounded buffer, counting what did not fit, as snprintf does. */
struct cmdline_out {
	char *buf;
	size_t len;
	size_t pos;
};

static void cmdline_out(struct cmdline_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cmdline_out(struct cmdline_out *o, const char *fmt, ...)
{
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* Starts a new "name=value" word: a space before every word but the first. */
static void cmdline_out_word(struct cmdline_out *o, const char *name)
{
	cmdline_out(o, "%s%s", o->pos ? " " : "", name);
}

/* A size with the largest unit that divides it exactly (parse_size reads it back). */
static void cmdline_out_size(struct cmdline_out *o, uint64_t v)
{
	static const struct { unsigned int shift; char unit; } units[] = {
		{ 40, 'T' }, { 30, 'G' }, { 20, 'M' }, { 10, 'K' },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (!(v & ((1ULL << units[i].shift) - 1))) {
			cmdline_out(o, "%llu%c", (unsigned long long)(v >> units[i].shift),
				    units[i].unit);
			return;
		}
	}
	cmdline_out(o, "%lluB", (unsigned long long)v);
}

static void cmdline_out_dom0_mem(struct cmdline_out *o, const struct boot_options *opts)
{
	const char *sep = "";

	if (!opts->dom0_mem && !opts->dom0_mem_min && !opts->dom0_mem_max)
		return;
	cmdline_out_word(o, "dom0_mem=");
	if (opts->dom0_mem_min) {
		cmdline_out(o, "min:");
		cmdline_out_size(o, opts->dom0_mem_min);
		sep = ",";
	}
	if (opts->dom0_mem_max) {
		cmdline_out(o, "%smax:", sep);
		cmdline_out_size(o, opts->dom0_mem_max);
		sep = ",";
	}
	if (opts->dom0_mem) {
		cmdline_out(o, "%s", sep);
		cmdline_out_size(o, opts->dom0_mem);
	}
}

static void cmdline_out_console(struct cmdline_out *o, unsigned int mask)
{
	static const struct { unsigned int bit; const char *name; } devs[] = {
		{ CONSOLE_COM1, "com1" }, { CONSOLE_COM2, "com2" }, { CONSOLE_VGA, "vga" },
	};
	const char *sep = "=";
	size_t i;

	cmdline_out_word(o, "console");
	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		if (mask & devs[i].bit) {
			cmdline_out(o, "%s%s", sep, devs[i].name);
			sep = ",";
		}
	}
	if (!(mask & (CONSOLE_COM1 | CONSOLE_COM2 | CONSOLE_VGA)))
		cmdline_out(o, "=none");
}

static void cmdline_out_com(struct cmdline_out *o, unsigned int port, const struct uart_config *uc)
{
	cmdline_out_word(o, port == 1 ? "com1=" : "com2=");
	if (uc->baud)
		cmdline_out(o, "%u", uc->baud);
	else
		cmdline_out(o, "auto");
	cmdline_out(o, ",%u%c%u,%#x,%u", uc->data_bits, uc->parity ? uc->parity : '?',
		    uc->stop_bits, uc->io_base, uc->irq);
}

static const char *cmdline_log_name(enum log_level lvl)
{
	return (unsigned int)lvl < ARRAY_SIZE(cmdline_log_names) ? cmdline_log_names[lvl] : "?";
}

static void cmdline_out_loglvl(struct cmdline_out *o, const char *name, enum log_level lo,
			       enum log_level hi)
{
	cmdline_out_word(o, name);
	cmdline_out(o, "=%s", cmdline_log_name(lo));
	if (hi != lo)
		cmdline_out(o, "/%s", cmdline_log_name(hi));
}

static bool cmdline_com_same(const struct uart_config *a, const struct uart_config *b)
{
	return a->baud == b->baud && a->data_bits == b->data_bits && a->parity == b->parity &&
	       a->stop_bits == b->stop_bits && a->io_base == b->io_base && a->irq == b->irq;
}

/*
 * The text parses back into the same options. A com port appears when a
 * console uses it or it differs from its default. Returns the length of the
 * whole line, as snprintf does; the buffer holds as much as fits.
 */
size_t boot_options_format(const struct boot_options *opts, char *buf, size_t len)
{
	static const unsigned int com_bit[2] = { CONSOLE_COM1, CONSOLE_COM2 };
	struct cmdline_out o = { .buf = buf, .len = len, .pos = 0 };
	struct boot_options def;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	boot_options_default(&def);
	cmdline_out_dom0_mem(&o, opts);
	if (opts->dom0_max_vcpus) {
		cmdline_out_word(&o, "dom0_max_vcpus=");
		cmdline_out(&o, "%u", opts->dom0_max_vcpus);
	}
	if (opts->dom0_vcpus_pin)
		cmdline_out_word(&o, "dom0_vcpus_pin");
	cmdline_out_console(&o, opts->console);
	for (i = 0; i < 2; i++)
		if ((opts->console & com_bit[i]) || !cmdline_com_same(&opts->com[i], &def.com[i]))
			cmdline_out_com(&o, i + 1, &opts->com[i]);
	cmdline_out_loglvl(&o, "loglvl", opts->loglvl, opts->loglvl_rate_limited);
	cmdline_out_loglvl(&o, "guest_loglvl", opts->guest_loglvl,
			   opts->guest_loglvl_rate_limited);
	if (opts->noreboot)
		cmdline_out_word(&o, "noreboot");
	return o.pos;
}
