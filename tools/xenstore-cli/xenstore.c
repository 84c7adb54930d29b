/*
 * xenstore-read, -write, -rm, -exists, -list: the command-line clients
 * Xen's hotplug scripts call, as one program named by argv[0] (or by its
 * first argument: `xenstore read PATH`). Options and exit status as Xen's:
 * 0 on success, 1 with a message on stderr otherwise; -s (use the socket)
 * is accepted and needs nothing, tern's clients always do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ternctl.h"

static int fail(const char *cmd, const char *path, int rc)
{
	fprintf(stderr, "xenstore-%s: %s: %s\n", cmd, path, strerror(-rc));
	return 1;
}

static int cmd_read(struct tc_xs *xs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *v = NULL;
		int rc = tc_xs_get(xs, 0, argv[i], &v);

		if (rc)
			return fail("read", argv[i], rc);
		printf("%s\n", v);
		free(v);
	}
	return 0;
}

static int cmd_write(struct tc_xs *xs, int argc, char **argv)
{
	if (argc == 0 || argc % 2) {
		fprintf(stderr, "Usage: xenstore-write [-s] key value [key value ...]\n");
		return 2;
	}
	for (int i = 0; i < argc; i += 2) {
		int rc = tc_xs_write(xs, 0, argv[i], argv[i + 1]);

		if (rc)
			return fail("write", argv[i], rc);
	}
	return 0;
}

static int cmd_rm(struct tc_xs *xs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int rc = tc_xs_rm(xs, 0, argv[i]);

		if (rc)
			return fail("rm", argv[i], rc);
	}
	return 0;
}

static int cmd_exists(struct tc_xs *xs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *v = NULL;
		int rc = tc_xs_get(xs, 0, argv[i], &v);

		free(v);
		if (rc)
			return 1;
	}
	return 0;
}

static int cmd_list(struct tc_xs *xs, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *names = NULL;
		uint32_t len = 0;
		int rc = tc_xs_directory(xs, 0, argv[i], &names, &len);

		if (rc)
			return fail("list", argv[i], rc);
		for (uint32_t p = 0; p < len; p += (uint32_t)strlen(names + p) + 1)
			printf("%s\n", names + p);
		free(names);
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct tc_xs *xs, int argc, char **argv);
} cmds[] = {
	{ "read", cmd_read }, { "write", cmd_write }, { "rm", cmd_rm },
	{ "exists", cmd_exists }, { "list", cmd_list },
};

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *name = NULL;
	struct tc_xs xs;
	int first = 1, rc;

	if (strncmp(base, "xenstore-", 9) == 0) {
		name = base + 9;
	} else if (argc > 1) {
		name = argv[1];
		first = 2;
	}
	while (first < argc && strcmp(argv[first], "-s") == 0)
		first++;
	for (size_t i = 0; name && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, name) != 0)
			continue;
		rc = tc_xs_open(&xs);
		if (rc) {
			fprintf(stderr, "xenstore-%s: cannot connect to %s: %s\n", name,
				tc_xs_socket_path(), strerror(-rc));
			return 1;
		}
		rc = cmds[i].fn(&xs, argc - first, argv + first);
		tc_xs_close(&xs);
		if (fflush(stdout))
			rc = 1;
		return rc;
	}
	fprintf(stderr, "Usage: xenstore-{read,write,rm,exists,list} [-s] path...\n");
	return 2;
}
