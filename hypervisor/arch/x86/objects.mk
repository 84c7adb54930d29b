# The hypervisor's x86 sources, by folder (one line per file; head.S first).

# The host: boot, CPUs, interrupts, firmware tables, console devices
HV_SRCS += hypervisor/arch/x86/boot/head.S
HV_SRCS += hypervisor/arch/x86/boot/trampoline.S
HV_SRCS += hypervisor/arch/x86/entry.S
HV_SRCS += hypervisor/arch/x86/setup.c
HV_SRCS += hypervisor/arch/x86/multiboot.c
HV_SRCS += hypervisor/arch/x86/desc.c
HV_SRCS += hypervisor/arch/x86/traps.c
HV_SRCS += hypervisor/arch/x86/nmi.c
HV_SRCS += hypervisor/arch/x86/uart.c
HV_SRCS += hypervisor/arch/x86/vga.c
HV_SRCS += hypervisor/arch/x86/time.c
HV_SRCS += hypervisor/arch/x86/apic.c
HV_SRCS += hypervisor/arch/x86/i8259.c
HV_SRCS += hypervisor/arch/x86/acpi.c
HV_SRCS += hypervisor/arch/x86/madt.c
HV_SRCS += hypervisor/arch/x86/smpboot.c
HV_SRCS += hypervisor/arch/x86/stack_guard.c
HV_SRCS += hypervisor/arch/x86/reboot.c
HV_SRCS += hypervisor/arch/x86/bios.c
HV_SRCS += hypervisor/arch/x86/physinfo.c
HV_SRCS += hypervisor/arch/x86/rtc.c

# Guest CPUs, vendor-neutral: emulation, virtual LAPIC, time, state switching
HV_SRCS += hypervisor/arch/x86/hvm/hvm.c
HV_SRCS += hypervisor/arch/x86/hvm/mmio.c
HV_SRCS += hypervisor/arch/x86/hvm/mmio_string.c
HV_SRCS += hypervisor/arch/x86/hvm/insn_string.c
HV_SRCS += hypervisor/arch/x86/hvm/cpuid.c
HV_SRCS += hypervisor/arch/x86/hvm/cpuid_policy.c
HV_SRCS += hypervisor/arch/x86/hvm/msr.c
HV_SRCS += hypervisor/arch/x86/hvm/msr_policy.c
HV_SRCS += hypervisor/arch/x86/hvm/creg.c
HV_SRCS += hypervisor/arch/x86/hvm/io.c
HV_SRCS += hypervisor/arch/x86/hvm/hypercall_entry.c
HV_SRCS += hypervisor/arch/x86/hvm/insn.c
HV_SRCS += hypervisor/arch/x86/hvm/guest_walk.c
HV_SRCS += hypervisor/arch/x86/hvm/guest_access.c
HV_SRCS += hypervisor/arch/x86/hvm/hypercall_page.c
HV_SRCS += hypervisor/arch/x86/hvm/vcpu_kick.c
HV_SRCS += hypervisor/arch/x86/hvm/tlb.c
HV_SRCS += hypervisor/arch/x86/hvm/run.c
HV_SRCS += hypervisor/arch/x86/hvm/vcpu_start.c
HV_SRCS += hypervisor/arch/x86/hvm/vlapic.c
HV_SRCS += hypervisor/arch/x86/hvm/vcpu_time.c
HV_SRCS += hypervisor/arch/x86/hvm/xstate_policy.c
HV_SRCS += hypervisor/arch/x86/hvm/creg_policy.c
HV_SRCS += hypervisor/arch/x86/hvm/cpu_state_plan.c
HV_SRCS += hypervisor/arch/x86/hvm/cpu_state.c
HV_SRCS += hypervisor/arch/x86/hvm/nmi_policy.c

# Guest memory: the p2m, domU RAM, memory_op, the direct map
HV_SRCS += hypervisor/arch/x86/mm/paging.c
HV_SRCS += hypervisor/arch/x86/mm/p2m_access.c
HV_SRCS += hypervisor/arch/x86/mm/p2m.c
HV_SRCS += hypervisor/arch/x86/mm/p2m_build.c
HV_SRCS += hypervisor/arch/x86/mm/memory_op.c
HV_SRCS += hypervisor/arch/x86/mm/domu.c

# The initial domain: its kernel, memory, nested table, LAPIC, pCPUs
HV_SRCS += hypervisor/arch/x86/dom0/lapic_guard.c
HV_SRCS += hypervisor/arch/x86/dom0/bzimage.c
HV_SRCS += hypervisor/arch/x86/dom0/dom0_mem.c
HV_SRCS += hypervisor/arch/x86/dom0/dom0_build.c
HV_SRCS += hypervisor/arch/x86/dom0/dom0_npt.c
HV_SRCS += hypervisor/arch/x86/dom0/dom0_lapic.c
HV_SRCS += hypervisor/arch/x86/dom0/dom0_cpus.c
HV_SRCS += hypervisor/arch/x86/dom0/elf_pvh.c
HV_SRCS += hypervisor/arch/x86/dom0/dom0_pvh.c

# AMD SVM
HV_SRCS += hypervisor/arch/x86/svm/svm.c
HV_SRCS += hypervisor/arch/x86/svm/entry.S
HV_SRCS += hypervisor/arch/x86/svm/exit.c
HV_SRCS += hypervisor/arch/x86/svm/nmi.c
HV_SRCS += hypervisor/arch/x86/svm/vmcb.c
HV_SRCS += hypervisor/arch/x86/svm/msr.c
HV_SRCS += hypervisor/arch/x86/svm/npt_build.c
HV_SRCS += hypervisor/arch/x86/svm/ioio.c
HV_SRCS += hypervisor/arch/x86/svm/asid.c
HV_SRCS += hypervisor/arch/x86/svm/vmcb_check.c
HV_SRCS += hypervisor/arch/x86/svm/cr.c
HV_SRCS += hypervisor/arch/x86/svm/guest_insn.c

# Intel VT-x
HV_SRCS += hypervisor/arch/x86/vmx/vmx.c
HV_SRCS += hypervisor/arch/x86/vmx/vmx_caps.c
HV_SRCS += hypervisor/arch/x86/vmx/vmxon.c
HV_SRCS += hypervisor/arch/x86/vmx/ept.c
HV_SRCS += hypervisor/arch/x86/vmx/vmx_ops.c
HV_SRCS += hypervisor/arch/x86/vmx/entry.S
HV_SRCS += hypervisor/arch/x86/vmx/vmcs.c
HV_SRCS += hypervisor/arch/x86/vmx/exit.c
HV_SRCS += hypervisor/arch/x86/vmx/nmi.c
HV_SRCS += hypervisor/arch/x86/vmx/guest.c
HV_SRCS += hypervisor/arch/x86/vmx/bitmaps.c
HV_SRCS += hypervisor/arch/x86/vmx/entry_check.c
