/*
 * Virtual network interfaces: a vif = [...] entry into its vif nodes
 * (libxl's layout: docs/netback.md, "xenstore keys"), checked before anything is
 * built, and `xl network-attach`, `network-detach`, `network-list` with
 * Xen's output. The backend is tern-netback (tools/backends/net); the
 * hotplug script (vif-bridge by default) puts the interface in its bridge.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xl_device.h"
#include "xl_domain.h"

#define XL_DEFAULT_BRIDGE "xenbr0"
#define XL_DEFAULT_VIF_SCRIPT "vif-bridge"
#define XL_DEFAULT_MTU 1500

/* The vif's own words in every message, as the user wrote it and where. */
static void vif_error(struct xl_env *env, const struct xlcfg_vif *v, const char *fmt,
		      const char *a, const char *b)
{
	fprintf(env->err, "libxl: error: %s:%d: vif '%s': ", v->file, v->line, v->spec);
	fprintf(env->err, fmt, a, b);
	fputc('\n', env->err);
}

/* The script's absolute path: script=, relative to the script directory. */
static void script_path(const struct xlcfg_vif *v, char *out, size_t len)
{
	const char *s = v->script ? v->script : XL_DEFAULT_VIF_SCRIPT;

	if (s[0] == '/')
		snprintf(out, len, "%s", s);
	else
		snprintf(out, len, XL_SCRIPT_DIR "/%s", s);
}

/* The interface's name in dom0, as Xen names it. */
static void vif_ifname(const struct xlcfg_vif *v, uint16_t domid, char *out, size_t len)
{
	if (v->vifname)
		snprintf(out, len, "%s", v->vifname);
	else
		snprintf(out, len, "vif%u.%d", domid, v->devid);
}

int xl_nic_check(struct xl_env *env, const struct xlcfg_vif *v)
{
	char script[256];

	if (v->backend && strcmp(v->backend, "0") && strcmp(v->backend, "Domain-0")) {
		vif_error(env, v, "backend=%s: driver domains are not supported; the backend is "
			  "dom0's%s", v->backend, "");
		return 1;
	}
	if (v->vifname) {
		int ok = v->vifname[0] && strlen(v->vifname) < IFNAMSIZ;

		for (const char *p = v->vifname; *p && ok; p++)
			ok = *p > ' ' && *p < 127 && *p != '/' && *p != ':';
		if (!ok) {
			vif_error(env, v, "vifname %s is not an interface name (at most %s characters, "
				  "no '/', ':' or spaces)", v->vifname, "15");
			return 1;
		}
		if (if_nametoindex(v->vifname)) {
			vif_error(env, v, "vifname %s: dom0 has an interface of that name%s",
				  v->vifname, "");
			return 1;
		}
	}
	script_path(v, script, sizeof(script));
	if (access(script, X_OK) != 0) {
		vif_error(env, v, "hotplug script %s: %s", script, strerror(errno));
		return 1;
	}
	return 0;
}

void xl_nic_defaults(struct xlcfg_vif *v)
{
	uint8_t r[3] = { 0, 0, 0 };
	int fd;

	if (v->has_mac)
		return;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, r, sizeof(r)) != (ssize_t)sizeof(r)) {
		unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);

		for (int i = 0; i < 3; i++)
			r[i] = (uint8_t)rand_r(&seed);
	}
	if (fd >= 0)
		close(fd);
	/* Xen's OUI, and a locally unique rest (its first bit clear, as libxl). */
	v->mac[0] = 0x00;
	v->mac[1] = 0x16;
	v->mac[2] = 0x3e;
	v->mac[3] = r[0] & 0x7f;
	v->mac[4] = r[1];
	v->mac[5] = r[2];
	v->has_mac = 1;
}

int xl_nic_add(struct xl_env *env, struct tc_xs *xs, uint16_t domid, const struct xlcfg_vif *v)
{
	char mac[18], handle[16], mtu[16], rate[48], script[256], name[IFNAMSIZ];
	unsigned m = v->mtu ? v->mtu : XL_DEFAULT_MTU;
	struct xl_dev_kv be[16], fe[4], fe_ro[2], sh[4];
	unsigned nb = 0, nf = 0, ne = 0;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0], v->mac[1],
		 v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
	snprintf(handle, sizeof(handle), "%d", v->devid);
	snprintf(mtu, sizeof(mtu), "%u", m);
	snprintf(rate, sizeof(rate), "%llu,%u", (unsigned long long)v->rate_bytes, v->rate_us);
	script_path(v, script, sizeof(script));
	vif_ifname(v, domid, name, sizeof(name));
	be[nb++] = (struct xl_dev_kv){ "mac", mac };
	be[nb++] = (struct xl_dev_kv){ "bridge", v->bridge ? v->bridge : XL_DEFAULT_BRIDGE };
	be[nb++] = (struct xl_dev_kv){ "handle", handle };
	be[nb++] = (struct xl_dev_kv){ "type", "vif" };
	if (v->vifname)
		be[nb++] = (struct xl_dev_kv){ "vifname", v->vifname };
	if (v->ip)
		be[nb++] = (struct xl_dev_kv){ "ip", v->ip };
	if (v->gatewaydev)
		be[nb++] = (struct xl_dev_kv){ "gatewaydev", v->gatewaydev };
	if (v->rate_us)
		be[nb++] = (struct xl_dev_kv){ "rate", rate };
	if (m != XL_DEFAULT_MTU)
		be[nb++] = (struct xl_dev_kv){ "mtu", mtu };
	be[nb] = (struct xl_dev_kv){ NULL, NULL };
	fe[nf++] = (struct xl_dev_kv){ "handle", handle };
	fe[nf++] = (struct xl_dev_kv){ "mac", mac };
	fe[nf++] = (struct xl_dev_kv){ "trusted", v->trusted ? "1" : "0" };
	fe[nf] = (struct xl_dev_kv){ NULL, NULL };
	fe_ro[0] = (struct xl_dev_kv){ "mtu", mtu };
	fe_ro[1] = (struct xl_dev_kv){ NULL, NULL };
	/* What Xen's vif scripts find in their environment. */
	sh[ne++] = (struct xl_dev_kv){ "vif", name };
	sh[ne++] = (struct xl_dev_kv){ "type_if", "vif" };
	sh[ne++] = (struct xl_dev_kv){ "netdev", v->gatewaydev ? v->gatewaydev : "" };
	sh[ne] = (struct xl_dev_kv){ NULL, NULL };
	{
		struct xl_dev dev = { "vif", domid, (uint32_t)v->devid, script, "online", be, fe, sh,
				      fe_ro };

		return xl_dev_add(env, xs, &dev);
	}
}

/* ---- network-attach ---- */

int xl_cmd_network_attach(struct xl_env *env, int argc, char **argv)
{
	struct xlcfg_msgs msgs = { NULL, 0, 0, 0, 0 };
	struct xlcfg_vif vif;
	struct tc_xs xs;
	uint32_t *ids = NULL;
	unsigned n = 0;
	char *spec = NULL;
	uint16_t domid;
	int rc = xl_dev_attach_args(env, argc, argv, "network-attach", 1, &domid, &spec);

	if (rc >= 0)
		return rc;
	if (xl_dom_xs(env, &xs)) {
		free(spec);
		return 1;
	}
	/* The next free device id, unless devid= says. */
	xl_dev_list(&xs, "vif", domid, &ids, &n);
	rc = xlcfg_parse_vif(&vif, n ? (int)ids[n - 1] + 1 : 0, spec, "command line", 1, &msgs);
	free(ids);
	free(spec);
	if (msgs.text)
		fputs(msgs.text, env->err);
	xlcfg_msgs_free(&msgs);
	if (rc == 0) {
		xl_nic_defaults(&vif);
		rc = xl_nic_check(env, &vif) ? -EINVAL : xl_nic_add(env, &xs, domid, &vif);
		xlcfg_vif_free(&vif);
	}
	tc_xs_close(&xs);
	if (rc) {
		fprintf(env->err, "libxl_device_nic_add failed.\n");
		return 1;
	}
	return 0;
}

/* ---- network-detach ---- */

/* The device id of a vif given as a number or by its MAC; -1 if none. */
static long find_vif(struct tc_xs *xs, uint16_t domid, const char *arg)
{
	uint32_t *ids = NULL;
	unsigned n = 0;
	long found = -1;

	xl_dev_list(xs, "vif", domid, &ids, &n);
	for (unsigned i = 0; i < n && found < 0; i++) {
		char be[128], path[160], *mac = NULL;

		if (!strchr(arg, ':')) {
			char *end;
			unsigned long id = strtoul(arg, &end, 10);

			if (*arg && !*end && id == ids[i])
				found = ids[i];
			continue;
		}
		xl_dev_be_path(be, sizeof(be), "vif", domid, ids[i]);
		snprintf(path, sizeof(path), "%s/mac", be);
		if (tc_xs_get(xs, 0, path, &mac) == 0 && strcasecmp(mac, arg) == 0)
			found = ids[i];
		free(mac);
	}
	free(ids);
	return found;
}

int xl_cmd_network_detach(struct xl_env *env, int argc, char **argv)
{
	struct tc_xs xs;
	uint16_t domid;
	long devid;
	int optind, rc = xl_cmd_operands(env, argc, argv, "network-detach", 2, &optind);

	if (rc)
		return rc - 1;
	if (xl_dom_resolve(env, argv[optind], &domid) || xl_dom_xs(env, &xs))
		return 1;
	devid = find_vif(&xs, domid, argv[optind + 1]);
	if (devid < 0) {
		tc_xs_close(&xs);
		fprintf(env->err, "Unknown device %s.\n", argv[optind + 1]);
		return 1;
	}
	rc = xl_dev_remove(env, &xs, "vif", domid, (uint32_t)devid, 0, XL_DEV_CLOSE_TIMEOUT_MS);
	tc_xs_close(&xs);
	if (rc) {
		fprintf(env->err, "libxl_device_nic_del failed.\n");
		return 1;
	}
	return 0;
}

/* ---- network-list ---- */

static void list_domain(struct xl_env *env, struct tc_xs *xs, uint16_t domid)
{
	uint32_t *ids = NULL;
	unsigned n = 0;

	xl_dev_list(xs, "vif", domid, &ids, &n);
	for (unsigned i = 0; i < n; i++) {
		char be[128], fe[128], path[160], *mac = NULL;

		xl_dev_be_path(be, sizeof(be), "vif", domid, ids[i]);
		xl_dev_fe_path(fe, sizeof(fe), "vif", domid, ids[i]);
		snprintf(path, sizeof(path), "%s/mac", be);
		if (tc_xs_get(xs, 0, path, &mac) != 0) {
			free(mac);
			mac = strdup("00:00:00:00:00:00");
		}
		/* Idx BE Mac-Addr handle state evt-ch tx-/rx-ring-ref BE-path */
		fprintf(env->out, "%-3u %-2d %-17s%6u %5ld %6ld %5ld/%-11ld %-30s\n", ids[i], 0,
			mac ? mac : "", ids[i], xl_dev_read_num(xs, fe, "state"),
			xl_dev_read_num(xs, fe, "event-channel"), xl_dev_read_num(xs, fe, "tx-ring-ref"),
			xl_dev_read_num(xs, fe, "rx-ring-ref"), be);
		free(mac);
	}
	free(ids);
}

int xl_cmd_network_list(struct xl_env *env, int argc, char **argv)
{
	struct tc_xs xs;
	int optind, status = 0, rc = xl_cmd_operands(env, argc, argv, "network-list", 1, &optind);

	if (rc)
		return rc - 1;
	if (xl_dom_xs(env, &xs))
		return 1;
	fprintf(env->out, "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.",
		"handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	for (int a = optind; a < argc; a++) {
		uint16_t domid;

		if (xl_dom_resolve(env, argv[a], &domid)) {
			status = 1;
			continue;
		}
		list_domain(env, &xs, domid);
	}
	tc_xs_close(&xs);
	return status;
}
