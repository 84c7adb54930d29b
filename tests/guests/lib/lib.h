/*
 * The test guests' small library: entry and long mode (head.S), console and
 * printf, the Xen hypercall page, exceptions, event delivery, and XTF-style
 * results. A test is one main.c defining test_title and test_main(); the
 * library runs it, then prints "Test result: ..." and powers the domain off.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/start_info.h>
#include <xen/io/xenbus.h>

#define PAGE_SIZE 4096
#define __aligned(n) __attribute__((aligned(n)))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Linux errno values, as Xen returns them (negated). */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EFAULT 14
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ENOSYS 38
#define ETIME 62
#define EOPNOTSUPP 95
#define ENOBUFS 105

/* What every test defines. */
extern const char test_title[];
void test_main(void);

/*
 * Results, as in XTF: SUCCESS unless something is recorded; SKIP (the
 * feature is absent), ERROR (the test or its environment is broken), FAILURE
 * (the hypervisor misbehaved). The most severe recorded outcome wins and its
 * first reason is printed on the final line.
 */
void __printf(1, 2) test_success(const char *fmt, ...); /* a note; changes nothing */
void __printf(1, 2) test_skip(const char *fmt, ...);
void __printf(1, 2) test_error(const char *fmt, ...);
void __printf(1, 2) test_failure(const char *fmt, ...);
bool test_has_failed(void); /* ERROR or FAILURE recorded */
void __noreturn test_end(void);

/* Console: console_io under Xen, else QEMU's debug port 0xe9 and COM1. */
int __printf(1, 2) printf(const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int __printf(3, 4) snprintf(char *buf, size_t size, const char *fmt, ...);
void console_write(const char *s, size_t len);

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);

/* Boot information (head.S stores %ebx; identity mapped). */
extern uint64_t start_info_pa;
static inline const struct hvm_start_info *start_info(void)
{
	return (const struct hvm_start_info *)(uintptr_t)start_info_pa;
}

/* Xen detection and hypercalls (hypercall.c). */
extern uint32_t xen_cpuid_base; /* 0: no Xen leaves found */
extern uint8_t hypercall_page[PAGE_SIZE];
extern bool hypercall_page_ready;
/* The direct hypercall instruction is VMCALL (Intel), not VMMCALL (find_xen_leaves). */
extern bool hypercall_vmcall;

/* This domain's id, from Xen's CPUID leaf 4 (0 if it does not say). */
domid_t guest_domid(void);
/* Xen's CPUID base leaf (0: none), and installing the hypercall page
 * (xen.c; a failure is recorded as a test FAILURE). */
uint32_t find_xen_leaves(void);
void setup_hypercall_page(void);

#ifdef __i386__
/* From 32-bit code: ebx, ecx, edx, esi, edi, result in eax (Xen's i386
 * convention). Before the page is set up, VMCALL or VMMCALL directly. */
static inline long hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
			     unsigned long a3, unsigned long a4, unsigned long a5)
{
	long ret;

	if (!hypercall_page_ready && hypercall_vmcall)
		__asm__ volatile("vmcall"
				 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
				 : "0"(nr)
				 : "memory");
	else if (!hypercall_page_ready)
		__asm__ volatile("vmmcall"
				 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
				 : "0"(nr)
				 : "memory");
	else
		__asm__ volatile("call *%%eax"
				 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
				 : "0"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
				 : "memory");
	return ret;
}
#else

static inline long hypercall_direct(unsigned long nr, unsigned long a1, unsigned long a2,
				    unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	long ret;

	/* Xen may clobber argument registers it did not use; say so. */
	if (hypercall_vmcall)
		__asm__ volatile("vmcall"
				 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
				 : "a"(nr)
				 : "memory", "rcx", "r9", "r11");
	else
		__asm__ volatile("vmmcall"
				 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
				 : "a"(nr)
				 : "memory", "rcx", "r9", "r11");
	return ret;
}

/* Through stub nr of the hypercall page: 64-bit convention rdi, rsi, rdx,
 * r10, r8, result in rax. Before the page is set up, VMCALL or VMMCALL directly. */
static inline long hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
			     unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	long ret;

	if (!hypercall_page_ready)
		return hypercall_direct(nr, a1, a2, a3, a4, a5);
	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
			 : "memory", "rcx", "r9", "r11");
	return ret;
}

#endif

#define HC(nr, a1, a2, a3) hypercall((nr), (unsigned long)(a1), (unsigned long)(a2), \
				    (unsigned long)(a3), 0, 0)
static inline long xen_version(int cmd, void *arg)
{
	return HC(__HYPERVISOR_xen_version, cmd, arg, 0);
}
static inline long memory_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_memory_op, cmd, arg, 0);
}
static inline long console_io(int cmd, unsigned long count, const void *buf)
{
	return HC(__HYPERVISOR_console_io, cmd, count, buf);
}
static inline long grant_table_op(int cmd, void *arg, unsigned int count)
{
	return HC(__HYPERVISOR_grant_table_op, cmd, arg, count);
}
static inline long vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}
static inline long sched_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_sched_op, cmd, arg, 0);
}
static inline long event_channel_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}
static inline long hvm_op(int cmd, void *arg)
{
	return HC(__HYPERVISOR_hvm_op, cmd, arg, 0);
}

/* CPU instructions. */
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }

/*
 * Exceptions (traps.c). An instruction may be allowed to fault: its address
 * and where to resume go into the .ex_table section (see rdmsr_safe); the
 * handler then records the vector in trap_caught and resumes there. Any
 * other exception ends the test with ERROR.
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
#define TRAP_NONE (-1)
extern volatile int trap_caught; /* vector of the last expected fault */
typedef void (*irq_handler_t)(struct trap_frame *frame);
void set_irq_handler(uint8_t vector, irq_handler_t handler);
void traps_init(void);

#ifdef __i386__
#define EX_TABLE_ENTRY(fault, resume) \
	".pushsection .ex_table, \"a\"\n\t.balign 8\n\t.long " fault ", 0, " resume ", 0\n\t.popsection\n\t"
#else
#define EX_TABLE_ENTRY(fault, resume) \
	".pushsection .ex_table, \"a\"\n\t.balign 8\n\t.quad " fault ", " resume "\n\t.popsection\n\t"
#endif

/* rdmsr that may #GP: returns the vector taken (TRAP_NONE if none). */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	trap_caught = TRAP_NONE;
	__asm__ volatile("1: rdmsr\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
			 : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = (uint64_t)hi << 32 | lo;
	return trap_caught;
}
static inline int wrmsr_safe(uint32_t msr, uint64_t val)
{
	trap_caught = TRAP_NONE;
	__asm__ volatile("1: wrmsr\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
			 : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
	return trap_caught;
}

/* Control registers and XCR0, with the same expected-fault convention. */
static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}
static inline int write_cr4_safe(uint64_t v)
{
	trap_caught = TRAP_NONE;
	__asm__ volatile("1: mov %0, %%cr4\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
			 : : "r"(v) : "memory");
	return trap_caught;
}
static inline uint64_t xgetbv(uint32_t index)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return (uint64_t)hi << 32 | lo;
}
static inline int xsetbv_safe(uint32_t index, uint64_t v)
{
	trap_caught = TRAP_NONE;
	__asm__ volatile("1: xsetbv\n2:\n\t" EX_TABLE_ENTRY("1b", "2b")
			 : : "c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
	return trap_caught;
}
/* XMM0-15 (ymm: YMM0-15) from or to 16 x 32 bytes (vectors.c). Nothing else
 * in a test guest touches them: it is built with -mgeneral-regs-only. */
void vectors_load(const uint8_t (*v)[32], bool ymm);
void vectors_store(uint8_t (*v)[32], bool ymm);

#define X86_EXC_UD 6
#define X86_EXC_GP 13

/*
 * Events (event.c): shared_info and vcpu_info mapped into pages of this
 * image, and an upcall handler that counts, per port, the events it took
 * (clearing their pending bits as Linux does).
 */
#define UPCALL_VECTOR 0xf3
#define EVTCHN_2L_PORTS 4096
extern struct shared_info *shared_info;  /* NULL until mapped */
extern struct vcpu_info *vcpu_info;      /* registered one, else shared_info's */
extern volatile unsigned int upcall_count;
extern volatile unsigned int port_events[EVTCHN_2L_PORTS];
long events_map_shared_info(void);
long events_register_vcpu_info(void);
long events_set_upcall_vector(void);
bool port_pending(unsigned int port);
bool port_masked(unsigned int port);
void port_mask(unsigned int port);
void port_unmask_local(unsigned int port); /* clears the bit only */
void port_clear(unsigned int port);
/* Waits with interrupts on until upcall_count moves from old, for at most
 * tsc_cycles TSC ticks; returns whether it moved. Interrupts end off. */
#define WAIT_LONG (4ull << 30)   /* about a second or two */
#define WAIT_SHORT (1ull << 29)
bool wait_upcall(unsigned int old, uint64_t tsc_cycles);
/* The end of an upcall handler (an EOI to the local APIC if it has one);
 * for tests that install their own handler on UPCALL_VECTOR. */
void upcall_eoi(void);
/* Xen system time (ns) from the vcpu_info's pvclock. */
uint64_t xen_system_time(void);

/*
 * Xenstore (xenstore.c), on the domain's own ring, answers polled; paths
 * relative to /local/domain/<domid> or absolute. Needs shared_info mapped
 * (its clock bounds every wait). Negative errno on failure.
 */
#define NS_PER_SEC 1000000000ull
long xs_read(const char *path, char *buf, size_t size); /* the value's length */
long xs_write(const char *path, const char *value);
/* Whether path reads want within timeout_ns. */
bool xs_wait_value(const char *path, const char *want, uint64_t timeout_ns);

/*
 * Playing a device frontend (frontend.c): this domain's grant table (frame
 * 0 placed in the image; refs 0-7 are the toolstack's), event channels to
 * the backend, and the xenstore handshake. Failures are recorded as ERROR.
 */
long grant_table_setup(void);
void grant_access(grant_ref_t ref, domid_t domid, const void *page, bool readonly);
long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
void evtchn_notify(evtchn_port_t port);
uint64_t parse_u64(const char *s); /* leading decimal digits */
struct frontend {
	char dir[64];      /* device/<type>/<devid>, relative to this domain */
	char backend[128]; /* the backend's directory */
	domid_t backend_id;
};
/* Reads the toolstack's nodes and waits for the backend's InitWait. */
bool frontend_find(struct frontend *f, const char *type, unsigned int devid);
bool backend_wait_state(const struct frontend *f, unsigned int state);
long backend_read(const struct frontend *f, const char *key, char *buf, size_t size);
void __printf(3, 4) frontend_write(const struct frontend *f, const char *key,
				   const char *fmt, ...);

#endif
