/*
 * disk = [ 'DISKSPEC' ] and vif = [ 'k=v,...' ] entries (docs/toolstack.md,
 * "Disks" and "Network interfaces"). Parsed and checked as xl does, so a
 * config that xl accepts parses the same; xl_block.c turns a disk into its
 * xenstore nodes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

/* ---- vdev numbers ---- */

/* Bijective base 26: a=0 ... z=25, aa=26. *p advances past the letters. */
static int disk_letters(const char **p, unsigned long *disk)
{
	unsigned long v = 0;
	int n = 0;

	while (**p >= 'a' && **p <= 'z') {
		v = v * 26 + (unsigned long)(**p - 'a' + 1);
		if (v > (1ul << 20))
			return -EINVAL;
		(*p)++;
		n++;
	}
	if (n == 0)
		return -EINVAL;
	*disk = v - 1;
	return 0;
}

/* A partition number: empty (0) or decimal without a leading zero. */
static int partition(const char *p, unsigned long *part)
{
	char *end;

	*part = 0;
	if (*p == '\0')
		return 0;
	if (!isdigit((unsigned char)*p) || *p == '0')
		return -EINVAL;
	*part = strtoul(p, &end, 10);
	return *end || *part > 255 ? -EINVAL : 0;
}

int xlcfg_vdev_number(const char *vdev, uint32_t *num)
{
	const char *p = vdev;
	unsigned long disk, part, v;
	char *end;

	if (isdigit((unsigned char)vdev[0])) {
		errno = 0;
		v = strtoul(vdev, &end, 0);
		if (*end || errno || v > 0x7fffffff)
			return -EINVAL;
		*num = (uint32_t)v;
		return 0;
	}
	if (strncmp(p, "xvd", 3) == 0 || p[0] == 'd') {
		if (p[0] == 'd') {
			/* d<N>p<M> */
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			disk = strtoul(p, &end, 10);
			p = end;
			part = 0;
			if (*p == 'p') {
				if (partition(p + 1, &part))
					return -EINVAL;
			} else if (*p) {
				return -EINVAL;
			}
		} else {
			p += 3;
			if (disk_letters(&p, &disk) || partition(p, &part))
				return -EINVAL;
		}
		if (disk <= 15 && part <= 15)
			*num = (uint32_t)(202u << 8 | disk << 4 | part);
		else if (disk < (1ul << 20) && part <= 255)
			*num = (uint32_t)(1u << 28 | disk << 8 | part);
		else
			return -EINVAL;
		return 0;
	}
	if (strncmp(p, "hd", 2) == 0) {
		p += 2;
		if (disk_letters(&p, &disk) || disk > 3 || partition(p, &part) || part > 63)
			return -EINVAL;
		*num = (uint32_t)((disk < 2 ? 3u : 22u) << 8 | (disk & 1) << 6 | part);
		return 0;
	}
	if (strncmp(p, "sd", 2) == 0) {
		p += 2;
		if (disk_letters(&p, &disk) || disk > 15 || partition(p, &part) || part > 15)
			return -EINVAL;
		*num = (uint32_t)(8u << 8 | disk << 4 | part);
		return 0;
	}
	return -EINVAL;
}

/* ---- disk ---- */

struct disk_parse {
	struct xlcfg_disk *disk;
	const char *spec, *file;
	int line;
	struct xlcfg_msgs *m;
	int have_format, have_vdev, have_access, have_target;
	int npos;
};

static int disk_error(struct disk_parse *dp, const char *msg, const char *near)
{
	xlcfg_msg(dp->m, 1, "%s:%d: config parsing error in disk specification: %s: near `%s' "
		  "in `%s'", dp->file, dp->line, msg, near, dp->spec);
	return -EINVAL;
}

static int set_field(char **field, const char *v, size_t n)
{
	free(*field);
	*field = strndup(v, n);
	return *field ? 0 : -ENOMEM;
}

static int disk_format(struct disk_parse *dp, const char *v, const char *tok)
{
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd", "qed", "empty" };

	if (dp->have_format++)
		return disk_error(dp, "format respecified", tok);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(v, formats[i]) == 0)
			return set_field(&dp->disk->format, v, strlen(v));
	if (*v == '\0')
		return 0;
	return disk_error(dp, "unknown value for format", tok);
}

static int disk_vdev(struct disk_parse *dp, const char *v, const char *tok)
{
	size_t n = strlen(v);

	if (dp->have_vdev++)
		return disk_error(dp, "vdev respecified", tok);
	if (n > 6 && strcmp(v + n - 6, ":cdrom") == 0) {
		dp->disk->cdrom = 1;
		n -= 6;
	}
	return set_field(&dp->disk->vdev, v, n);
}

static int disk_access(struct disk_parse *dp, const char *v, const char *tok)
{
	if (dp->have_access++)
		return disk_error(dp, "access respecified", tok);
	if (strcmp(v, "r") == 0 || strcmp(v, "ro") == 0)
		dp->disk->readwrite = 0;
	else if (strcmp(v, "w") == 0 || strcmp(v, "rw") == 0 || *v == '\0')
		dp->disk->readwrite = 1;
	else
		return disk_error(dp, "unknown value for access", tok);
	return 0;
}

/* The target, with the deprecated "prefix:" forms. Returns 1 if a prefix was seen. */
static int disk_target(struct disk_parse *dp, const char *v, const char *tok, int *prefixed)
{
	static const char *const stripped[] = {
		"file", "phy", "tap", "tap2", "tapdisk", "aio", "ioemu",
	};
	static const char *const fmt[] = { "raw", "qcow", "qcow2", "vhd" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	const char *colon = strchr(v, ':');
	size_t plen;
	int rc;

	*prefixed = 0;
	if (dp->have_target++)
		return disk_error(dp, "target respecified", tok);
	for (plen = 0; v[plen] && (isalnum((unsigned char)v[plen])); plen++)
		;
	if (colon && colon == v + plen && plen > 0) {
		char prefix[16];
		size_t i;

		if (plen >= sizeof(prefix))
			return disk_error(dp, "unknown deprecated disk prefix", tok);
		memcpy(prefix, v, plen);
		prefix[plen] = '\0';
		*prefixed = 1;
		v = colon + 1;
		for (i = 0; i < sizeof(stripped) / sizeof(stripped[0]); i++)
			if (strcmp(prefix, stripped[i]) == 0)
				goto done;
		for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
			if (strcmp(prefix, fmt[i]) == 0) {
				dp->have_format = 1;
				rc = set_field(&dp->disk->format, prefix, plen);
				if (rc)
					return rc;
				goto done;
			}
		}
		for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
			if (strcmp(prefix, scripts[i]) == 0) {
				char s[24];

				snprintf(s, sizeof(s), "block-%s", prefix);
				rc = set_field(&dp->disk->script, s, strlen(s));
				if (rc)
					return rc;
				goto done;
			}
		}
		return disk_error(dp, "unknown deprecated disk prefix", tok);
	}
done:
	return set_field(&dp->disk->target, v, strlen(v));
}

static int disk_keyval(struct disk_parse *dp, const char *key, size_t klen, const char *v,
		       const char *tok)
{
	struct xlcfg_disk *d = dp->disk;

#define KEY(s) (klen == strlen(s) && strncmp(key, s, klen) == 0)
	if (KEY("format"))
		return disk_format(dp, v, tok);
	if (KEY("vdev"))
		return disk_vdev(dp, v, tok);
	if (KEY("access"))
		return disk_access(dp, v, tok);
	if (KEY("devtype")) {
		if (strcmp(v, "cdrom") && strcmp(v, "disk"))
			return disk_error(dp, "unknown value for type", tok);
		d->cdrom = strcmp(v, "cdrom") == 0;
		return 0;
	}
	if (KEY("backend"))
		return set_field(&d->backend, v, strlen(v));
	if (KEY("backendtype")) {
		if (strcmp(v, "phy") && strcmp(v, "qdisk") && strcmp(v, "tap") &&
		    strcmp(v, "standalone"))
			return disk_error(dp, "unknown value for backendtype", tok);
		return set_field(&d->backendtype, v, strlen(v));
	}
	if (KEY("script"))
		return set_field(&d->script, v, strlen(v));
	if (KEY("specification")) {
		if (strcmp(v, "xen"))
			return disk_error(dp, "unknown value for specification", tok);
		return 0;
	}
	if (KEY("grant_usage")) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return disk_error(dp, "unknown value for grant_usage", tok);
		return 0;
	}
#undef KEY
	return disk_error(dp, "unknown parameter", tok);
}

static int disk_flag(struct disk_parse *dp, const char *tok)
{
	struct xlcfg_disk *d = dp->disk;

	if (strcmp(tok, "cdrom") == 0)
		d->cdrom = 1;
	else if (strcmp(tok, "direct-io-safe") == 0)
		d->direct_io_safe = 1;
	else if (strcmp(tok, "discard") == 0)
		d->discard = 1;
	else if (strcmp(tok, "no-discard") == 0)
		d->discard = 0;
	else if (strcmp(tok, "trusted") == 0)
		d->trusted = 1;
	else if (strcmp(tok, "untrusted") == 0)
		d->trusted = 0;
	else
		return 1; /* not a flag: positional */
	return 0;
}

static int disk_positional(struct disk_parse *dp, const char *tok, int *prefixed)
{
	/* Slots: target, format, vdev, access; a target prefix skips format. */
	for (;;) {
		int slot = dp->npos++;

		switch (slot) {
		case 0:
			return disk_target(dp, tok, tok, prefixed);
		case 1:
			if (*prefixed)
				continue;
			return disk_format(dp, tok, tok);
		case 2:
			return disk_vdev(dp, tok, tok);
		case 3:
			return disk_access(dp, tok, tok);
		default:
			return disk_error(dp, "too many positional parameters", tok);
		}
	}
}

int xlcfg_parse_disk(struct xlcfg_disk *disk, const char *spec, const char *file, int line,
		     struct xlcfg_msgs *m)
{
	struct disk_parse dp = { disk, spec, file, line, m, 0, 0, 0, 0, 0 };
	const char *p = spec;
	char *tok = NULL;
	int rc = 0, prefixed = 0;

	memset(disk, 0, sizeof(*disk));
	disk->readwrite = 1;
	disk->discard = 1;
	disk->trusted = 1;
	disk->spec = strdup(spec);
	disk->file = strdup(file);
	disk->line = line;
	if (!disk->spec || !disk->file) {
		xlcfg_disk_free(disk);
		return -ENOMEM;
	}
	while (rc == 0 && *p) {
		const char *end, *eq;
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "target=", 7) == 0) {
			/* target= takes the rest, commas included. */
			rc = disk_target(&dp, p + 7, p, &prefixed);
			break;
		}
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		free(tok);
		tok = strndup(p, n);
		if (!tok) {
			rc = -ENOMEM;
			break;
		}
		eq = strchr(tok, '=');
		if (eq)
			rc = disk_keyval(&dp, tok, (size_t)(eq - tok), eq + 1, tok);
		else if (disk_flag(&dp, tok) != 0)
			rc = disk_positional(&dp, tok, &prefixed);
		p += n;
		if (*p == ',')
			p++;
		else
			break;
	}
	free(tok);
	if (rc == 0 && !disk->vdev)
		rc = disk_error(&dp, "bad disk syntax (no vdev)", spec);
	if (rc == 0 && !disk->target) {
		if (!disk->cdrom)
			rc = disk_error(&dp, "bad disk syntax (no target)", spec);
		else
			rc = set_field(&disk->target, "", 0);
	}
	if (rc == 0 && xlcfg_vdev_number(disk->vdev, &disk->devnum)) {
		xlcfg_msg(m, 1, "%s:%d: Invalid or unsupported virtual disk identifier %s", file, line,
			  disk->vdev);
		rc = -EINVAL;
	}
	if (rc == 0 && !disk->format)
		rc = set_field(&disk->format, "raw", 3);
	if (rc == 0 && disk->cdrom && !dp.have_access)
		disk->readwrite = 0;
	if (rc)
		xlcfg_disk_free(disk);
	return rc;
}

void xlcfg_disk_free(struct xlcfg_disk *d)
{
	free(d->spec);
	free(d->file);
	free(d->target);
	free(d->format);
	free(d->vdev);
	free(d->backend);
	free(d->backendtype);
	free(d->script);
	memset(d, 0, sizeof(*d));
}

/* ---- vif ---- */

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -EINVAL;
		mac[i] = (uint8_t)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

/* "<digits><unit>" with xl's units: *n and the unit's text. */
static int number_unit(const char *s, uint64_t *n, const char **unit)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*n = strtoull(s, &end, 10);
	*unit = end;
	return errno || *n == 0 || *n > UINT32_MAX ? -ERANGE : 0;
}

static int rate_error(struct xlcfg_msgs *m, const char *file, int line, const char *msg,
		      const char *what)
{
	xlcfg_msg(m, 1, "%s:%d: config parsing error in vif: %s in `%s'", file, line, msg, what);
	return -EINVAL;
}

int xlcfg_parse_rate(const char *rate, uint64_t *bytes, uint32_t *usecs, const char *file,
		     int line, struct xlcfg_msgs *m)
{
	static const char *const units[] = { "GB/s", "MB/s", "KB/s", "B/s", "Gb/s", "Mb/s",
					     "Kb/s", "b/s" };
	static const uint64_t mult[] = { 1000000000, 1000000, 1000, 1 };
	const char *at = strchr(rate, '@'), *unit;
	uint64_t per_s, us = 50000, n;
	char amount[64];
	size_t i, alen = at ? (size_t)(at - rate) : strlen(rate);
	int rc;

	if (alen == 0)
		return rate_error(m, file, line, "no rate specified", rate);
	if (alen >= sizeof(amount))
		return rate_error(m, file, line, "invalid rate", rate);
	memcpy(amount, rate, alen);
	amount[alen] = '\0';
	rc = number_unit(amount, &per_s, &unit);
	for (i = 0; rc != -EINVAL && i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i]) == 0)
			break;
	if (rc == -EINVAL || i == sizeof(units) / sizeof(units[0]))
		return rate_error(m, file, line, "invalid rate", amount);
	if (rc)
		return rate_error(m, file, line, "rate overflow", amount);
	per_s *= mult[i % 4];
	if (i >= 4)
		per_s /= 8; /* bits */
	if (at) {
		rc = number_unit(at + 1, &n, &unit);
		if (rc == -EINVAL || (strcmp(unit, "") && strcmp(unit, "s") && strcmp(unit, "ms") &&
				      strcmp(unit, "us")))
			return rate_error(m, file, line, "invalid replenishment interval", at + 1);
		if (rc)
			return rate_error(m, file, line, "replenishment interval overflow", at + 1);
		us = n * (unit[0] == 'u' ? 1 : unit[0] == 'm' ? 1000 : 1000000);
		if (us > UINT32_MAX)
			return rate_error(m, file, line, "replenishment interval overflow", at + 1);
	}
	if (per_s > UINT64_MAX / us)
		return rate_error(m, file, line, "rate overflow", rate);
	*bytes = per_s * us / 1000000;
	*usecs = (uint32_t)us;
	return 0;
}

int xlcfg_parse_vif(struct xlcfg_vif *vif, int devid, const char *spec, const char *file,
		    int line, struct xlcfg_msgs *m)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int rc = 0;

	memset(vif, 0, sizeof(*vif));
	vif->devid = devid;
	vif->trusted = 1;
	vif->line = line;
	vif->spec = strdup(spec);
	vif->file = strdup(file);
	if (!copy || !vif->spec || !vif->file) {
		free(copy);
		xlcfg_vif_free(vif);
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		char *eq, *k, *v;
		char **field = NULL;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (*tok == '\0')
			continue;
		eq = strchr(tok, '=');
		if (!eq) {
			if (strcmp(tok, "trusted") == 0 || strcmp(tok, "untrusted") == 0) {
				vif->trusted = tok[0] == 't';
				continue;
			}
			xlcfg_msg(m, 1, "%s:%d: unrecognized argument `%s'", file, line, tok);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		k = tok;
		v = eq + 1;
		if (strcmp(k, "mac") == 0) {
			if (parse_mac(v, vif->mac)) {
				xlcfg_msg(m, 1, "%s:%d: Invalid parameter `mac'.", file, line);
				rc = -EINVAL;
			}
			vif->has_mac = 1;
		} else if (strcmp(k, "type") == 0) {
			if (strcmp(v, "vif") != 0) {
				xlcfg_msg(m, 1, "%s:%d: Invalid parameter `type'.%s", file, line,
					  strcmp(v, "ioemu") == 0 ? " (ioemu is for HVM guests)" : "");
				rc = -EINVAL;
			}
		} else if (strcmp(k, "mtu") == 0 || strcmp(k, "devid") == 0) {
			char *end;
			unsigned long n = strtoul(v, &end, 10);
			int is_mtu = k[0] == 'm';

			if (*end || !*v || (is_mtu ? n < 68 || n > 65535 : n > 0x7fffffff)) {
				xlcfg_msg(m, 1, "%s:%d: Invalid parameter `%s'.", file, line, k);
				rc = -EINVAL;
			}
			if (is_mtu)
				vif->mtu = (unsigned)n;
			else
				vif->devid = (int)n;
		} else if (strcmp(k, "rate") == 0) {
			rc = xlcfg_parse_rate(v, &vif->rate_bytes, &vif->rate_us, file, line, m);
		} else if (strcmp(k, "accel") == 0) {
			xlcfg_msg(m, 0, "%s:%d: the accel parameter for vifs is ignored", file, line);
		} else if (strcmp(k, "netdev") == 0 || strcmp(k, "gatewaydev") == 0) {
			if (strcmp(k, "netdev") == 0)
				xlcfg_msg(m, 0, "%s:%d: the netdev parameter is deprecated, use "
					  "gatewaydev", file, line);
			field = &vif->gatewaydev;
		} else if (strcmp(k, "bridge") == 0) {
			field = &vif->bridge;
		} else if (strcmp(k, "ip") == 0) {
			field = &vif->ip;
		} else if (strcmp(k, "script") == 0) {
			field = &vif->script;
		} else if (strcmp(k, "model") == 0) {
			field = &vif->model;
		} else if (strcmp(k, "vifname") == 0) {
			field = &vif->vifname;
		} else if (strcmp(k, "backend") == 0) {
			field = &vif->backend;
		} else if (strcmp(k, "vlan") == 0) {
			/* Xen's vif-bridge makes the port a member of that VLAN;
			 * tern's does not yet, and a guest silently on the wrong
			 * network is worse than a refusal. */
			xlcfg_msg(m, 1, "%s:%d: vlan= is not implemented by tern yet: put the vif "
				  "in a bridge on that VLAN's interface (e.g. one holding eth0.%s)",
				  file, line, v);
			rc = -EINVAL;
		} else if (strcmp(k, "forwarddev") == 0 || strncmp(k, "colo_", 5) == 0) {
			/* COLO replication: accepted as xl does; tern has no use for it */
		} else {
			*eq = '=';
			xlcfg_msg(m, 1, "%s:%d: unrecognized argument `%s'", file, line, tok);
			rc = -EINVAL;
		}
		if (field && rc == 0) {
			free(*field);
			*field = strdup(v);
			if (!*field)
				rc = -ENOMEM;
		}
	}
	free(copy);
	if (rc)
		xlcfg_vif_free(vif);
	return rc;
}

void xlcfg_vif_free(struct xlcfg_vif *v)
{
	free(v->spec);
	free(v->file);
	free(v->bridge);
	free(v->ip);
	free(v->script);
	free(v->model);
	free(v->vifname);
	free(v->backend);
	free(v->gatewaydev);
	memset(v, 0, sizeof(*v));
}
