/*
 * `xl rename <Domain> <NewName>`: /local/domain/N/name and /vm/<uuid>/name
 * together, as libxl does; a name another domain has is refused, and so is
 * one xl.cfg would refuse (xlcfg_name_problem).
 */
#include <string.h>

#include "xl.h"
#include "xlcfg.h"

int xl_cmd_rename(struct xl_env *env, int argc, char **argv)
{
	struct tern_domaininfo d;
	const char *dom, *name, *why, *paths[2], *values[2];
	char path[2][80], uuid[37], dprefix[XL_LIBXL_DOM_LEN];
	uint16_t other;
	int optind, rc = xl_cmd_operands(env, argc, argv, "rename", 2, &optind);

	if (rc)
		return rc - 1;
	dom = argv[optind];
	name = argv[optind + 1];
	if (xl_find_domain(env, dom, &d))
		return 1;
	why = xlcfg_name_problem(name);
	if (why) {
		fprintf(env->err, "xl: name `%s' is not valid: %s\n", name, why);
	} else if (xl_name_to_domid(env, name, &other) == 0 && other != d.domain) {
		fprintf(env->err, "libxl: error: libxl_domain.c:81:libxl__domain_rename: "
			"%sDomain with name \"%s\" already exists.\n",
			xl_libxl_dom(d.domain, dprefix), name);
	} else if (xl_xs_open(env) == 0) {
		xl_format_uuid(d.handle, uuid);
		snprintf(path[0], sizeof(path[0]), "/local/domain/%u/name", d.domain);
		snprintf(path[1], sizeof(path[1]), "/vm/%s/name", uuid);
		for (int i = 0; i < 2; i++) {
			paths[i] = path[i];
			values[i] = name;
		}
		/* dom0 has no /vm directory: its name alone. */
		rc = env->be->xs_write(env->be, d.domain ? 2 : 1, paths, values);
		if (rc == 0)
			return 0;
		fprintf(env->err, "libxl: error: libxl_domain.c:115:libxl__domain_rename: "
			"Failed to write new name `%s' for domain %u: %s\n", name, d.domain,
			strerror(-rc));
	}
	fprintf(env->err, "Can't rename domain '%s'.\n", dom);
	return 1;
}
