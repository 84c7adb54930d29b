/*
 * The tap device of a vif (netback.h): a persistent multi-queue tap with
 * virtio-net headers, named as Xen names the vif. Persistent, so that it
 * survives a restart of the daemon with its bridge membership, and goes
 * only when the vif is removed. Its MAC is fe:ff:ff:ff:ff:ff, as Linux's
 * netback gives its vifs, so a bridge never takes it as its own address.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netback.h"

#define TUN_PATH "/dev/net/tun"
#define TAP_FLAGS (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)

/* An fd attached to tap `name` (created if missing): a new queue. */
static int attach(const char *name, int *fd)
{
	struct ifreq ifr;

	*fd = open(TUN_PATH, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = TAP_FLAGS;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(*fd, TUNSETIFF, &ifr) < 0) {
		int rc = -errno;

		close(*fd);
		*fd = -1;
		return rc;
	}
	return 0;
}

int net_tap_create(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, sock, rc;

	rc = attach(name, &fd);
	if (rc) {
		snprintf(err, errlen, "cannot create tap %s: %s%s", name, strerror(-rc),
			 rc == -ENOENT ? " (is the tun module loaded?)" : "");
		return rc;
	}
	if (ioctl(fd, TUNSETPERSIST, 1) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot make tap %s persistent: %s", name, strerror(-rc));
		close(fd);
		return rc;
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memset(ifr.ifr_hwaddr.sa_data, 0xff, 6);
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	if (sock < 0 || ioctl(sock, SIOCSIFHWADDR, &ifr) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot set the MAC of tap %s: %s", name, strerror(-rc));
	}
	if (sock >= 0)
		close(sock);
	close(fd);
	return rc;
}

int net_tap_open_queue(const char *name, int *fd)
{
	return attach(name, fd);
}

int net_tap_destroy(const char *name)
{
	int fd, rc = attach(name, &fd);

	if (rc)
		return rc;
	if (ioctl(fd, TUNSETPERSIST, 0) < 0)
		rc = -errno;
	close(fd); /* the last queue gone: the device goes */
	return rc;
}

int net_tap_set_offload(int fd, const struct net_fe_caps *caps)
{
	unsigned off = 0;

	/* What we may be handed from the tap: blank checksums (filled in here
	 * for a frontend that cannot take them) and TCP segmentation the
	 * frontend does itself. */
	if (caps->csum_v4 || caps->csum_v6)
		off |= TUN_F_CSUM;
	if (off && caps->gso_v4)
		off |= TUN_F_TSO4;
	if (off && caps->gso_v6 && caps->csum_v6)
		off |= TUN_F_TSO6;
	return ioctl(fd, TUNSETOFFLOAD, off) < 0 ? -errno : 0;
}

int net_tap_carrier(int fd, int on)
{
	int v = on;

	return ioctl(fd, TUNSETCARRIER, &v) < 0 ? -errno : 0;
}
