/*
 * xl.cfg keys into struct xlcfg_domain (docs/toolstack.md, "Keys").
 *
 * Unlike xl, which ignores keys it does not know and turns a badly typed
 * value into a warning, tern refuses both with the file, line and reason: a
 * typo in `memmory` should not boot a guest with 32 MiB. Keys of Xen's that
 * tern does not implement are refused by name with what to do instead.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/domctl.h>

#include "xlcfg_value.h"

/* ---- keys ---- */

const char *xlcfg_name_problem(const char *s)
{
	size_t i;

	for (i = 0; s[i] && isdigit((unsigned char)s[i]); i++)
		;
	if (s[0] == '\0' || s[i] == '\0')
		return "it must be non-empty and not a number (xl takes numbers for domain ids)";
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '/' || (unsigned char)s[i] > 0x7e)
			return "no '/' or control characters";
	return NULL;
}

static int key_name(struct ctx *c, const struct resolved *r)
{
	const char *s, *why;
	int rc = cfg_get_string(c, r, &s);

	c->has_name = 1;
	if (rc)
		return rc;
	why = xlcfg_name_problem(s);
	if (why) {
		xlcfg_msg(c->m, 1, "%s:%d: name `%s' is not valid: %s", r->file, r->line, s, why);
		return -EINVAL;
	}
	return cfg_set_str(c, r, &c->d->name);
}

static int key_type(struct ctx *c, const struct resolved *r)
{
	const char *s;
	int rc = cfg_get_string(c, r, &s);

	if (rc)
		return rc;
	if (strcmp(s, "pvh") == 0)
		return 0;
	if (strcmp(s, "pv") == 0 || strcmp(s, "hvm") == 0) {
		xlcfg_msg(c->m, 1, "%s:%d: type \"%s\" is not supported by tern: it runs PVH "
			  "guests only (type = \"pvh\", with a kernel built with CONFIG_PVH)",
			  r->file, r->line, s);
		return -EINVAL;
	}
	xlcfg_msg(c->m, 1, "%s:%d: Invalid domain type %s.", r->file, r->line, s);
	return -EINVAL;
}

static int key_builder(struct ctx *c, const struct resolved *r)
{
	const char *s;
	int rc = cfg_get_string(c, r, &s);

	if (rc)
		return rc;
	xlcfg_msg(c->m, 1, "%s:%d: builder=\"%s\" is a deprecated xm/xl option%s: tern runs "
		  "PVH guests only; delete it and write type = \"pvh\"", r->file, r->line, s,
		  strcmp(s, "hvm") == 0 ? " for HVM guests" :
		  strcmp(s, "generic") == 0 ? " for PV guests" : "");
	return -EINVAL;
}

static int key_memory(struct ctx *c, const struct resolved *r)
{
	unsigned long long v;
	int rc = cfg_get_bounded(c, r, 1, 1ull << 24, &v); /* up to 16 TiB */

	if (rc == 0)
		c->d->memory_mib = v;
	return rc;
}

static int key_maxmem(struct ctx *c, const struct resolved *r)
{
	unsigned long long v;
	int rc = cfg_get_bounded(c, r, 1, 1ull << 24, &v);

	if (rc == 0)
		c->d->maxmem_mib = v;
	return rc;
}

static int key_vcpus(struct ctx *c, const struct resolved *r)
{
	unsigned long long v;
	int rc = cfg_get_bounded(c, r, 0, TERN_MAX_VCPUS, &v);

	if (rc == 0)
		c->d->vcpus = v < 1 ? 1 : (unsigned)v; /* as xl: less than 1 means 1 */
	return rc;
}

/* A number in [min, max] into an unsigned field. */
static int set_bounded(struct ctx *c, const struct resolved *r, unsigned min, unsigned max,
		       unsigned *field)
{
	unsigned long long v;
	int rc = cfg_get_bounded(c, r, min, max, &v);

	if (rc == 0)
		*field = (unsigned)v;
	return rc;
}

static int key_maxvcpus(struct ctx *c, const struct resolved *r)
{
	return set_bounded(c, r, 1, TERN_MAX_VCPUS, &c->d->maxvcpus);
}

/* key is "cpus" or "cpus_soft", for messages. */
static int cpumap_of(struct ctx *c, const struct resolved *r, const char *key,
		     const struct xlcfg_value *v, uint64_t *map)
{
	if (v->type == XLCFG_LIST) {
		xlcfg_msg(c->m, 1, "%s:%d: %s: a list element must be a string", r->file, v->line,
			  key);
		return -EINVAL;
	}
	if (strncmp(v->text, "node", 4) == 0) {
		xlcfg_msg(c->m, 1, "%s:%d: %s=\"%s\": NUMA node affinity is not supported by "
			  "tern (give pCPU numbers: \"1-3\")", r->file, v->line, key, v->text);
		return -EINVAL;
	}
	if (xlcfg_parse_cpumap(v->text, map)) {
		xlcfg_msg(c->m, 1, "%s:%d: %s=\"%s\" is not a valid cpu list (e.g. \"all\", "
			  "\"1-3\", \"1,3\", \"1-7,^4\"; pCPUs 0-63)", r->file, v->line, key,
			  v->text);
		return -EINVAL;
	}
	return 0;
}

/* cpus= or cpus_soft=: one map for every vCPU, or a list of one per vCPU. */
static int cpumaps_of(struct ctx *c, const struct resolved *r, const char *key, int *n,
		      uint64_t *maps)
{
	const struct xlcfg_value *v = &r->value;
	int rc = 0;

	if (v->type != XLCFG_LIST) {
		*n = 1;
		return cpumap_of(c, r, key, v, &maps[0]);
	}
	if (v->nitems == 0 || v->nitems > XLCFG_MAX_VCPUS) {
		xlcfg_msg(c->m, 1, "%s:%d: %s: a list needs one entry per vCPU (1 to %d)",
			  r->file, r->line, key, XLCFG_MAX_VCPUS);
		return -EINVAL;
	}
	*n = (int)v->nitems;
	for (unsigned i = 0; i < v->nitems; i++)
		rc |= cpumap_of(c, r, key, &v->items[i], &maps[i]);
	return rc ? -EINVAL : 0;
}

static int key_cpus(struct ctx *c, const struct resolved *r)
{
	return cpumaps_of(c, r, "cpus", &c->d->ncpumaps, c->d->cpumaps);
}

static int key_cpus_soft(struct ctx *c, const struct resolved *r)
{
	return cpumaps_of(c, r, "cpus_soft", &c->d->ncpumaps_soft, c->d->cpumaps_soft);
}

static int key_cpu_weight(struct ctx *c, const struct resolved *r)
{
	return set_bounded(c, r, 1, 65535, &c->d->cpu_weight);
}

/* The FIFO ABI's 2^17 ports are the most any guest can use. */
static int key_max_event_channels(struct ctx *c, const struct resolved *r)
{
	return set_bounded(c, r, 1, 131071, &c->d->max_event_channels);
}

/* Checked against maxvcpus once all keys are read. */
static int key_cap(struct ctx *c, const struct resolved *r)
{
	return set_bounded(c, r, 0, 100 * TERN_MAX_VCPUS, &c->d->cap);
}

static int key_uuid(struct ctx *c, const struct resolved *r)
{
	const char *s;
	int rc = cfg_get_string(c, r, &s);

	if (rc)
		return rc;
	if (xlcfg_parse_uuid(s, c->d->uuid)) {
		xlcfg_msg(c->m, 1, "%s:%d: Failed to parse UUID: %s", r->file, r->line, s);
		return -EINVAL;
	}
	c->d->has_uuid = 1;
	return 0;
}

static int action(struct ctx *c, const struct resolved *r, enum xlcfg_action *out)
{
	static const char *const unsupported[] = {
		"rename-restart", "coredump-destroy", "coredump-restart", "soft-reset",
	};
	const char *s;
	int rc = cfg_get_string(c, r, &s);

	if (rc)
		return rc;
	for (int a = XLCFG_ACTION_DESTROY; a <= XLCFG_ACTION_PRESERVE; a++) {
		if (strcmp(s, xlcfg_action_name((enum xlcfg_action)a)) == 0) {
			*out = (enum xlcfg_action)a;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (strcmp(s, unsupported[i]) == 0) {
			xlcfg_msg(c->m, 1, "%s:%d: %s action \"%s\" is not supported by tern "
				  "(use destroy, restart or preserve)", r->file, r->line, r->key, s);
			return -EINVAL;
		}
	}
	xlcfg_msg(c->m, 1, "%s:%d: Unknown %s action \"%s\" specified", r->file, r->line,
		  r->key, s);
	return -EINVAL;
}

static int key_on_poweroff(struct ctx *c, const struct resolved *r)
{
	return action(c, r, &c->d->on_poweroff);
}

static int key_on_reboot(struct ctx *c, const struct resolved *r)
{
	return action(c, r, &c->d->on_reboot);
}

static int key_on_crash(struct ctx *c, const struct resolved *r)
{
	return action(c, r, &c->d->on_crash);
}

static int key_on_watchdog(struct ctx *c, const struct resolved *r)
{
	return action(c, r, &c->d->on_watchdog);
}

static int key_kernel(struct ctx *c, const struct resolved *r)
{
	return cfg_set_str(c, r, &c->d->kernel);
}

static int key_ramdisk(struct ctx *c, const struct resolved *r)
{
	return cfg_set_str(c, r, &c->d->ramdisk);
}

static int key_cmdline(struct ctx *c, const struct resolved *r)
{
	return cfg_set_str(c, r, &c->d->cmdline);
}

static int key_root(struct ctx *c, const struct resolved *r)
{
	c->has_root = 1;
	return cfg_set_str(c, r, &c->root);
}

static int key_extra(struct ctx *c, const struct resolved *r)
{
	c->has_extra = 1;
	return cfg_set_str(c, r, &c->extra);
}

static int key_pool(struct ctx *c, const struct resolved *r)
{
	const char *s;
	int rc = cfg_get_string(c, r, &s);

	if (rc == 0 && strcmp(s, "Pool-0") != 0) {
		xlcfg_msg(c->m, 1, "%s:%d: pool \"%s\": tern has one cpupool, Pool-0", r->file,
			  r->line, s);
		rc = -EINVAL;
	}
	return rc;
}

/* A list of strings (disk = [...], vif = [...]); a lone string is taken as one. */
static int string_list(struct ctx *c, const struct resolved *r,
		       const struct xlcfg_value **items, unsigned *n)
{
	if (r->value.type != XLCFG_LIST) {
		xlcfg_msg(c->m, 1, "%s:%d: parameter `%s' is a single value but should be a list "
			  "(%s = [ '...' ])", r->file, r->line, r->key, r->key);
		return -EINVAL;
	}
	for (unsigned i = 0; i < r->value.nitems; i++) {
		if (r->value.items[i].type != XLCFG_STRING) {
			xlcfg_msg(c->m, 1, "%s:%d: %s: each entry must be a quoted string",
				  r->file, r->value.items[i].line, r->key);
			return -EINVAL;
		}
	}
	*items = r->value.items;
	*n = r->value.nitems;
	return 0;
}

static int key_disk(struct ctx *c, const struct resolved *r)
{
	const struct xlcfg_value *items;
	unsigned n;
	int rc = string_list(c, r, &items, &n), bad = 0;

	if (rc)
		return rc;
	c->d->disks = calloc(n ? n : 1, sizeof(*c->d->disks));
	if (!c->d->disks)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		rc = xlcfg_parse_disk(&c->d->disks[c->d->ndisks], items[i].text, r->file,
				      items[i].line, c->m);
		if (rc == -ENOMEM)
			return rc;
		if (rc == 0)
			c->d->ndisks++;
		else
			bad = 1;
	}
	return bad ? -EINVAL : 0;
}

static int key_vif(struct ctx *c, const struct resolved *r)
{
	const struct xlcfg_value *items;
	unsigned n;
	int rc = string_list(c, r, &items, &n), bad = 0;

	if (rc)
		return rc;
	c->d->vifs = calloc(n ? n : 1, sizeof(*c->d->vifs));
	if (!c->d->vifs)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		rc = xlcfg_parse_vif(&c->d->vifs[c->d->nvifs], (int)i, items[i].text, r->file,
				     items[i].line, c->m);
		if (rc == -ENOMEM)
			return rc;
		if (rc == 0)
			c->d->nvifs++;
		else
			bad = 1;
	}
	/* devid= may repeat another's place: two vifs cannot share one. */
	for (unsigned i = 0; i < c->d->nvifs; i++) {
		for (unsigned j = 0; j < i; j++) {
			if (c->d->vifs[i].devid == c->d->vifs[j].devid) {
				xlcfg_msg(c->m, 1, "%s:%d: vif devid %d is used twice", r->file,
					  c->d->vifs[i].line, c->d->vifs[i].devid);
				bad = 1;
			}
		}
	}
	return bad ? -EINVAL : 0;
}

struct key {
	const char *name;
	int (*fn)(struct ctx *c, const struct resolved *r);
};

static const struct key keys[] = {
	{ "name", key_name }, { "type", key_type }, { "builder", key_builder },
	{ "kernel", key_kernel }, { "ramdisk", key_ramdisk }, { "cmdline", key_cmdline },
	{ "root", key_root }, { "extra", key_extra }, { "memory", key_memory },
	{ "maxmem", key_maxmem }, { "vcpus", key_vcpus }, { "maxvcpus", key_maxvcpus },
	{ "cpus", key_cpus }, { "cpus_soft", key_cpus_soft }, { "cpu_weight", key_cpu_weight },
	{ "cap", key_cap }, { "max_event_channels", key_max_event_channels },
	{ "uuid", key_uuid }, { "on_poweroff", key_on_poweroff },
	{ "on_reboot", key_on_reboot }, { "on_crash", key_on_crash },
	{ "on_watchdog", key_on_watchdog }, { "pool", key_pool }, { "disk", key_disk },
	{ "vif", key_vif },
};

/* Keys of Xen's xl.cfg (or of xm before it) that tern refuses, and why. */
struct refused {
	const char *name;
	const char *why;
};

#define HVM_ONLY "it is for HVM guests; tern runs PVH guests only"
#define LATER "not implemented by tern yet"
static const struct refused refused[] = {
	{ "autorestart", "it is an xm option: xl and tern use on_reboot, on_poweroff "
	  "and on_crash (e.g. on_reboot = \"restart\")" },
	{ "restart", "it is an xm option: use on_reboot, on_poweroff and on_crash" },
	{ "on_xend_start", "xend is gone: start domains from xendomains or your init" },
	{ "on_xend_stop", "xend is gone: stop domains from xendomains or your init" },
	{ "bootloader", "tern boots the kernel directly: copy the guest's kernel and "
	  "initrd into dom0 and name them with kernel= and ramdisk=" },
	{ "bootloader_args", "tern boots the kernel directly (kernel=, ramdisk=)" },
	{ "on_soft_reset", "soft reset is for HVM guests" },
	{ "cpus_soft", "soft affinity is " LATER " (use cpus= for hard affinity)" },
	{ "firmware", HVM_ONLY }, { "device_model_version", HVM_ONLY },
	{ "device_model_override", HVM_ONLY }, { "device_model", HVM_ONLY },
	{ "acpi", HVM_ONLY }, { "apic", HVM_ONLY }, { "pae", HVM_ONLY }, { "hap", HVM_ONLY },
	{ "nestedhvm", HVM_ONLY }, { "viridian", HVM_ONLY }, { "boot", HVM_ONLY },
	{ "vnc", HVM_ONLY }, { "vnclisten", HVM_ONLY }, { "vncpasswd", HVM_ONLY },
	{ "sdl", HVM_ONLY }, { "serial", HVM_ONLY }, { "usb", HVM_ONLY },
	{ "usbdevice", HVM_ONLY }, { "soundhw", HVM_ONLY }, { "stdvga", HVM_ONLY },
	{ "vga", HVM_ONLY }, { "videoram", HVM_ONLY }, { "nographic", HVM_ONLY },
	{ "shadow_memory", HVM_ONLY }, { "xen_platform_pci", HVM_ONLY },
	{ "localtime", HVM_ONLY }, { "rtc_timeoffset", HVM_ONLY },
	{ "vfb", "virtual framebuffers are " LATER },
	{ "vkb", "virtual keyboards are " LATER },
	{ "pci", "PCI passthrough is not supported by tern" },
	{ "iomem", "device passthrough is not supported by tern" },
	{ "ioports", "device passthrough is not supported by tern" },
	{ "irqs", "device passthrough is not supported by tern" },
	{ "vtpm", "vTPMs are " LATER }, { "channel", "channels are " LATER },
	{ "p9", "9pfs is " LATER }, { "vnuma", "vNUMA is not supported by tern" },
	{ "seclabel", "XSM labels are not supported by tern" },
	{ "max_grant_frames", LATER }, { "max_maptrack_frames", LATER },
	{ "xenstore_quota", LATER }, { "tsc_mode", LATER }, { "e820_host", LATER },
	{ "driver_domain", LATER }, { "claim_mode", LATER },
};

static void refuse(struct ctx *c, const struct xlcfg_setting *s)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (strcmp(s->key, refused[i].name) == 0) {
			xlcfg_msg(c->m, 1, "%s:%d: key '%s' is not supported: %s", s->file, s->line,
				  s->key, refused[i].why);
			return;
		}
	}
	xlcfg_msg(c->m, 1, "%s:%d: unknown key '%s'", s->file, s->line, s->key);
}

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* cmdline from cmdline=, else root= and extra= as libxl joins them. */
static int finish_cmdline(struct ctx *c)
{
	struct xlcfg_domain *d = c->d;
	size_t len;

	if (d->cmdline) {
		if (c->has_root || c->has_extra)
			xlcfg_msg(c->m, 0, "Warning: ignoring root= and extra= in favour of cmdline=");
		return 0;
	}
	if (!c->has_root && !c->has_extra)
		return 0;
	len = (c->root ? strlen(c->root) + 6 : 0) + (c->extra ? strlen(c->extra) : 0) + 1;
	d->cmdline = malloc(len);
	if (!d->cmdline)
		return -ENOMEM;
	if (c->root && c->extra)
		snprintf(d->cmdline, len, "root=%s %s", c->root, c->extra);
	else if (c->root)
		snprintf(d->cmdline, len, "root=%s", c->root);
	else
		snprintf(d->cmdline, len, "%s", c->extra);
	return 0;
}

static int check_whole(struct ctx *c, const char *file)
{
	struct xlcfg_domain *d = c->d;
	int rc = 0;

	if (!d->name && !c->has_name) {
		xlcfg_msg(c->m, 1, "Domain name must be specified.");
		rc = -EINVAL;
	}
	if (!d->kernel) {
		xlcfg_msg(c->m, 1, "%s: kernel must be specified: tern boots PVH guests from a "
			  "kernel file in dom0 (kernel = \"/path/vmlinuz\")", file);
		rc = -EINVAL;
	}
	if (d->maxmem_mib == 0)
		d->maxmem_mib = d->memory_mib;
	if (d->maxmem_mib < d->memory_mib) {
		xlcfg_msg(c->m, 1, "%s: maxmem (%llu MiB) must not be less than memory (%llu MiB)",
			  file, (unsigned long long)d->maxmem_mib,
			  (unsigned long long)d->memory_mib);
		rc = -EINVAL;
	}
	if (d->maxvcpus == 0)
		d->maxvcpus = d->vcpus;
	if (d->maxvcpus < d->vcpus) {
		xlcfg_msg(c->m, 1, "xl: maxvcpus < vcpus");
		rc = -EINVAL;
	}
	if (d->cap > 100 * d->maxvcpus) {
		xlcfg_msg(c->m, 1, "%s: cap = %u is more than the domain's %u vCPU%s can use "
			  "(at most %u: 100 per vCPU)", file, d->cap, d->maxvcpus,
			  d->maxvcpus == 1 ? "" : "s", 100 * d->maxvcpus);
		rc = -EINVAL;
	}
	if (d->ncpumaps > 1 && (unsigned)d->ncpumaps > d->maxvcpus) {
		xlcfg_msg(c->m, 1, "%s: cpus lists %d vCPUs but the domain has %u", file,
			  d->ncpumaps, d->maxvcpus);
		rc = -EINVAL;
	}
	if (d->ncpumaps_soft > 1 && (unsigned)d->ncpumaps_soft > d->maxvcpus) {
		xlcfg_msg(c->m, 1, "%s: cpus_soft lists %d vCPUs but the domain has %u", file,
			  d->ncpumaps_soft, d->maxvcpus);
		rc = -EINVAL;
	}
	return rc;
}

int xlcfg_domain_from_raw(struct xlcfg_domain *d, const struct xlcfg_raw *raw,
			  struct xlcfg_msgs *m)
{
	struct ctx c;
	const char *file = raw->n ? raw->v[0].file : "config";
	int rc, bad = 0;

	memset(d, 0, sizeof(*d));
	d->memory_mib = 32;
	d->vcpus = 1;
	d->cpu_weight = 256;
	d->max_event_channels = 1023;
	d->on_poweroff = XLCFG_ACTION_DESTROY;
	d->on_reboot = XLCFG_ACTION_RESTART;
	d->on_crash = XLCFG_ACTION_DESTROY;
	d->on_watchdog = XLCFG_ACTION_DESTROY;
	memset(&c, 0, sizeof(c));
	c.d = d;
	c.m = m;
	/* Unknown and refused keys, at every line they appear on. */
	for (unsigned i = 0; i < raw->n; i++) {
		if (!find_key(raw->v[i].key)) {
			refuse(&c, &raw->v[i]);
			bad = 1;
		}
	}
	rc = cfg_resolve(&c, raw);
	if (rc == -ENOMEM)
		goto out;
	bad |= rc != 0;
	for (unsigned i = 0; i < c.nr; i++) {
		const struct key *k = find_key(c.r[i].key);

		if (!k)
			continue;
		rc = k->fn(&c, &c.r[i]);
		if (rc == -ENOMEM)
			goto out;
		bad |= rc != 0;
	}
	rc = finish_cmdline(&c);
	if (rc)
		goto out;
	bad |= check_whole(&c, file) != 0;
	rc = bad ? -EINVAL : 0;
out:
	for (unsigned i = 0; i < c.nr; i++)
		cfg_value_clear(&c.r[i].value);
	free(c.r);
	free(c.root);
	free(c.extra);
	if (rc)
		xlcfg_domain_free(d);
	return rc;
}

int xlcfg_load(struct xlcfg_domain *d, const char *file, const char *text, size_t len,
	       char *const *overrides, unsigned noverrides, struct xlcfg_msgs *m)
{
	struct xlcfg_raw raw = { NULL, 0, 0 };
	int rc = xlcfg_parse(&raw, file, text, len, m), rc2;

	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < noverrides && rc != -ENOMEM; i++) {
		rc2 = xlcfg_parse(&raw, "command line", overrides[i], strlen(overrides[i]), m);
		if (rc2)
			rc = rc2 == -ENOMEM ? rc2 : (rc ? rc : rc2);
	}
	if (rc == 0)
		rc = xlcfg_domain_from_raw(d, &raw, m);
	xlcfg_raw_free(&raw);
	return rc;
}

void xlcfg_domain_free(struct xlcfg_domain *d)
{
	free(d->name);
	free(d->kernel);
	free(d->ramdisk);
	free(d->cmdline);
	for (unsigned i = 0; i < d->ndisks; i++)
		xlcfg_disk_free(&d->disks[i]);
	free(d->disks);
	for (unsigned i = 0; i < d->nvifs; i++)
		xlcfg_vif_free(&d->vifs[i]);
	free(d->vifs);
	memset(d, 0, sizeof(*d));
}

const char *xlcfg_action_name(enum xlcfg_action a)
{
	switch (a) {
	case XLCFG_ACTION_DESTROY:
		return "destroy";
	case XLCFG_ACTION_RESTART:
		return "restart";
	case XLCFG_ACTION_PRESERVE:
		return "preserve";
	}
	return "?";
}
