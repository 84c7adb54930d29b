/* xentop's table, summary and vif counters on made-up samples: xentop's
 * columns and widths, CPU(%) between samples, the name order, the -v, -n,
 * -x and -r lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "top.h"

#define HEADER "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) " \
	"VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"
#define S 1000000000ull

static struct top_domain doms[2][3];
static struct top_sample samples[2];

/* Two samples two seconds apart: dom0 used one second of it, web half of one. */
static int setup(void **state)
{
	(void)state;
	memset(doms, 0, sizeof(doms));
	for (int i = 0; i < 2; i++) {
		struct top_sample *s = &samples[i];

		*s = (struct top_sample){ .when = { 100000 + 2 * i, 0 }, .tot_kb = 2096128,
					  .free_kb = 1544192, .num_cpus = 2, .cpu_mhz = 2654,
					  .ndoms = 2, .doms = doms[i] };
		strcpy(s->version, "4.17.0-tern0.1-dev");
		doms[i][0] = (struct top_domain){ .id = 3, .name = "web", .flags = TERN_DOMINF_blocked,
						  .cpu_ns = 1 * S + i * S / 2, .mem_kb = 131072,
						  .max_kb = 131072, .vcpus = 2, .nets = 1, .vbds = 1 };
		doms[i][0].vbd_dev[0] = 51712;
		doms[i][0].net[0] = (struct top_net){ .id = 0, .ifname = "vif3.0" };
		doms[i][1] = (struct top_domain){ .id = 0, .name = "Domain-0",
						  .flags = TERN_DOMINF_running, .cpu_ns = 10 * S + i * S,
						  .mem_kb = 262144, .max_kb = 262144, .vcpus = 1 };
	}
	return 0;
}

static char *table(const struct top_opts *o, int with_prev)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	top_table(f, o, &samples[1], with_prev ? &samples[0] : NULL);
	fclose(f);
	return buf;
}

static void test_batch_table(void **state)
{
	struct top_opts o = { 0 };
	char *t;

	(void)state;
	t = table(&o, 1);
	assert_string_equal(t, HEADER
		"  Domain-0 -----r         11   50.0     262144   12.5     262144      12.5     1    0"
		"        0        0    0        0        0        0          0          0    0\n"
		"       web --b---          1   25.0     131072    6.3     131072       6.3     2    1"
		"        0        0    1        0        0        0          0          0    0\n");
	free(t);
	/* The first sample has nothing to compare with: 0.0. */
	t = table(&o, 0);
	assert_non_null(strstr(t, "  Domain-0 -----r         11    0.0 "));
	free(t);
}

static void test_states_names_and_limits(void **state)
{
	struct top_opts o = { 0 };
	char *t;

	(void)state;
	doms[1][0].flags = TERN_DOMINF_shutdown | TERN_DOMINF_paused;
	doms[1][0].shutdown_reason = 3; /* crash */
	doms[1][1].flags = TERN_DOMINF_shutdown | TERN_DOMINF_dying;
	doms[1][1].max_kb = TOP_NO_LIMIT;
	strcpy(doms[1][1].name, "averyveryverylongname");
	t = table(&o, 0);
	/* By name, case aside; names cut to ten; xentop's letters d s b c p r. */
	assert_non_null(strstr(t, HEADER "averyveryv ds----         11    0.0     262144   12.5"
				  "   no limit       n/a     1"));
	assert_non_null(strstr(t, "\n       web ---cp-          1"));
	free(t);
	o.full_name = 1;
	t = table(&o, 0);
	assert_non_null(strstr(t, "                 NAME  STATE"));
	assert_non_null(strstr(t, "\naveryveryverylongname ds----"));
	assert_non_null(strstr(t, "\n                  web ---cp-"));
	free(t);
}

static void test_vif_counters_and_widths(void **state)
{
	static const char net_dev[] =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
		"errs drop fifo colls carrier compressed\n"
		"    lo:     960      12    0    0    0     0          0         0      960      12 "
		"   0    0    0     0       0          0\n"
		"  vif3.0: 2048000000000  7 1 2    0     0          0         0  5120 9 3 4 0 0 0 0\n"
		"  vif3.1:  4096  1 0 0 0 0 0 0  8192 2 0 0 0 0 0 0\n"
		"  vif9.0:  1 1 1 1 0 0 0 0 1 1 1 1 0 0 0 0\n";
	struct top_opts o = { .networks = 1 };
	char *t;

	(void)state;
	top_net_counters(&samples[1], net_dev);
	assert_int_equal(doms[1][0].net[0].rx_bytes, 2048000000000ull);
	assert_int_equal(doms[1][0].net[0].tx_pkts, 9);
	assert_int_equal(doms[1][0].net[0].tx_drop, 4);
	/* A vif named with vifname= counts under that name. */
	strcpy(doms[0][0].net[0].ifname, "web0");
	top_net_counters(&samples[0], "  vif3.0: 1 1 1 1 0 0 0 0 1 1 1 1 0 0 0 0\n"
				      "  web0:  4096  3 0 0 0 0 0 0  8192 2 0 0 0 0 0 0\n");
	assert_int_equal(doms[0][0].net[0].rx_bytes, 4096);
	assert_int_equal(doms[0][0].net[0].rx_pkts, 3);
	assert_int_equal(doms[0][0].net[0].id, 0);
	t = table(&o, 0);
	/* NETRX(k) widens to its 10 digits, header and rows alike. */
	assert_non_null(strstr(t, " NETTX(k)   NETRX(k) VBDS"));
	assert_non_null(strstr(t, "     2    1        5 2000000000    1 "));
	assert_non_null(strstr(t, "\nNet0 RX: 2048000000000bytes        7pkts        1err        "
				  "2drop  TX:     5120bytes        9pkts        3err        4drop\n"));
	free(t);
}

static void test_vcpu_vbd_and_repeated_header(void **state)
{
	struct top_opts o = { .vcpus = 1, .vbds = 1, .repeat_header = 1 };
	struct top_domain *web = &doms[1][0];
	char *t;

	(void)state;
	web->vcpus = 7;
	for (int v = 0; v < 7; v++) {
		web->vcpu_online[v] = v != 1;
		web->vcpu_ns[v] = (uint64_t)v * 10 * S;
	}
	t = table(&o, 0);
	assert_non_null(strstr(t, "\nVCPUs(sec):   0:          0s  2:         20s  3:         30s"
				  "  4:         40s\n          5:         50s  6:         60s\n"));
	assert_non_null(strstr(t, "\nVBD Unidentified 51712 [ca: 0]  OO:        0   RD:        0"
				  "   WR:        0   RSECT:          0   WSECT:          0\n"));
	/* -r: the header before each domain. */
	assert_ptr_not_equal(strstr(t, HEADER), NULL);
	assert_non_null(strstr(strstr(t, HEADER) + 1, HEADER));
	free(t);
}

static void test_summary(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	setenv("TZ", "UTC", 1);
	samples[1].when.tv_sec = 3600 * 13 + 60 * 5 + 9;
	doms[1][0].flags = TERN_DOMINF_shutdown; /* poweroff */
	top_summary(f, &samples[1]);
	fclose(f);
	assert_string_equal(buf, "xentop - 13:05:09   Xen 4.17.0-tern0.1-dev\n"
			    "2 domains: 1 running, 0 blocked, 0 paused, 0 crashed, 0 dying, "
			    "1 shutdown \n"
			    "Mem: 2096128k total, 551936k used, 1544192k free    CPUs: 2 @ 2654MHz\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_batch_table, setup),
		cmocka_unit_test_setup(test_states_names_and_limits, setup),
		cmocka_unit_test_setup(test_vif_counters_and_widths, setup),
		cmocka_unit_test_setup(test_vcpu_vbd_and_repeated_header, setup),
		cmocka_unit_test_setup(test_summary, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
