/* ASIDs with per-pCPU generations (asm/asid.h). */
#include <asm/asid.h>

void asid_pcpu_init(struct asid_pcpu *c, uint32_t nr_asids)
{
	c->max = nr_asids > 2 ? nr_asids - 1 : 1;
	c->generation = 1;
	/* Used up: the first VMRUN starts generation 2 with a full flush, so
	 * nothing left from before tern (a warm reboot) is ever reused. */
	c->next = c->max + 1;
}

static bool asid_valid(const struct asid_pcpu *c, unsigned int pcpu, const struct asid_vcpu *v)
{
	return v->generation == c->generation && v->pcpu == pcpu;
}

struct asid_vmrun asid_for_vmrun(struct asid_pcpu *c, unsigned int pcpu, struct asid_vcpu *v,
				 bool stale, bool flush_by_asid)
{
	struct asid_vmrun run = { 0, ASID_FLUSH_NONE };

	if (asid_valid(c, pcpu, v)) {
		run.asid = v->asid;
		if (!stale)
			return run;
		if (flush_by_asid) {
			run.flush = ASID_FLUSH_OWN;
			return run;
		}
	}
	if (c->next > c->max) {
		c->generation++;
		c->next = 1;
		run.flush = ASID_FLUSH_ALL;
	}
	*v = (struct asid_vcpu){ .generation = c->generation, .asid = c->next++, .pcpu = pcpu };
	run.asid = v->asid;
	return run;
}
