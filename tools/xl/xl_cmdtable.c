/* The commands xl knows, with the usage text `xl help <cmd>` prints. */
#include <string.h>

#include "xl.h"

const struct xl_cmd xl_cmdtable[] = {
	{ "list", xl_cmd_list, "List information about all/some domains",
	  "[options] [Domain]",
	  "-l, --long              Output all VM details\n"
	  "-v, --verbose           Prints out UUIDs and security context\n" },
	{ "dmesg", xl_cmd_dmesg, "Read and/or clear dmesg buffer",
	  "[-c]",
	  "  -c                        Clear dmesg buffer as well as printing it" },
	{ "info", xl_cmd_info, "Get information about Xen host",
	  "[-x|--xenstore] [FIELD]",
	  "-x, --xenstore          Show xenstore features" },
};
const unsigned xl_cmdtable_len = sizeof(xl_cmdtable) / sizeof(xl_cmdtable[0]);

const struct xl_cmd *xl_cmd_lookup(const char *name)
{
	const struct xl_cmd *found = NULL;
	size_t len = strlen(name);

	if (len == 0)
		return NULL;
	for (unsigned i = 0; i < xl_cmdtable_len; i++) {
		if (strcmp(xl_cmdtable[i].name, name) == 0)
			return &xl_cmdtable[i];
		if (strncmp(xl_cmdtable[i].name, name, len) == 0) {
			if (found)
				return NULL; /* ambiguous */
			found = &xl_cmdtable[i];
		}
	}
	return found;
}

void xl_usage(struct xl_env *env, FILE *f, const char *cmd)
{
	const struct xl_cmd *c = cmd ? xl_cmd_lookup(cmd) : NULL;

	(void)env;
	if (!c) {
		fprintf(f, "Usage xl [-vfNtT] <subcommand> [args]\n\n");
		fprintf(f, "xl full list of subcommands:\n\n");
		for (unsigned i = 0; i < xl_cmdtable_len; i++)
			fprintf(f, " %-19s %s\n\n", xl_cmdtable[i].name, xl_cmdtable[i].summary);
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "Usage: xl [-v] %s %s\n\n%s.\n\n", c->name, c->usage, c->summary);
	if (c->options && *c->options)
		fprintf(f, "Options:\n\n%s\n", c->options);
}
