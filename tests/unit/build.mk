# Host unit tests for the hypervisor's pure modules: cmocka, under ASan and
# UBSan. Each test is tests/unit/test_<name>.c linked with the modules it
# covers, compiled as they are (no stubs); a new test is one $(call) line.

UNIT_BUILD := $(BUILD)/unit
UNIT_CFLAGS = $(HOST_CFLAGS) -Ihypervisor/include
UNIT_LDLIBS := -lcmocka
# $(1): test name; $(2): the hypervisor sources it links with, relative to hypervisor/.
define unit_test
$(UNIT_BUILD)/test_$(1): tests/unit/test_$(1).c $(patsubst %,hypervisor/%.c,$(2)) \
		$(wildcard hypervisor/include/*/*.h)
	@mkdir -p $$(@D)
	$$(HOST_CC) $$(UNIT_CFLAGS) -o $$@ $$(filter %.c,$$^) $$(HOST_LDFLAGS) $$(UNIT_LDLIBS)
UNIT_TESTS += $(UNIT_BUILD)/test_$(1)
endef
$(eval $(call unit_test,cmdline,common/cmdline common/format))
$(eval $(call unit_test,e820,common/e820))
$(eval $(call unit_test,page_alloc,common/page_alloc))
$(eval $(call unit_test,heap,common/heap common/page_alloc))
$(eval $(call unit_test,conring,common/conring))
$(eval $(call unit_test,format,common/format))
$(eval $(call unit_test,madt,arch/x86/madt))
$(eval $(call unit_test,insn,arch/x86/hvm/insn))
$(eval $(call unit_test,insn_string,arch/x86/hvm/insn_string arch/x86/hvm/insn))
$(eval $(call unit_test,bzimage,arch/x86/dom0/bzimage common/e820))
$(eval $(call unit_test,guest_walk,arch/x86/hvm/guest_walk))
$(eval $(call unit_test,lapic_guard,arch/x86/dom0/lapic_guard))
$(eval $(call unit_test,dom0_mem,arch/x86/dom0/dom0_mem common/e820 common/cmdline common/format))
$(eval $(call unit_test,npt_build,arch/x86/svm/npt_build arch/x86/vmx/ept arch/x86/mm/p2m_build))
$(eval $(call unit_test,elf_pvh,arch/x86/dom0/elf_pvh))
$(eval $(call unit_test,evtchn,common/evtchn common/evtchn_2l common/evtchn_fifo ../tests/unit/evtchn_fake))
$(eval $(call unit_test,grant_table,common/grant_table))
$(eval $(call unit_test,foreign_map,common/foreign_map))
$(eval $(call unit_test,vcpu_timer,common/vcpu_timer))
$(eval $(call unit_test,vlapic,arch/x86/hvm/vlapic common/string))
$(eval $(call unit_test,string,common/string))
$(eval $(call unit_test,sched_credit,common/sched_credit))
$(eval $(call unit_test,p2m_bounds,common/p2m_bounds))
$(eval $(call unit_test,asid,arch/x86/svm/asid))
$(eval $(call unit_test,evtchn_fifo,common/evtchn common/evtchn_2l common/evtchn_fifo ../tests/unit/evtchn_fake))
$(eval $(call unit_test,ratelimit,common/ratelimit))
$(eval $(call unit_test,guest_console,common/guest_console common/ratelimit))
$(eval $(call unit_test,hypercall_batch,common/hypercall_batch))
$(eval $(call unit_test,runstate,common/runstate))
$(eval $(call unit_test,xstate_policy,arch/x86/hvm/xstate_policy))
$(eval $(call unit_test,creg_policy,arch/x86/hvm/creg_policy))
$(eval $(call unit_test,vmcb_check,arch/x86/svm/vmcb_check arch/x86/hvm/creg_policy))
$(eval $(call unit_test,cpu_state_plan,arch/x86/hvm/cpu_state_plan))
$(eval $(call unit_test,cpuid_policy,arch/x86/hvm/cpuid_policy arch/x86/hvm/xstate_policy))
$(eval $(call unit_test,msr_policy,arch/x86/hvm/msr_policy))
$(eval $(call unit_test,compat_xlat,common/compat_xlat))
$(eval $(call unit_test,vmx_caps,arch/x86/vmx/vmx_caps))
$(eval $(call unit_test,vmx_entry_check,arch/x86/vmx/entry_check))
$(eval $(call unit_test,nmi_policy,arch/x86/hvm/nmi_policy))
