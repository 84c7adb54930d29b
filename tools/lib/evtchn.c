/* Event channels from dom0 user space through /dev/xen/evtchn. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "privcmd_dev.h"
#include "ternctl.h"

int tc_evtchn_open(struct tc_evtchn *e)
{
	e->fd = open(TC_EVTCHN_PATH, O_RDWR | O_CLOEXEC);
	return e->fd < 0 ? -errno : 0;
}

void tc_evtchn_close(struct tc_evtchn *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

static int evtchn_ioctl(struct tc_evtchn *e, unsigned long req, void *arg)
{
	int rc = ioctl(e->fd, req, arg);

	return rc < 0 ? -errno : rc;
}

int tc_evtchn_bind_virq(struct tc_evtchn *e, uint32_t virq)
{
	struct ioctl_evtchn_bind_virq a = { virq };

	return evtchn_ioctl(e, IOCTL_EVTCHN_BIND_VIRQ, &a);
}

int tc_evtchn_bind_interdomain(struct tc_evtchn *e, uint32_t domid, uint32_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain a = { domid, remote_port };

	return evtchn_ioctl(e, IOCTL_EVTCHN_BIND_INTERDOMAIN, &a);
}

int tc_evtchn_bind_unbound(struct tc_evtchn *e, uint32_t domid)
{
	struct ioctl_evtchn_bind_unbound_port a = { domid };

	return evtchn_ioctl(e, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &a);
}

int tc_evtchn_unbind(struct tc_evtchn *e, uint32_t port)
{
	struct ioctl_evtchn_port a = { port };

	return evtchn_ioctl(e, IOCTL_EVTCHN_UNBIND, &a);
}

int tc_evtchn_notify(struct tc_evtchn *e, uint32_t port)
{
	struct ioctl_evtchn_port a = { port };

	return evtchn_ioctl(e, IOCTL_EVTCHN_NOTIFY, &a);
}

int tc_evtchn_pending(struct tc_evtchn *e)
{
	uint32_t port;
	ssize_t n = read(e->fd, &port, sizeof(port));

	if (n < 0)
		return -errno;
	if (n != sizeof(port))
		return -EIO;
	return (int)port;
}

int tc_evtchn_unmask(struct tc_evtchn *e, uint32_t port)
{
	ssize_t n = write(e->fd, &port, sizeof(port));

	if (n < 0)
		return -errno;
	return n == sizeof(port) ? 0 : -EIO;
}
