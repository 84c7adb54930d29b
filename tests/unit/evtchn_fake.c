/* The fake environment of the event-channel tests (evtchn_fake.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tern/errno.h>
#include "evtchn_fake.h"

struct evtchn_domain *doms[NDOMS];
struct shared_info si[NDOMS];
bool si_mapped[NDOMS];
uint8_t (*ram[NDOMS])[4096];
unsigned int kicks[NDOMS][EVTCHN_MAX_VCPUS];
unsigned int poller_wakes[NDOMS][EVTCHN_MAX_VCPUS];

static unsigned int idx(const struct evtchn_domain *ed)
{
	return (unsigned int)(uintptr_t)ed->ctx;
}

static struct evtchn_domain *fake_find(domid_t id)
{
	for (unsigned int i = 0; i < NDOMS; i++)
		if (doms[i] && doms[i]->id == id)
			return doms[i];
	return NULL;
}

static bool fake_privileged(const struct evtchn_domain *ed)
{
	return idx(ed) == 0;
}

static struct shared_info *fake_shared_info(const struct evtchn_domain *ed)
{
	return si_mapped[idx(ed)] ? &si[idx(ed)] : NULL;
}

static struct vcpu_info *fake_vcpu_info(const struct evtchn_domain *ed, unsigned int vcpu)
{
	assert_true(vcpu < ed->nr_vcpus);
	return si_mapped[idx(ed)] ? &si[idx(ed)].vcpu_info[vcpu] : NULL;
}

static void fake_kick(const struct evtchn_domain *ed, unsigned int vcpu)
{
	assert_true(vcpu < ed->nr_vcpus);
	kicks[idx(ed)][vcpu]++;
}

static void fake_wake_poller(const struct evtchn_domain *ed, unsigned int vcpu)
{
	assert_true(vcpu < ed->nr_vcpus);
	poller_wakes[idx(ed)][vcpu]++;
}

static void *fake_alloc(size_t size)
{
	return calloc(1, size);
}

static void *fake_guest_page(const struct evtchn_domain *ed, uint64_t gfn)
{
	return gfn < FAKE_RAM_PAGES ? ram[idx(ed)][gfn] : NULL;
}

const struct evtchn_ops ops = {
	.find_domain = fake_find,
	.is_privileged = fake_privileged,
	.shared_info = fake_shared_info,
	.vcpu_info = fake_vcpu_info,
	.kick = fake_kick,
	.wake_poller = fake_wake_poller,
	.alloc = fake_alloc,
	.free = free,
	.guest_page = fake_guest_page,
};

int fake_setup_ports(evtchn_port_t max_port)
{
	static const unsigned int nr_vcpus[NDOMS] = { 1, 1, 2 };

	memset(si, 0, sizeof(si));
	memset(kicks, 0, sizeof(kicks));
	memset(poller_wakes, 0, sizeof(poller_wakes));
	for (unsigned int i = 0; i < NDOMS; i++) {
		doms[i] = malloc(sizeof(*doms[i]));
		assert_int_equal(evtchn_setup(&ops, doms[i], (void *)(uintptr_t)i, (domid_t)i,
					      nr_vcpus[i], max_port), 0);
		si_mapped[i] = true;
		ram[i] = calloc(FAKE_RAM_PAGES, sizeof(*ram[i]));
	}
	return 0;
}

int fake_setup(void **state)
{
	(void)state;
	return fake_setup_ports(EVTCHN_FIFO_NR_CHANNELS - 1);
}

int fake_teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < NDOMS; i++) {
		if (doms[i])
			evtchn_teardown(&ops, doms[i]);
		free(doms[i]);
		doms[i] = NULL;
		free(ram[i]);
	}
	return 0;
}

/* A copy of all state, to show a failed call changed nothing. */
static struct {
	struct evtchn_domain d[NDOMS];
	struct evtchn bucket[NDOMS][EVTCHN_NR_BUCKETS][EVTCHN_BUCKET_PORTS];
	struct evtchn_fifo fifo[NDOMS];
	struct shared_info si[NDOMS];
	uint8_t ram[NDOMS][FAKE_RAM_PAGES][4096];
	unsigned int kicks[NDOMS][EVTCHN_MAX_VCPUS];
} *snap;

void snapshot(void)
{
	if (!snap)
		snap = malloc(sizeof(*snap));
	memset(snap, 0, sizeof(*snap));
	for (unsigned int i = 0; i < NDOMS; i++) {
		memcpy(&snap->d[i], doms[i], sizeof(snap->d[i]));
		for (unsigned int b = 0; b < EVTCHN_NR_BUCKETS; b++)
			if (doms[i]->bucket[b])
				memcpy(snap->bucket[i][b], doms[i]->bucket[b], sizeof(snap->bucket[i][b]));
		if (doms[i]->fifo)
			snap->fifo[i] = *doms[i]->fifo;
		memcpy(snap->ram[i], ram[i], sizeof(snap->ram[i]));
	}
	memcpy(snap->si, si, sizeof(si));
	memcpy(snap->kicks, kicks, sizeof(kicks));
}

void assert_unchanged(void)
{
	for (unsigned int i = 0; i < NDOMS; i++) {
		assert_memory_equal(&snap->d[i], doms[i], sizeof(snap->d[i]));
		for (unsigned int b = 0; b < EVTCHN_NR_BUCKETS; b++)
			if (doms[i]->bucket[b])
				assert_memory_equal(snap->bucket[i][b], doms[i]->bucket[b],
						    sizeof(snap->bucket[i][b]));
		if (doms[i]->fifo)
			assert_memory_equal(&snap->fifo[i], doms[i]->fifo, sizeof(snap->fifo[i]));
		assert_memory_equal(snap->ram[i], ram[i], sizeof(snap->ram[i]));
	}
	assert_memory_equal(snap->si, si, sizeof(si));
	assert_memory_equal(snap->kicks, kicks, sizeof(kicks));
}

evtchn_port_t alloc_unbound(unsigned int d, domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };

	assert_int_equal(evtchn_alloc_unbound(&ops, doms[d], &op), 0);
	return op.port;
}

evtchn_port_t bind_ipi(unsigned int d, unsigned int vcpu)
{
	struct evtchn_bind_ipi op = { .vcpu = vcpu };

	assert_int_equal(evtchn_bind_ipi(&ops, doms[d], &op), 0);
	return op.port;
}

struct evtchn_status status(unsigned int d, domid_t dom, evtchn_port_t port)
{
	struct evtchn_status op = { .dom = dom, .port = port };

	assert_int_equal(evtchn_status(&ops, doms[d], &op), 0);
	return op;
}
