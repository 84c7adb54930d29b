/*
 * xen_version: tern reports the Xen ABI level it implements (4.17) with its
 * own name in the extra version, so guests and tools that check the version
 * take the paths that tern supports.
 */
#include <public/version.h>
#include <tern/cmdline.h>
#include <tern/compat.h>
#include <tern/errno.h>
#include <tern/format.h>
#include <tern/hypercall.h>
#include <tern/setup.h>
#include <tern/string.h>
#include <tern/version.h>

#define XEN_ABI_MAJOR 4
#define XEN_ABI_MINOR 17
/* What Xen puts in a string a domain may not see. */
#define XEN_DENIED "<denied>"

/*
 * Features an auto-translated guest with a callback vector can use. dom0
 * keeps its native clock (no hvm_safe_pvclock); a domain without devices has
 * only tern's pvclock and timers.
 */
static uint32_t features(const struct domain *d)
{
	uint32_t f = (1u << XENFEAT_auto_translated_physmap) | (1u << XENFEAT_hvm_callback_vector);

	return d->passthrough ? f : f | (1u << XENFEAT_hvm_safe_pvclock);
}

static long copy_string(struct vcpu *v, uint64_t arg, const char *s, size_t size)
{
	char buf[1024];

	memset(buf, 0, size);
	format_snprintf(buf, size, "%s", s);
	return copy_to_guest(v, arg, buf, size);
}

static unsigned int hex_digit(char c)
{
	return c <= '9' ? (unsigned int)(c - '0') : (unsigned int)(c - 'a' + 10);
}

/* The build id as raw bytes (the build records it as hex digits). */
static long build_id(struct vcpu *v, uint64_t arg)
{
	struct xen_build_id head;
	uint8_t id[64];
	size_t len = strlen(tern_build_id) / 2;

	for (size_t i = 0; i < len && i < sizeof(id); i++)
		id[i] = (uint8_t)(hex_digit(tern_build_id[2 * i]) << 4 | hex_digit(tern_build_id[2 * i + 1]));
	if (copy_from_guest(v, &head, arg, sizeof(head)))
		return -EFAULT;
	if (head.len < len)
		return -ENOBUFS;
	if (copy_to_guest(v, arg + sizeof(head), id, len))
		return -EFAULT;
	return (long)len;
}

long do_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct xen_feature_info fi;
	struct xen_compile_info ci;
	char extra[sizeof(xen_extraversion_t)];

	switch (cmd) {
	case XENVER_version:
		return (XEN_ABI_MAJOR << 16) | XEN_ABI_MINOR;
	case XENVER_extraversion:
		format_snprintf(extra, sizeof(extra), ".0-tern%d.%d%s", TERN_VERSION_MAJOR,
				TERN_VERSION_MINOR, TERN_VERSION_EXTRA);
		return copy_string(v, arg, extra, sizeof(xen_extraversion_t));
	case XENVER_compile_info:
		memset(&ci, 0, sizeof(ci));
		format_snprintf(ci.compiler, sizeof(ci.compiler), "%s", tern_compiler);
		format_snprintf(ci.compile_by, sizeof(ci.compile_by), "tern");
		format_snprintf(ci.compile_domain, sizeof(ci.compile_domain), "tern.invalid");
		format_snprintf(ci.compile_date, sizeof(ci.compile_date), "%s", tern_compile_date);
		return copy_to_guest(v, arg, &ci, sizeof(ci));
	case XENVER_capabilities:
		return copy_string(v, arg, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
				   sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return copy_string(v, arg, tern_changeset, sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { 0 };

		return copy_abi_to_guest(v, arg, &pp, &xlat_platform_parameters);
	}
	case XENVER_get_features:
		if (copy_from_guest(v, &fi, arg, sizeof(fi)))
			return -EFAULT;
		fi.submap = fi.submap_idx == 0 ? features(v->domain) : 0;
		return copy_to_guest(v, arg, &fi, sizeof(fi));
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_guest_handle: {
		xen_domain_handle_t handle = { 0 };

		return copy_to_guest(v, arg, handle, sizeof(handle));
	}
	case XENVER_commandline:
		/*
		 * Only the control domain learns how the machine was booted. Others
		 * get Xen's masked answer, not an error: its deny string, and only
		 * those bytes are written.
		 */
		if (!v->domain->is_privileged)
			return copy_to_guest(v, arg, XEN_DENIED, sizeof(XEN_DENIED));
		return copy_string(v, arg, cmdline_skip_image_name(boot_info.cmdline, boot_info.loader_name),
				   sizeof(xen_commandline_t));
	case XENVER_build_id:
		/* Xen refuses this one outright to an unprivileged domain. */
		if (!v->domain->is_privileged)
			return -EPERM;
		return build_id(v, arg);
	default:
		return -ENOSYS;
	}
}
