/*
 * xl: tern's dom0 toolstack command, with Xen's xl command names, options,
 * output formats and exit codes (docs/toolstack.md, "xl commands").
 *
 * Commands reach the hypervisor and xenstore only through a struct
 * xl_backend, so the unit tests (tests/unit/tools/) run them on canned data;
 * xl_backend.c is the real one, over libternctl (tools/lib). The domain life
 * cycle commands (xl_domain.h) still talk to both directly.
 */
#ifndef TERN_XL_H
#define TERN_XL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "ternctl.h"

struct xl_backend {
	void *priv;
	/* Connects to the hypervisor; on failure returns -errno and sets what. */
	int (*open)(struct xl_backend *b, const char **what);
	int (*uname)(struct xl_backend *b, struct utsname *u);
	int (*physinfo)(struct xl_backend *b, struct tern_sysctl_physinfo *pi);
	int (*version)(struct xl_backend *b, struct tc_version *v);
	int (*sched_id)(struct xl_backend *b, uint32_t *id);
	/* Up to max domains with id >= first, in id order; returns the count. */
	int (*domain_list)(struct xl_backend *b, uint16_t first, uint32_t max,
			   struct tern_domaininfo *out);
	int (*domain_info)(struct xl_backend *b, uint16_t domid, struct tern_domaininfo *out);
	/* As tc_readconsole, into buf of *count bytes. */
	int (*readconsole)(struct xl_backend *b, char *buf, uint32_t *count, int clear,
			   int incremental, uint64_t *index);
	/* The xenstore name of a domain; -ENOENT (or another -errno) if none. */
	int (*domain_name)(struct xl_backend *b, uint16_t domid, char *out, size_t len);
	/* Sends n debug keys to the hypervisor (tc_debug_keys). */
	int (*debug_keys)(struct xl_backend *b, const char *keys, uint32_t n);
	/* As tc_vcpu_info and tc_sched_credit. */
	int (*vcpu_info)(struct xl_backend *b, uint16_t domid, uint32_t vcpu,
			 struct tern_domctl_getvcpuinfo *out);
	int (*sched_credit)(struct xl_backend *b, uint16_t domid,
			    struct tern_domctl_scheduler_op *op);
	/* As tc_vcpu_affinity: a holds the maps in effect after. */
	int (*vcpu_affinity)(struct xl_backend *b, uint16_t domid,
			     struct tern_domctl_vcpuaffinity *a);
	/* The domain's memory limit (domctl max_mem), in KiB. */
	int (*max_mem)(struct xl_backend *b, uint16_t domid, uint64_t max_kb);
	/* Connects to xenstored (once); -errno as tc_xs_open. The two below
	 * need it. */
	int (*xs_open)(struct xl_backend *b);
	/* The value at path, malloc'ed into *value; -ENOENT if there is none. */
	int (*xs_read)(struct xl_backend *b, const char *path, char **value);
	/* Writes values[i] at paths[i], all in one transaction. */
	int (*xs_write)(struct xl_backend *b, unsigned n, const char *const *paths,
			const char *const *values);
};

struct xl_env {
	struct xl_backend *be;
	FILE *out;
	FILE *err;
	int opened;
	int dryrun;   /* -N: say what would be done, do nothing (commands that can) */
};

/* Runs `xl argv[1] ...`; returns the process exit status. */
int xl_main(struct xl_env *env, int argc, char **argv);

/* Command table (xl_cmdtable.c). */
struct xl_cmd {
	const char *name;
	int (*fn)(struct xl_env *env, int argc, char **argv);
	const char *summary;
	const char *usage;
	const char *options;
};
extern const struct xl_cmd xl_cmdtable[];
extern const unsigned xl_cmdtable_len;
/* Whether the command takes xl's -N (dry run). */
int xl_cmd_can_dryrun(const struct xl_cmd *cmd);
/* Exact name, else the only command it is a prefix of; NULL otherwise. */
const struct xl_cmd *xl_cmd_lookup(const char *name);
void xl_usage(struct xl_env *env, FILE *f, const char *cmd);

int xl_cmd_info(struct xl_env *env, int argc, char **argv);
int xl_cmd_dmesg(struct xl_env *env, int argc, char **argv);
int xl_cmd_debug_keys(struct xl_env *env, int argc, char **argv);
int xl_cmd_list(struct xl_env *env, int argc, char **argv);
int xl_cmd_console(struct xl_env *env, int argc, char **argv);
int xl_cmd_vcpu_list(struct xl_env *env, int argc, char **argv);
int xl_cmd_sched_credit(struct xl_env *env, int argc, char **argv);
int xl_cmd_vcpu_set(struct xl_env *env, int argc, char **argv);
int xl_cmd_vcpu_pin(struct xl_env *env, int argc, char **argv);
int xl_cmd_mem_max(struct xl_env *env, int argc, char **argv);
int xl_cmd_mem_set(struct xl_env *env, int argc, char **argv);
int xl_cmd_rename(struct xl_env *env, int argc, char **argv);
int xl_cmd_top(struct xl_env *env, int argc, char **argv);

/*
 * Option parsing shared by the commands: flags is a string of accepted short
 * options ("lv"; "d:" for one that takes a value), longs maps long names to
 * them ({"long", 'l'}, ends with a NULL name). Returns the option char, 0
 * when options end (*optind = first operand), 'h' for -h/--help, or '?'
 * after printing "option `X' not supported." for an unknown one. After an
 * option that takes a value the caller calls xl_optarg().
 */
struct xl_longopt {
	const char *name;
	char val;
};
struct xl_opts {
	int optind;   /* next argv element */
	int subpos;   /* position inside a group of short options ("-lv") */
};
int xl_getopt(struct xl_env *env, struct xl_opts *st, int argc, char **argv,
	      const char *flags, const struct xl_longopt *longs);
/*
 * The options of a command whose options take no value: opt(c, ctx) for
 * each. 0 with *optind at the first operand, or the exit status + 1 (-h:
 * usage printed, status 0; an unknown option: status 2).
 */
int xl_cmd_options(struct xl_env *env, int argc, char **argv, const char *cmd,
		   const char *flags, int *optind, int (*opt)(int c, void *ctx), void *ctx);
/* A command without options that takes at least need operands: 0 with
 * *optind at the first, or the exit status + 1 (as xl_cmd_options; too few
 * operands: xl's message and the usage, status 2). */
int xl_cmd_operands(struct xl_env *env, int argc, char **argv, const char *cmd, int need,
		    int *optind);
/* The value of option opt just returned: "-w512", "-w 512", "--weight=512"
 * or "--weight 512"; NULL after a message if there is none. */
const char *xl_optarg(struct xl_env *env, struct xl_opts *st, int argc, char **argv, char opt);

/* Connects the backend once; prints xl's error and returns -errno on failure. */
int xl_open(struct xl_env *env);
/* Connects the backend to xenstored; prints xl's error and returns -errno on failure. */
int xl_xs_open(struct xl_env *env);
/* tc_xs_open with a 30 s limit on each request, so a stuck daemon cannot hang xl. */
int xl_xs_connect(struct tc_xs *xs);
/* Prints why a connection to xenstored failed ("xenstored is not running..."). */
void xl_xs_error(struct xl_env *env, int rc);
/* "Domain N:", how libxl's messages name a guest (dom0: nothing). */
#define XL_LIBXL_DOM_LEN 24
const char *xl_libxl_dom(uint16_t domid, char buf[XL_LIBXL_DOM_LEN]);
/* "'xl cmd' requires at least N arguments." and the usage, when have < need:
 * returns 2 then (the exit status), else 0. */
int xl_needs_args(struct xl_env *env, const char *cmd, int have, int need);

/*
 * A memory size as xl mem-set and mem-max take it: digits and an optional
 * suffix b, k, m, g or t (either case; none: MiB), into KiB (bytes are
 * rounded down). -EINVAL for anything else, or a size too large.
 */
int xl_parse_mem_kb(const char *s, uint64_t *kb);

/* Formatting helpers, exposed for the tests. */
void xl_format_state(const struct tern_domaininfo *d, char state[7]);
void xl_format_uuid(const uint8_t handle[16], char out[37]);
/* Name for `xl list`: xenstore's, else "Domain-0" for 0, else "(null)". */
void xl_domain_name(struct xl_env *env, uint16_t domid, char *out, size_t len);
/* A pCPU map as xl prints it: "all" (pCPUs 0 to nr_cpus - 1), "none", or
 * ranges ("1-3", "1,3", "0-1,4"). */
void xl_format_cpumap(uint64_t map, unsigned nr_cpus, char *out, size_t len);

/*
 * A Domain operand, as Xen's xl reads one: digits are a domid, whether or not
 * it exists (DOMID_INVALID if too large to be one: the command finds it
 * missing), anything else a name. 0, or 1 after printing xl's error for an
 * unknown name.
 */
int xl_dom_resolve(struct xl_env *env, const char *arg, uint16_t *domid);
/* The domain named name (xenstore's name; "Domain-0" is 0 if dom0 has none);
 * -ENOENT if none, or the backend's -errno. */
int xl_name_to_domid(struct xl_env *env, const char *name, uint16_t *domid);
/* A Domain operand that must exist: its information, or 1 after xl's error
 * ("Error: Domain 'x' does not exist."). */
int xl_find_domain(struct xl_env *env, const char *arg, struct tern_domaininfo *out);
/* Every domain, in id order, into a malloc'ed *doms. 0, or 1 after a message. */
int xl_list_domains(struct xl_env *env, struct tern_domaininfo **doms, unsigned *n);

#endif
