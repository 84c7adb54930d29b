/*
 * hcbench: null hypercall round trip from dom0 user space.
 *
 *   hcbench [-n SAMPLES] [-k CALLS_PER_SAMPLE]
 *
 * Times xen_version(XENVER_version) through /dev/xen/privcmd (user -> kernel
 * -> hypervisor -> kernel -> user) and, as the baseline in the same run, an
 * ioctl on the same file that the kernel rejects at once (ENOTTY: user ->
 * kernel -> user, no hypervisor). Each sample is the mean of k calls; the
 * samples of the two kinds alternate (the order within each pair alternating
 * too); prints the median of the samples in ns per call for both, and their
 * difference: an estimate of the kernel-to-hypervisor round trip (the
 * VMMCALL, tern's exit handling and dispatch, the VMRUN back). That part
 * cannot be timed directly from user space: it would need a kernel module
 * timing the hypercall instruction itself.
 * Lines: "hcbench: xen_version <ns> ns (quartiles <q1>, <q3>)", the same for
 * null_ioctl, and "hcbench: hypervisor_share <ns> ns" (difference of the
 * medians). Without privcmd (not dom0 of a Xen-like hypervisor) there is
 * nothing to time: it says so and exits 1.
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

/* The mean time in ns of k calls of one kind. */
static double sample_ns(struct tc_handle *h, int hypercall, unsigned k)
{
	double t0 = now_ns();

	for (unsigned j = 0; j < k; j++) {
		if (hypercall)
			(void)tc_hypercall(h, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
		else
			(void)ioctl(h->fd, _IOC(_IOC_NONE, 'P', 0xff, 0), NULL);
	}
	return (now_ns() - t0) / k;
}

/* The quartiles of n sorted samples. */
struct quartiles {
	double q1, median, q3;
};

static struct quartiles quartiles(double *s, unsigned n)
{
	qsort(s, n, sizeof(double), cmp_double);
	return (struct quartiles){ s[n / 4], s[n / 2], s[(3 * n) / 4] };
}

/*
 * n samples of each kind, interleaved: sample i of both is taken back to
 * back, the hypercall first when i is even and the ioctl first when it is
 * odd, so anything that changes during the run (another program, the host)
 * falls on both alike.
 */
static int interleaved(struct tc_handle *h, unsigned n, unsigned k, struct quartiles *hc,
		       struct quartiles *base)
{
	double *s_hc = calloc(n, sizeof(double)), *s_base = calloc(n, sizeof(double));

	if (!s_hc || !s_base) {
		free(s_hc);
		free(s_base);
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (i % 2 == 0) {
			s_hc[i] = sample_ns(h, 1, k);
			s_base[i] = sample_ns(h, 0, k);
		} else {
			s_base[i] = sample_ns(h, 0, k);
			s_hc[i] = sample_ns(h, 1, k);
		}
	}
	*hc = quartiles(s_hc, n);
	*base = quartiles(s_base, n);
	free(s_hc);
	free(s_base);
	return 0;
}

int main(int argc, char **argv)
{
	struct tc_handle h = { -1 };
	unsigned n = 201, k = 100;
	struct quartiles hc, base;
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
	/* Warm up both paths, then measure them interleaved. */
	if (interleaved(&h, 5, k, &hc, &base) || interleaved(&h, n, k, &hc, &base)) {
		fprintf(stderr, "hcbench: out of memory\n");
		return 1;
	}
	printf("hcbench: hypervisor %ld.%ld, %u samples of %u calls, interleaved\n", v >> 16,
	       v & 0xffff, n, k);
	printf("hcbench: xen_version %.0f ns (quartiles %.0f, %.0f)\n", hc.median, hc.q1, hc.q3);
	printf("hcbench: null_ioctl %.0f ns (quartiles %.0f, %.0f)\n", base.median, base.q1,
	       base.q3);
	printf("hcbench: hypervisor_share %.0f ns\n", hc.median - base.median);
	tc_close(&h);
	return 0;
}
