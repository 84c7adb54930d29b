/* xl's entry: global options, command lookup, shared option parsing and
 * connections. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "xl.h"

/* Whether option c takes a value ("d:" in flags). */
static int takes_value(const char *flags, char c)
{
	const char *p = c == ':' ? NULL : strchr(flags, c);

	return p && p[1] == ':';
}

int xl_getopt(struct xl_env *env, struct xl_opts *st, int argc, char **argv,
	      const char *flags, const struct xl_longopt *longs)
{
	const char *arg;
	char c;

	if (st->optind == 0)
		st->optind = 1;
	if (st->subpos == 0) {
		if (st->optind >= argc)
			return 0;
		arg = argv[st->optind];
		if (arg[0] != '-' || arg[1] == '\0')
			return 0;
		if (strcmp(arg, "--") == 0) {
			st->optind++;
			return 0;
		}
		if (arg[1] == '-') {
			st->optind++;
			if (strcmp(arg, "--help") == 0)
				return 'h';
			for (const struct xl_longopt *l = longs; l && l->name; l++) {
				size_t n = strlen(l->name);

				if (strncmp(arg + 2, l->name, n) == 0 &&
				    (arg[2 + n] == '\0' ||
				     (arg[2 + n] == '=' && takes_value(flags, l->val))))
					return l->val;
			}
			fprintf(env->err, "option `%s' not supported.\n", arg + 2);
			return '?';
		}
		st->subpos = 1;
	}
	arg = argv[st->optind];
	c = arg[st->subpos++];
	/* What follows in the same argument is more options, or the value of
	 * one that takes a value ("-w512"), which xl_optarg() takes. */
	if (arg[st->subpos] == '\0') {
		st->subpos = 0;
		st->optind++;
	}
	if (c == 'h' || (c != ':' && strchr(flags, c)))
		return c;
	fprintf(env->err, "option `%c' not supported.\n", c);
	return '?';
}

const char *xl_optarg(struct xl_env *env, struct xl_opts *st, int argc, char **argv, char opt)
{
	const char *prev = argv[st->optind - 1], *eq;

	if (st->subpos) {
		/* "-w512" */
		prev = argv[st->optind++] + st->subpos;
		st->subpos = 0;
		return prev;
	}
	if (prev[0] == '-' && prev[1] == '-' && (eq = strchr(prev, '=')) != NULL)
		return eq + 1; /* "--weight=512" */
	if (st->optind < argc)
		return argv[st->optind++]; /* "-w 512", "--weight 512" */
	fprintf(env->err, "option `%c' requires an argument.\n", opt);
	return NULL;
}

int xl_cmd_options(struct xl_env *env, int argc, char **argv, const char *cmd,
		   const char *flags, int *optind, int (*opt)(int c, void *ctx), void *ctx)
{
	struct xl_opts st = { 0, 0 };
	int c;

	while ((c = xl_getopt(env, &st, argc, argv, flags, NULL)) != 0) {
		if (c == 'h') {
			xl_usage(env, env->out, cmd);
			return 1;
		}
		if (c == '?')
			return 3;
		if (opt)
			opt(c, ctx);
	}
	*optind = st.optind;
	return 0;
}

int xl_cmd_operands(struct xl_env *env, int argc, char **argv, const char *cmd, int need,
		    int *optind)
{
	int rc = xl_cmd_options(env, argc, argv, cmd, "", optind, NULL, NULL);

	if (rc)
		return rc;
	rc = xl_needs_args(env, cmd, argc - *optind, need);
	return rc ? rc + 1 : 0;
}

int xl_open(struct xl_env *env)
{
	const char *what = TC_PRIVCMD_PATH;
	int rc;

	if (env->opened)
		return 0;
	rc = env->be->open(env->be, &what);
	if (rc < 0) {
		fprintf(env->err, "xl: cannot open %s: %s\n", what, strerror(-rc));
		fprintf(env->err, "xl: Is xen running? (xl runs in dom0 of tern, "
			"with the xen-privcmd module loaded)\n");
		return rc;
	}
	env->opened = 1;
	return 0;
}

int xl_xs_connect(struct tc_xs *xs)
{
	struct timeval tv = { 30, 0 };
	int rc = tc_xs_open(xs);

	if (rc == 0) {
		setsockopt(xs->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(xs->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return rc;
}

void xl_xs_error(struct xl_env *env, int rc)
{
	if (rc == -ENOENT || rc == -ECONNREFUSED)
		fprintf(env->err, "xenstored is not running: start xencommons "
			"(cannot connect to %s: %s)\n", tc_xs_socket_path(), strerror(-rc));
	else
		fprintf(env->err, "xl: cannot connect to xenstored at %s: %s\n",
			tc_xs_socket_path(), strerror(-rc));
}

int xl_xs_open(struct xl_env *env)
{
	int rc = env->be->xs_open(env->be);

	if (rc < 0)
		xl_xs_error(env, rc);
	return rc;
}

const char *xl_libxl_dom(uint16_t domid, char buf[XL_LIBXL_DOM_LEN])
{
	if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
		buf[0] = '\0';
	else
		snprintf(buf, XL_LIBXL_DOM_LEN, "Domain %u:", domid);
	return buf;
}

int xl_needs_args(struct xl_env *env, const char *cmd, int have, int need)
{
	if (have >= need)
		return 0;
	fprintf(env->err, "'xl %s' requires at least %d argument%s.\n\n", cmd, need,
		need == 1 ? "" : "s");
	xl_usage(env, env->err, cmd);
	return 2;
}

int xl_main(struct xl_env *env, int argc, char **argv)
{
	const struct xl_cmd *cmd;
	int i;

	/* Global options come before the subcommand. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			xl_usage(env, env->out, NULL);
			return 0;
		}
		for (const char *p = o + 1; *p; p++) {
			if (!strchr("vNftT", *p)) {
				fprintf(env->err, "unknown global option\n");
				return 1;
			}
			if (*p == 'N')
				env->dryrun = 1;
		}
	}
	if (i >= argc) {
		xl_usage(env, env->err, NULL);
		return 1;
	}
	if (strcmp(argv[i], "help") == 0) {
		xl_usage(env, env->out, i + 1 < argc ? argv[i + 1] : NULL);
		return 0;
	}
	cmd = xl_cmd_lookup(argv[i]);
	if (!cmd) {
		fprintf(env->err, "command not implemented\n");
		return 1;
	}
	if (env->dryrun && !xl_cmd_can_dryrun(cmd)) {
		fprintf(env->err, "command does not implement -N (dryrun) option\n");
		return 1;
	}
	return cmd->fn(env, argc - i, argv + i);
}
