/*
 * hcbench: null hypercall round trip from dom0 user space.
 *
 *   hcbench [-n SAMPLES] [-k CALLS_PER_SAMPLE]
 *
 * Times xen_version(XENVER_version) through /dev/xen/privcmd (user -> kernel
 * -> hypervisor -> kernel -> user) and, as the baseline in the same run, an
 * ioctl on the same file that the kernel rejects at once (ENOTTY: user ->
 * kernel -> user, no hypervisor). Each sample is the mean of k calls; prints
 * the median of the samples in ns per call for both, and their difference:
 * an estimate of the kernel-to-hypervisor round trip (the VMMCALL, tern's
 * exit handling and dispatch, the VMRUN back). That part cannot be timed
 * directly from user space: it would need a kernel module timing the
 * hypercall instruction itself.
 * Lines: "hcbench: xen_version <ns> ns", "hcbench: null_ioctl <ns> ns",
 * "hcbench: hypervisor_share <ns> ns". Without privcmd (not dom0 of a
 * Xen-like hypervisor) there is nothing to time: it says so and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ternctl.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median over n samples of the mean time of k calls of one kind. */
static double median_ns(struct tc_handle *h, int hypercall, unsigned n, unsigned k)
{
	double *s = calloc(n, sizeof(*s)), med;

	if (!s)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		double t0 = now_ns();

		for (unsigned j = 0; j < k; j++) {
			if (hypercall)
				(void)tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
			else
				(void)ioctl(h->fd, _IOC(_IOC_NONE, 'P', 0xff, 0), NULL);
		}
		s[i] = (now_ns() - t0) / k;
	}
	qsort(s, n, sizeof(*s), cmp_double);
	med = s[n / 2];
	free(s);
	return med;
}

int main(int argc, char **argv)
{
	struct tc_handle h = { -1 };
	unsigned n = 201, k = 100;
	double hc, base;
	long v;
	int opt, rc;

	while ((opt = getopt(argc, argv, "n:k:")) != -1) {
		if (opt == 'n')
			n = (unsigned)strtoul(optarg, NULL, 0);
		else if (opt == 'k')
			k = (unsigned)strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: hcbench [-n SAMPLES] [-k CALLS_PER_SAMPLE]\n");
			return 1;
		}
	}
	if (n == 0 || k == 0) {
		fprintf(stderr, "hcbench: -n and -k must be positive\n");
		return 1;
	}
	rc = tc_open(&h, NULL);
	if (rc < 0) {
		fprintf(stderr, "hcbench: cannot open %s: %s (not dom0 of a Xen-like "
			"hypervisor: no hypercall to time)\n", TC_PRIVCMD_PATH, strerror(-rc));
		return 1;
	}
	v = tc_version_number(&h);
	if (v < 0) {
		fprintf(stderr, "hcbench: xen_version failed: %s\n", strerror((int)-v));
		return 1;
	}
	/* Warm up both paths, then measure them interleaved in halves. */
	(void)median_ns(&h, 1, 5, k);
	(void)median_ns(&h, 0, 5, k);
	hc = median_ns(&h, 1, n, k);
	base = median_ns(&h, 0, n, k);
	printf("hcbench: hypervisor %ld.%ld, %u samples of %u calls\n", v >> 16, v & 0xffff, n, k);
	printf("hcbench: xen_version %.0f ns\n", hc);
	printf("hcbench: null_ioctl %.0f ns\n", base);
	printf("hcbench: hypervisor_share %.0f ns\n", hc - base);
	tc_close(&h);
	return 0;
}
