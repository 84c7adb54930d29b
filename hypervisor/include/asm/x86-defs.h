/* Architectural bit and register numbers, usable from C and assembly. */
#ifndef ASM_X86_DEFS_H
#define ASM_X86_DEFS_H

#define X86_CR0_PE (1 << 0)
#define X86_CR0_MP (1 << 1)
#define X86_CR0_EM (1 << 2)
#define X86_CR0_TS (1 << 3)
#define X86_CR0_ET (1 << 4)
#define X86_CR0_NE (1 << 5)
#define X86_CR0_WP (1 << 16)
#define X86_CR0_PG 0x80000000

#define X86_CR0_CD (1 << 30)
#define X86_CR0_NW (1 << 29)

#define X86_CR4_VME (1 << 0)
#define X86_CR4_PVI (1 << 1)
#define X86_CR4_TSD (1 << 2)
#define X86_CR4_DE (1 << 3)
#define X86_CR4_PSE (1 << 4)
#define X86_CR4_PAE (1 << 5)
#define X86_CR4_MCE (1 << 6)
#define X86_CR4_PGE (1 << 7)
#define X86_CR4_PCE (1 << 8)
#define X86_CR4_OSFXSR (1 << 9)
#define X86_CR4_OSXMMEXCPT (1 << 10)
#define X86_CR4_UMIP (1 << 11)
#define X86_CR4_LA57 (1 << 12)
#define X86_CR4_VMXE (1 << 13)
#define X86_CR4_SMXE (1 << 14)
#define X86_CR4_FSGSBASE (1 << 16)
#define X86_CR4_PCIDE (1 << 17)
#define X86_CR4_OSXSAVE (1 << 18)
#define X86_CR4_SMEP (1 << 20)
#define X86_CR4_SMAP (1 << 21)
#define X86_CR4_PKE (1 << 22)
#define X86_CR4_CET (1 << 23)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define EFER_NXE (1 << 11)
#define EFER_SVME (1 << 12)
#define EFER_LMSLE (1 << 13)
#define EFER_FFXSR (1 << 14)
#define EFER_TCE (1 << 15)
#define EFER_AUTOIBRS (1 << 21)

#define MSR_TSC_AUX 0xc0000103

/* CPUID feature bits that more than one file tests (leaf 1, 0x80000001). */
#define L1_ECX_VMX (1u << 5)
#define L1_ECX_SMX (1u << 6)
#define L1_ECX_XSAVE (1u << 26)
#define EXT1_EDX_LM (1u << 29)

#define MSR_TSC 0x10
#define MSR_MTRR_CAP 0xfe
#define MSR_MTRR_DEF_TYPE 0x2ff

#define MSR_APIC_BASE 0x1b
#define MSR_AMD_INT_PENDING 0xc0010055
#define APIC_BASE_BSP (1 << 8)
#define APIC_BASE_X2APIC (1 << 10)
#define APIC_BASE_ENABLE (1 << 11)

#define MSR_VM_CR 0xc0010114
#define VM_CR_LOCK (1 << 3)
#define VM_CR_SVMDIS (1 << 4)
#define MSR_VM_HSAVE_PA 0xc0010117

#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101

/* Page-table entry bits. */
#define PTE_P (1 << 0)
#define PTE_RW (1 << 1)
#define PTE_US (1 << 2)
#define PTE_PWT (1 << 3)
#define PTE_PCD (1 << 4)
#define PTE_A (1 << 5)
#define PTE_D (1 << 6)
#define PTE_PS (1 << 7)
#define PTE_G (1 << 8)

/* #PF error code bits. */
#define PF_PRESENT (1 << 0) /* a protection violation (else: not present) */
#define PF_WRITE (1 << 1)
#define PF_USER (1 << 2)

#define X86_EFLAGS_IF (1 << 9)
#define X86_EFLAGS_DF (1 << 10)
#define X86_EFLAGS_AC (1 << 18)

/* Selectors of the hypervisor's GDT (desc.c); the trampoline has its own. */
#define GDT_CS64 0x08
#define GDT_DS 0x10
#define GDT_TSS0 0x18 /* TSS of CPU n at GDT_TSS0 + 16 * n */

/* Where APs start in real mode: a page below 1 MiB (SIPI vector = address >> 12). */
#define TRAMPOLINE_BASE 0x8000

#define STACK_SIZE 0x4000
#define NR_CPUS 64

#endif
