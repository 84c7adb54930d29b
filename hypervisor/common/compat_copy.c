/*
 * Copying hypercall structures in the caller's form: the i386 form for a
 * caller in 32-bit code (translated by compat_xlat.c), the native form
 * otherwise.
 */
#include <tern/compat.h>
#include <tern/errno.h>
#include <tern/hypercall.h>

bool hypercall_is_compat(const struct vcpu *v)
{
	return v->hcall.compat;
}

int copy_abi_from_guest(struct vcpu *v, void *native, uint64_t gva, const struct xlat_layout *l)
{
	uint8_t compat[COMPAT_MAX_SIZE];

	if (!hypercall_is_compat(v))
		return copy_from_guest(v, native, gva, l->native_size);
	if (copy_from_guest(v, compat, gva, l->compat_size))
		return -EFAULT;
	compat_to_native(l, compat, native);
	return 0;
}

int copy_abi_to_guest(struct vcpu *v, uint64_t gva, const void *native,
		      const struct xlat_layout *l)
{
	uint8_t compat[COMPAT_MAX_SIZE];

	if (!hypercall_is_compat(v))
		return copy_to_guest(v, gva, native, l->native_size);
	native_to_compat(l, native, compat);
	return copy_to_guest(v, gva, compat, l->compat_size);
}

int copy_ulong_from_guest(struct vcpu *v, uint64_t *val, uint64_t array, uint64_t i)
{
	size_t size = hypercall_is_compat(v) ? sizeof(compat_ulong_t) : sizeof(xen_ulong_t);

	*val = 0; /* little-endian: a 4-byte element fills the low half */
	/* An index past what an address can reach names nothing: a fault. */
	if (i > UINT64_MAX / size)
		return -EFAULT;
	return copy_from_guest(v, val, array + i * size, size);
}
