/*
 * A fake environment for the event-channel state logic: three domains
 * (dom0 privileged with one vCPU, dom1 with one, dom2 with two), each with
 * its own shared_info and a few pages of "RAM" for FIFO control blocks and
 * event arrays, counting kicks and poller wakes. Shared by test_evtchn.c
 * (bindings, 2-level ABI) and test_evtchn_fifo.c.
 */
#ifndef EVTCHN_FAKE_H
#define EVTCHN_FAKE_H

#include <public/xen.h>
#include <tern/evtchn.h>

#define NDOMS 3
#define FAKE_RAM_PAGES 130 /* more than a full FIFO event array */

extern struct evtchn_domain *doms[NDOMS];
extern struct shared_info si[NDOMS];
extern bool si_mapped[NDOMS];
extern uint8_t (*ram[NDOMS])[4096]; /* FAKE_RAM_PAGES pages each, gfn = index */
extern unsigned int kicks[NDOMS][EVTCHN_MAX_VCPUS];
extern unsigned int poller_wakes[NDOMS][EVTCHN_MAX_VCPUS];
extern const struct evtchn_ops ops;

/* cmocka setup/teardown: fresh domains allowed ports up to max_port. */
int fake_setup_ports(evtchn_port_t max_port);
int fake_setup(void **state);
int fake_teardown(void **state);

/* Snapshots all state (ports, FIFO state, shared_info, RAM, kicks) and
 * asserts nothing changed since: failed calls must change nothing. */
void snapshot(void);
void assert_unchanged(void);

evtchn_port_t alloc_unbound(unsigned int d, domid_t dom, domid_t remote);
evtchn_port_t bind_ipi(unsigned int d, unsigned int vcpu);
struct evtchn_status status(unsigned int d, domid_t dom, evtchn_port_t port);

#endif
