/* xen_version queries: what `xl info` shows about the hypervisor. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ternctl.h"

long tc_version_number(struct tc_handle *h)
{
	return tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
}

/* Runs XENVER_<cmd> into a resident buffer of len bytes, copies the string out. */
static void version_string(struct tc_handle *h, unsigned cmd, size_t len, char *out)
{
	char *buf = tc_buf_alloc(len);

	out[0] = '\0';
	if (!buf)
		return;
	if (tc_hypercall(h, __HYPERVISOR_xen_version, cmd, (uint64_t)(uintptr_t)buf, 0, 0, 0) >= 0) {
		memcpy(out, buf, len);
		out[len] = '\0';
	}
	tc_buf_free(buf, len);
}

static void copy_field(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void version_compile(struct tc_handle *h, struct tc_version *v)
{
	struct xen_compile_info *ci = tc_buf_alloc(sizeof(*ci));

	if (!ci)
		return;
	if (tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_compile_info,
			 (uint64_t)(uintptr_t)ci, 0, 0, 0) >= 0) {
		copy_field(v->compiler, ci->compiler, sizeof(ci->compiler));
		copy_field(v->compile_by, ci->compile_by, sizeof(ci->compile_by));
		copy_field(v->compile_domain, ci->compile_domain, sizeof(ci->compile_domain));
		copy_field(v->compile_date, ci->compile_date, sizeof(ci->compile_date));
	}
	tc_buf_free(ci, sizeof(*ci));
}

static void version_build_id(struct tc_handle *h, struct tc_version *v)
{
	const size_t max = (sizeof(v->build_id) - 1) / 2;
	struct xen_build_id *id = tc_buf_alloc(sizeof(*id) + max);
	long n;

	if (!id)
		return;
	id->len = (uint32_t)max;
	n = tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_build_id,
			 (uint64_t)(uintptr_t)id, 0, 0, 0);
	/* The hypercall returns the length it wrote. */
	if (n > 0 && (size_t)n <= max)
		for (long i = 0; i < n; i++)
			snprintf(v->build_id + 2 * i, 3, "%02x", id->buf[i]);
	tc_buf_free(id, sizeof(*id) + max);
}

int tc_version_get(struct tc_handle *h, struct tc_version *v)
{
	struct xen_platform_parameters *pp;
	long rc;

	memset(v, 0, sizeof(*v));
	rc = tc_version_number(h);
	if (rc < 0)
		return (int)rc;
	v->major = (unsigned)(rc >> 16);
	v->minor = (unsigned)(rc & 0xffff);
	version_string(h, XENVER_extraversion, sizeof(xen_extraversion_t), v->extra);
	version_string(h, XENVER_capabilities, sizeof(xen_capabilities_info_t), v->caps);
	version_string(h, XENVER_changeset, sizeof(xen_changeset_info_t), v->changeset);
	version_string(h, XENVER_commandline, sizeof(xen_commandline_t), v->commandline);
	version_compile(h, v);
	version_build_id(h, v);
	pp = tc_buf_alloc(sizeof(*pp));
	if (pp) {
		if (tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_platform_parameters,
				 (uint64_t)(uintptr_t)pp, 0, 0, 0) >= 0)
			v->virt_start = pp->virt_start;
		tc_buf_free(pp, sizeof(*pp));
	}
	rc = tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0);
	v->pagesize = rc > 0 ? (unsigned long)rc : 4096;
	return 0;
}
