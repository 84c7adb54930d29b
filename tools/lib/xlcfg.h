/*
 * xl.cfg: the domain configuration file xl reads (docs/toolstack.md,
 * "xl.cfg"). Two layers:
 *
 *   xlcfg.c         the syntax: KEY = VALUE / KEY += VALUE statements with
 *                   strings, numbers and (nested) lists, into xlcfg_setting.
 *   xlcfg_domain.c  the keys tern knows, into struct xlcfg_domain; every
 *                   other key is an error naming it.
 *   xlcfg_dev.c     disk and vif specifications.
 *
 * Nothing here prints or exits: diagnostics go into a struct xlcfg_msgs, one
 * line each, "<file>:<line>: <reason>", for the caller to print.
 */
#ifndef TERN_TOOLS_XLCFG_H
#define TERN_TOOLS_XLCFG_H

#include <stddef.h>
#include <stdint.h>

/* Diagnostics collected while parsing. */
struct xlcfg_msgs {
	char *text; /* NUL-terminated lines, or NULL */
	size_t len, cap;
	unsigned errors, warnings;
};
void xlcfg_msg(struct xlcfg_msgs *m, int is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void xlcfg_msgs_free(struct xlcfg_msgs *m);

enum xlcfg_vtype { XLCFG_STRING, XLCFG_NUMBER, XLCFG_LIST };

struct xlcfg_value {
	enum xlcfg_vtype type;
	char *text;                 /* STRING (unescaped) and NUMBER (as written) */
	struct xlcfg_value *items;  /* LIST */
	unsigned nitems;
	int line;
};

struct xlcfg_setting {
	char *key;
	int append;                 /* written with += */
	struct xlcfg_value value;
	const char *file;           /* for messages; not owned */
	int line;
};

/* Every statement of one or more sources, in order. */
struct xlcfg_raw {
	struct xlcfg_setting *v;
	unsigned n, cap;
};

/*
 * Parses text (len bytes, may hold NULs which are errors) as xl.cfg
 * statements named `file` in messages, appending to raw. Syntax errors go to
 * m in xl's form "<file>:<line>: config parsing error near `<token>': <why>";
 * parsing goes on at the next line. Returns 0, or -EINVAL if any error was
 * found, -ENOMEM if memory ran out.
 */
int xlcfg_parse(struct xlcfg_raw *raw, const char *file, const char *text, size_t len,
		struct xlcfg_msgs *m);
void xlcfg_raw_free(struct xlcfg_raw *raw);

/* on_poweroff / on_reboot / on_crash / on_watchdog actions (section 2.3). */
enum xlcfg_action {
	XLCFG_ACTION_DESTROY,
	XLCFG_ACTION_RESTART,
	XLCFG_ACTION_PRESERVE,
};
const char *xlcfg_action_name(enum xlcfg_action a);

/* One entry of disk = [ ... ] (section 2.4). */
struct xlcfg_disk {
	char *spec;        /* as written */
	char *file;        /* where it was written, for messages */
	int line;
	char *target;      /* path; "" for an empty cdrom */
	char *format;      /* raw, qcow, qcow2, vhd, qed, empty */
	char *vdev;        /* as written: "xvda", "0x0" */
	uint32_t devnum;   /* xenstore device number of vdev */
	int readwrite;
	int cdrom;
	char *backend;     /* domain name, NULL = 0 */
	char *backendtype; /* phy, qdisk, tap, standalone; NULL = automatic */
	char *script;
	int discard, trusted, direct_io_safe;
};

/* One entry of vif = [ ... ] (section 2.5). */
struct xlcfg_vif {
	char *spec;
	char *file;        /* where it was written, for messages */
	int line;
	int devid;         /* devid=, else its place in the list */
	int has_mac;
	uint8_t mac[6];
	char *bridge, *ip, *script, *model, *vifname, *backend, *gatewaydev;
	unsigned mtu;      /* 0 = default (1500) */
	int trusted;       /* trusted (default) / untrusted */
	/* rate=, as libxl writes it: bytes per interval, interval in us (0: none). */
	uint64_t rate_bytes;
	uint32_t rate_us;
};

#define XLCFG_MAX_VCPUS 64

struct xlcfg_domain {
	char *name;
	char *kernel, *ramdisk;
	char *cmdline;            /* cmdline, or built from root= and extra= */
	uint64_t memory_mib;      /* default 32 */
	uint64_t maxmem_mib;      /* default memory_mib */
	unsigned vcpus, maxvcpus; /* default 1, vcpus */
	/* cpus=: hard affinity. One map for all vCPUs, or one per vCPU (a list). */
	int ncpumaps;             /* 0: no pinning; 1: all vCPUs; n: vCPU i gets map i */
	uint64_t cpumaps[XLCFG_MAX_VCPUS];
	/* cpus_soft=: soft affinity (preferred pCPUs), the same way. */
	int ncpumaps_soft;
	uint64_t cpumaps_soft[XLCFG_MAX_VCPUS];
	unsigned cpu_weight;      /* credit scheduler weight, 1..65535, default 256 */
	unsigned cap;             /* % of one pCPU, 0 (default): none; at most 100 * maxvcpus */
	unsigned max_event_channels; /* highest event-channel port, default 1023 */
	int has_uuid;
	uint8_t uuid[16];
	enum xlcfg_action on_poweroff, on_reboot, on_crash, on_watchdog;
	struct xlcfg_disk *disks;
	unsigned ndisks;
	struct xlcfg_vif *vifs;
	unsigned nvifs;
};

/*
 * Reads a whole config: text from file (named `file` in messages), then each
 * of overrides[] ("key=value" from xl create's command line, named
 * "command line" in messages) as if appended to it, so they win. Checks
 * every key. Returns 0, -EINVAL with the reasons in m, or -ENOMEM.
 * Warnings (e.g. ignored root= with cmdline=) go to m as well.
 */
int xlcfg_load(struct xlcfg_domain *d, const char *file, const char *text, size_t len,
	       char *const *overrides, unsigned noverrides, struct xlcfg_msgs *m);
/* The same from a list of settings already parsed. */
int xlcfg_domain_from_raw(struct xlcfg_domain *d, const struct xlcfg_raw *raw,
			  struct xlcfg_msgs *m);
void xlcfg_domain_free(struct xlcfg_domain *d);

/* vCPU v's map of cpus= (or cpus_soft=) given as n maps: all pCPUs if none
 * is given for it. */
uint64_t xlcfg_vcpu_cpumap(int n, const uint64_t *maps, unsigned v);
/* Why a domain name is not valid (NULL: it is): names are what xl looks
 * domains up by, so not empty, not all digits, no '/' or control characters. */
const char *xlcfg_name_problem(const char *name);
/* "1-3,5,^2" / "all" into a bit map of pCPUs (< 64); -EINVAL if malformed. */
int xlcfg_parse_cpumap(const char *s, uint64_t *map);
/* "d4a1..-..." (36 characters with dashes, or 32 hex digits) into bytes. */
int xlcfg_parse_uuid(const char *s, uint8_t out[16]);

/*
 * Disk and vif specifications. On error the reason goes to m prefixed with
 * "<file>:<line>: " and -EINVAL is returned.
 */
int xlcfg_parse_disk(struct xlcfg_disk *disk, const char *spec, const char *file, int line,
		     struct xlcfg_msgs *m);
void xlcfg_disk_free(struct xlcfg_disk *disk);
int xlcfg_parse_vif(struct xlcfg_vif *vif, int devid, const char *spec, const char *file,
		    int line, struct xlcfg_msgs *m);
/* rate=N{GB,MB,KB,B,Gb,Mb,Kb,b}/s[@interval{s,ms,us}] (xl's grammar; 50 ms
 * by default) into bytes per interval and the interval; -EINVAL with xl's
 * message in m. */
int xlcfg_parse_rate(const char *rate, uint64_t *bytes, uint32_t *usecs, const char *file,
		     int line, struct xlcfg_msgs *m);
void xlcfg_vif_free(struct xlcfg_vif *vif);
/* vdev ("xvda", "hdc", "sda1", "0x0", "d0p1") to its device number; -EINVAL. */
int xlcfg_vdev_number(const char *vdev, uint32_t *num);

#endif
