/*
 * xl.cfg parser (tools/lib/xlcfg*.c): good configs as the HOWTO and xl.cfg(5)
 * write them, and bad ones with the exact message each must give, line
 * numbers included.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xlcfg.h"

static struct xlcfg_domain dom;
static struct xlcfg_msgs msgs;

static int load_bytes(const char *text, size_t len, char *const *ov, unsigned nov)
{
	xlcfg_domain_free(&dom);
	xlcfg_msgs_free(&msgs);
	return xlcfg_load(&dom, "t.cfg", text, len, ov, nov, &msgs);
}

static int load_with(const char *text, char *const *ov, unsigned nov)
{
	return load_bytes(text, strlen(text), ov, nov);
}

static int load(const char *text)
{
	return load_with(text, NULL, 0);
}

static int teardown(void **state)
{
	(void)state;
	xlcfg_domain_free(&dom);
	xlcfg_msgs_free(&msgs);
	return 0;
}

/* The messages, exactly. */
static void expect_msgs(const char *text, const char *want)
{
	int rc = load(text);

	assert_int_not_equal(rc, 0);
	assert_non_null(msgs.text);
	if (strcmp(msgs.text, want) != 0)
		fail_msg("for:\n%s\ngot:\n%s\nwant:\n%s", text, msgs.text, want);
}

static void test_howto_config(void **state)
{
	(void)state;
	assert_int_equal(load("# a domU as the HOWTO writes it\n"
			      "name = \"foo\"\n"
			      "type = 'pvh'\n"
			      "kernel = \"/boot/vmlinuz\"   # the kernel\n"
			      "ramdisk = \"/boot/initrd.img\"\n"
			      "memory = 256\n"
			      "vcpus = 2\n"
			      "cpus = \"1-3\"\n"
			      "extra = \"console=hvc0\"\n"
			      "root = \"/dev/xvda1 ro\"\n"
			      "on_poweroff = 'destroy'; on_reboot = 'restart'\n"
			      "on_crash = 'preserve'\n"
			      "disk = [ 'file:/n0/xen/foo-wd0,0x0,w',\n"
			      "         'phy:/dev/vg/foo,xvdb,r', ]\n"
			      "vif = [ 'mac=00:16:3e:00:00:11, bridge=bridge0' ]\n"
			      "uuid = \"8fe3f5a1-1d51-4a2d-b1a4-0123456789ab\"\n"), 0);
	assert_string_equal(dom.name, "foo");
	assert_string_equal(dom.kernel, "/boot/vmlinuz");
	assert_string_equal(dom.ramdisk, "/boot/initrd.img");
	assert_int_equal(dom.memory_mib, 256);
	assert_int_equal(dom.maxmem_mib, 256);
	assert_int_equal(dom.vcpus, 2);
	assert_int_equal(dom.maxvcpus, 2);
	assert_int_equal(dom.ncpumaps, 1);
	assert_int_equal(dom.cpumaps[0], 0xe);
	assert_string_equal(dom.cmdline, "root=/dev/xvda1 ro console=hvc0");
	assert_int_equal(dom.on_poweroff, XLCFG_ACTION_DESTROY);
	assert_int_equal(dom.on_reboot, XLCFG_ACTION_RESTART);
	assert_int_equal(dom.on_crash, XLCFG_ACTION_PRESERVE);
	assert_int_equal(dom.ndisks, 2);
	assert_string_equal(dom.disks[0].target, "/n0/xen/foo-wd0");
	assert_string_equal(dom.disks[0].vdev, "0x0");
	assert_int_equal(dom.disks[0].devnum, 0);
	assert_int_equal(dom.disks[0].readwrite, 1);
	assert_string_equal(dom.disks[1].target, "/dev/vg/foo");
	assert_int_equal(dom.disks[1].devnum, 51728);
	assert_int_equal(dom.disks[1].readwrite, 0);
	assert_int_equal(dom.nvifs, 1);
	assert_true(dom.vifs[0].has_mac);
	assert_int_equal(dom.vifs[0].mac[5], 0x11);
	assert_string_equal(dom.vifs[0].bridge, "bridge0");
	assert_true(dom.has_uuid);
	assert_int_equal(dom.uuid[0], 0x8f);
	assert_int_equal(dom.uuid[15], 0xab);
	assert_int_equal(msgs.errors, 0);
	assert_null(msgs.text);
	assert_int_equal(dom.disks[0].line, 13);
	assert_int_equal(dom.disks[1].line, 14);
	assert_string_equal(dom.disks[0].file, "t.cfg");
}

static void test_defaults_and_minimal(void **state)
{
	(void)state;
	assert_int_equal(load("name='a'\nkernel='/k'\n"), 0);
	assert_int_equal(dom.memory_mib, 32);
	assert_int_equal(dom.vcpus, 1);
	assert_int_equal(dom.on_reboot, XLCFG_ACTION_RESTART);
	assert_int_equal(dom.on_poweroff, XLCFG_ACTION_DESTROY);
	assert_int_equal(dom.ncpumaps, 0);
	assert_int_equal(dom.cpu_weight, 256);
	assert_int_equal(dom.cap, 0);
	assert_int_equal(dom.max_event_channels, 1023);
	assert_null(dom.cmdline);
	assert_false(dom.has_uuid);
	assert_null(msgs.text);
}

/* max_event_channels: the highest port, 1..2^17-1 (the FIFO ABI's limit). */
static void test_max_event_channels(void **state)
{
	(void)state;
	assert_int_equal(load("name='a'\nkernel='/k'\nmax_event_channels=4095\n"), 0);
	assert_int_equal(dom.max_event_channels, 4095);
	assert_int_equal(load("name='a'\nkernel='/k'\nmax_event_channels=131071\n"), 0);
	assert_int_equal(dom.max_event_channels, 131071);
	expect_msgs("name='a'\nkernel='/k'\nmax_event_channels=131072\n",
		    "t.cfg:3: value `131072' of `max_event_channels' is greater than the maximum "
		    "bound 131071\n");
	expect_msgs("name='a'\nkernel='/k'\nmax_event_channels=0\n",
		    "t.cfg:3: value `0' of `max_event_channels' is smaller than the minimum bound 1\n");
}

static void test_scheduler_keys(void **state)
{
	char *ov[] = { "cap=0" };

	(void)state;
	assert_int_equal(load("name='a'\nkernel='/k'\ncpu_weight=512\ncap=50\n"), 0);
	assert_int_equal(dom.cpu_weight, 512);
	assert_int_equal(dom.cap, 50);
	assert_null(msgs.text);
	/* The bounds: 1..65535; a cap of up to 100 per vCPU. */
	assert_int_equal(load("name='a'\nkernel='/k'\ncpu_weight=65535\nvcpus=2\ncap=200\n"), 0);
	assert_int_equal(dom.cpu_weight, 65535);
	assert_int_equal(dom.cap, 200);
	assert_int_equal(load("name='a'\nkernel='/k'\ncpu_weight=1\nmaxvcpus=3\ncap=300\n"), 0);
	assert_int_equal(dom.cap, 300);
	/* From xl create's command line too. */
	assert_int_equal(load_with("name='a'\nkernel='/k'\ncap=50\n", ov, 1), 0);
	assert_int_equal(dom.cap, 0);
	expect_msgs("name='a'\nkernel='/k'\ncpu_weight=0\ncap=5x\n",
		    "t.cfg:3: value `0' of `cpu_weight' is smaller than the minimum bound 1\n"
		    "t.cfg:4: parameter `cap' could not be parsed as a number: 5x\n");
	expect_msgs("name='a'\nkernel='/k'\ncpu_weight=65536\ncap='50'\n",
		    "t.cfg:3: value `65536' of `cpu_weight' is greater than the maximum bound "
		    "65535\n"
		    "t.cfg:4: parameter `cap' is not a valid number (write cap = 50, without "
		    "quotes)\n");
	expect_msgs("name='a'\nkernel='/k'\nvcpus=2\ncap=250\n",
		    "t.cfg: cap = 250 is more than the domain's 2 vCPUs can use (at most 200: 100 "
		    "per vCPU)\n");
	expect_msgs("name='a'\nkernel='/k'\ncap=801\n",
		    "t.cfg:3: value `801' of `cap' is greater than the maximum bound 800\n");
}

static void test_cmdline_forms(void **state)
{
	(void)state;
	assert_int_equal(load("name='a'\nkernel='/k'\nextra='console=hvc0'\n"), 0);
	assert_string_equal(dom.cmdline, "console=hvc0");
	assert_int_equal(load("name='a'\nkernel='/k'\nroot='/dev/xvda'\n"), 0);
	assert_string_equal(dom.cmdline, "root=/dev/xvda");
	assert_int_equal(load("name='a'\nkernel='/k'\nroot='x'\ncmdline=\"c\\tq\\\"\"\n"), 0);
	assert_string_equal(dom.cmdline, "c\tq\"");
	assert_string_equal(msgs.text,
			    "Warning: ignoring root= and extra= in favour of cmdline=\n");
}

static void test_overrides_and_append(void **state)
{
	char *ov[] = { "memory=512", "name=\"b\"", "extra+=' quiet'" };

	(void)state;
	assert_int_equal(load_with("name='a'\nkernel='/k'\nmemory=64\nextra='console=hvc0'\n",
				   ov, 3), 0);
	assert_string_equal(dom.name, "b");
	assert_int_equal(dom.memory_mib, 512);
	assert_string_equal(dom.cmdline, "console=hvc0 quiet");
	/* Last assignment wins, lists append with +=, numbers in hex and octal. */
	assert_int_equal(load("name='a'\nkernel='/k'\nmemory=0x40\nmemory=0100\nvcpus=2\n"
			      "maxvcpus=4\ncpus=['1','2-3']\ncpus+=['all']\n"), 0);
	assert_int_equal(dom.memory_mib, 64);
	assert_int_equal(dom.maxvcpus, 4);
	assert_int_equal(dom.ncpumaps, 3);
	assert_int_equal(dom.cpumaps[0], 2);
	assert_int_equal(dom.cpumaps[1], 0xc);
	assert_int_equal(dom.cpumaps[2], ~0ull);
	assert_int_equal(dom.ncpumaps_soft, 0);
	/* cpus_soft as cpus: a map for all, or one per vCPU (the rest: all). */
	assert_int_equal(load("name='a'\nkernel='/k'\nmaxvcpus=3\ncpus_soft=['1','^1']\n"), 0);
	assert_int_equal(dom.ncpumaps_soft, 2);
	assert_int_equal(xlcfg_vcpu_cpumap(dom.ncpumaps_soft, dom.cpumaps_soft, 0), 2);
	assert_int_equal(xlcfg_vcpu_cpumap(dom.ncpumaps_soft, dom.cpumaps_soft, 1), ~2ull);
	assert_int_equal(xlcfg_vcpu_cpumap(dom.ncpumaps_soft, dom.cpumaps_soft, 2), ~0ull);
	assert_int_equal(load("name='a'\nkernel='/k'\nmaxvcpus=3\ncpus_soft='2-3'\n"), 0);
	assert_int_equal(xlcfg_vcpu_cpumap(dom.ncpumaps_soft, dom.cpumaps_soft, 2), 0xc);
	assert_int_equal(dom.ncpumaps, 0);
}

static void test_cpumap_and_uuid(void **state)
{
	uint64_t m;
	uint8_t u[16];

	(void)state;
	assert_int_equal(xlcfg_parse_cpumap("1,3", &m), 0);
	assert_int_equal(m, 0xa);
	assert_int_equal(xlcfg_parse_cpumap("0-7,^4", &m), 0);
	assert_int_equal(m, 0xef);
	assert_int_equal(xlcfg_parse_cpumap("^0", &m), 0);
	assert_int_equal(m, ~1ull);
	assert_int_not_equal(xlcfg_parse_cpumap("3-1", &m), 0);
	assert_int_not_equal(xlcfg_parse_cpumap("1,,x", &m), 0);
	assert_int_not_equal(xlcfg_parse_cpumap("64", &m), 0);
	assert_int_not_equal(xlcfg_parse_cpumap("", &m), 0);
	assert_int_equal(xlcfg_parse_uuid("000102030405060708090a0b0c0d0e0f", u), 0);
	assert_int_equal(u[10], 10);
	assert_int_not_equal(xlcfg_parse_uuid("00010203-0405-0607-0809-0a0b0c0d0e0", u), 0);
	assert_int_not_equal(xlcfg_parse_uuid("0001020304-05-0607-0809-0a0b0c0d0e0f", u), 0);
}

static void test_vdev_numbers(void **state)
{
	static const struct {
		const char *vdev;
		uint32_t num;
	} good[] = {
		{ "xvda", 51712 }, { "xvdb", 51728 }, { "xvda1", 51713 }, { "0x0", 0 },
		{ "0x1", 1 }, { "hda", 768 }, { "hdb", 832 }, { "hdc", 5632 }, { "hdd", 5696 },
		{ "sda", 2048 }, { "xvdq", 1u << 28 | 16u << 8 }, { "xvdaa", 1u << 28 | 26u << 8 },
		{ "d0p1", 51713 }, { "51712", 51712 },
	};
	static const char *const bad[] = { "xvd", "xvda01", "hde", "foo", "sdq", "xvdA" };
	uint32_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(xlcfg_vdev_number(good[i].vdev, &n), 0);
		assert_int_equal(n, good[i].num);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(xlcfg_vdev_number(bad[i], &n), 0);
}

static void test_disk_specs(void **state)
{
	struct xlcfg_disk d;
	struct xlcfg_msgs m = { 0 };

	(void)state;
	assert_int_equal(xlcfg_parse_disk(&d, "/img,qcow2,xvda,rw", "f", 1, &m), 0);
	assert_string_equal(d.format, "qcow2");
	assert_int_equal(d.devnum, 51712);
	xlcfg_disk_free(&d);
	assert_int_equal(xlcfg_parse_disk(&d, "vdev=xvdc,access=ro,target=/a,b", "f", 1, &m), 0);
	assert_string_equal(d.target, "/a,b");
	assert_int_equal(d.readwrite, 0);
	xlcfg_disk_free(&d);
	assert_int_equal(xlcfg_parse_disk(&d, ",,hdc:cdrom,r", "f", 1, &m), 0);
	assert_true(d.cdrom);
	assert_string_equal(d.target, "");
	xlcfg_disk_free(&d);
	assert_null(m.text);
	/* Without a prefix the second positional is the format. */
	assert_int_not_equal(xlcfg_parse_disk(&d, "/n0/xen/foo-wd0,0x0,w", "f", 4, &m), 0);
	assert_int_not_equal(xlcfg_parse_disk(&d, "/a,raw,xvda,w,extra", "f", 5, &m), 0);
	assert_int_not_equal(xlcfg_parse_disk(&d, "foo:/a,xvda", "f", 6, &m), 0);
	assert_int_not_equal(xlcfg_parse_disk(&d, "/a,raw,xvda,rw,vdev=xvdb", "f", 7, &m), 0);
	assert_int_not_equal(xlcfg_parse_disk(&d, "/a,raw,zz9", "f", 8, &m), 0);
	assert_string_equal(m.text,
		"f:4: config parsing error in disk specification: unknown value for format: "
		"near `0x0' in `/n0/xen/foo-wd0,0x0,w'\n"
		"f:5: config parsing error in disk specification: too many positional "
		"parameters: near `extra' in `/a,raw,xvda,w,extra'\n"
		"f:6: config parsing error in disk specification: unknown deprecated disk prefix: "
		"near `foo:/a' in `foo:/a,xvda'\n"
		"f:7: config parsing error in disk specification: vdev respecified: near "
		"`vdev=xvdb' in `/a,raw,xvda,rw,vdev=xvdb'\n"
		"f:8: Invalid or unsupported virtual disk identifier zz9\n");
	xlcfg_msgs_free(&m);
}

static void test_vif_specs(void **state)
{
	struct xlcfg_vif v;
	struct xlcfg_msgs m = { 0 };

	(void)state;
	assert_int_equal(xlcfg_parse_vif(&v, 2, "bridge=xenbr0,ip=10.0.0.2,mtu=9000", "f", 1,
					 &m), 0);
	assert_int_equal(v.devid, 2);
	assert_false(v.has_mac);
	assert_int_equal(v.mtu, 9000);
	xlcfg_vif_free(&v);
	assert_int_not_equal(xlcfg_parse_vif(&v, 0, "mac=00:16:3e:zz:00:00", "f", 2, &m), 0);
	assert_int_not_equal(xlcfg_parse_vif(&v, 0, "type=ioemu", "f", 3, &m), 0);
	assert_int_not_equal(xlcfg_parse_vif(&v, 0, "bridge=x,colour=red", "f", 4, &m), 0);
	assert_string_equal(m.text, "f:2: Invalid parameter `mac'.\n"
			    "f:3: Invalid parameter `type'. (ioemu is for HVM guests)\n"
			    "f:4: unrecognized argument `colour=red'\n");
	xlcfg_msgs_free(&m);
}

/* Every key xl 4.17 takes for a PVH guest's vif, and its defaults. */
static void test_vif_every_key(void **state)
{
	struct xlcfg_vif v;
	struct xlcfg_msgs m = { 0 };

	(void)state;
	assert_int_equal(xlcfg_parse_vif(&v, 0, "mac=00:16:3e:01:02:03, bridge=br1, ip=10.0.0.9, "
					 "vifname=web0, script=vif-custom, model=e1000, type=vif, "
					 "rate=10Mb/s@20ms, mtu=1400, devid=7, backend=Domain-0, "
					 "gatewaydev=eth1, untrusted", "g.cfg", 3, &m), 0);
	assert_null(m.text);
	assert_int_equal(v.devid, 7);
	assert_memory_equal(v.mac, ((uint8_t[]){ 0, 0x16, 0x3e, 1, 2, 3 }), 6);
	assert_string_equal(v.bridge, "br1");
	assert_string_equal(v.ip, "10.0.0.9");
	assert_string_equal(v.vifname, "web0");
	assert_string_equal(v.script, "vif-custom");
	assert_string_equal(v.model, "e1000");
	assert_string_equal(v.backend, "Domain-0");
	assert_string_equal(v.gatewaydev, "eth1");
	assert_int_equal(v.mtu, 1400);
	assert_false(v.trusted);
	/* 10 Mbit/s = 1.25 MB/s: 25000 bytes per 20 ms, as libxl computes it. */
	assert_int_equal(v.rate_bytes, 25000);
	assert_int_equal(v.rate_us, 20000);
	assert_int_equal(v.line, 3);
	xlcfg_vif_free(&v);
	assert_int_equal(xlcfg_parse_vif(&v, 4, "", "g.cfg", 4, &m), 0);
	assert_int_equal(v.devid, 4);
	assert_true(v.trusted);
	assert_int_equal(v.rate_us, 0);
	xlcfg_vif_free(&v);
	/* vlan= is refused, with why, rather than ignored. */
	assert_int_equal(xlcfg_parse_vif(&v, 0, "bridge=br1, vlan=10", "g.cfg", 5, &m), -EINVAL);
	assert_string_equal(m.text, "g.cfg:5: vlan= is not implemented by tern yet: put the vif in "
				    "a bridge on that VLAN's interface (e.g. one holding eth0.10)\n");
	xlcfg_vif_free(&v);
	xlcfg_msgs_free(&m);
}

static void test_vif_rates(void **state)
{
	struct xlcfg_msgs m = { 0 };
	uint64_t bytes;
	uint32_t us;

	(void)state;
	assert_int_equal(xlcfg_parse_rate("1MB/s", &bytes, &us, "f", 1, &m), 0);
	assert_int_equal(bytes, 50000); /* 50 ms by default */
	assert_int_equal(us, 50000);
	assert_int_equal(xlcfg_parse_rate("8Kb/s@1s", &bytes, &us, "f", 1, &m), 0);
	assert_int_equal(bytes, 1000);
	assert_int_equal(us, 1000000);
	assert_int_equal(xlcfg_parse_rate("100B/s@250us", &bytes, &us, "f", 1, &m), 0);
	assert_int_equal(us, 250);
	assert_int_equal(xlcfg_parse_rate("2GB/s@2", &bytes, &us, "f", 1, &m), 0);
	assert_int_equal(us, 2000000);
	assert_null(m.text);
	assert_int_not_equal(xlcfg_parse_rate("10Mbit/s", &bytes, &us, "f", 5, &m), 0);
	assert_int_not_equal(xlcfg_parse_rate("@20ms", &bytes, &us, "f", 6, &m), 0);
	assert_int_not_equal(xlcfg_parse_rate("1MB/s@5h", &bytes, &us, "f", 7, &m), 0);
	assert_int_not_equal(xlcfg_parse_rate("0MB/s", &bytes, &us, "f", 8, &m), 0);
	assert_int_not_equal(xlcfg_parse_rate("1MB/s@9999999s", &bytes, &us, "f", 9, &m), 0);
	assert_string_equal(m.text,
			    "f:5: config parsing error in vif: invalid rate in `10Mbit/s'\n"
			    "f:6: config parsing error in vif: no rate specified in `@20ms'\n"
			    "f:7: config parsing error in vif: invalid replenishment interval in `5h'\n"
			    "f:8: config parsing error in vif: rate overflow in `0MB/s'\n"
			    "f:9: config parsing error in vif: replenishment interval overflow in "
			    "`9999999s'\n");
	xlcfg_msgs_free(&m);
}

static void test_vif_devids_unique(void **state)
{
	static const char cfg[] = "name='a'\nkernel='/k'\n"
				  "vif = [ 'bridge=xenbr0', 'devid=0,bridge=br1' ]\n";
	struct xlcfg_domain dom;
	struct xlcfg_msgs m = { 0 };

	(void)state;
	assert_int_equal(xlcfg_load(&dom, "d.cfg", cfg, sizeof(cfg) - 1, NULL, 0, &m), -EINVAL);
	assert_string_equal(m.text, "d.cfg:3: vif devid 0 is used twice\n");
	xlcfg_msgs_free(&m);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	/* xm's Python: a bare True is a lexical error, with a hint. */
	expect_msgs("name='a'\nkernel='/k'\nautorestart = True\n",
		    "t.cfg:3: config parsing error near `True': lexical error\n"
		    "t.cfg:3: xl.cfg has no True/False: write 1 or 0, or delete this xm-era "
		    "line (e.g. autorestart: use on_reboot/on_crash)\n");
	expect_msgs("name='a'\nkernel='/k'\nmemory = (256)\n",
		    "t.cfg:3: config parsing error near `(256)': lexical error\n"
		    "warning: Config file looks like it contains Python code.\n"
		    "warning:  Arbitrary Python is no longer supported.\n"
		    "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig\n");
	expect_msgs("name = 'a\nkernel='/k'\n",
		    "t.cfg:1: config parsing error near `'a': unterminated string\n");
	expect_msgs("Name = 'a'\n",
		    "t.cfg:1: config parsing error near `Name': lexical error\n");
	expect_msgs("name 'a'\n",
		    "t.cfg:1: config parsing error near `'a'': syntax error: expected `=' or "
		    "`+='\n");
	expect_msgs("name='a'\nkernel='/k'\ndisk = [ 'a',\n  'b'\n  'c' ]\nvcpus=\n",
		    "t.cfg:5: config parsing error near `'c'': syntax error: expected `,' or "
		    "`]'\n"
		    "t.cfg:6: config parsing error near `\\n': syntax error: expected a value\n");
	expect_msgs("name='a'\nkernel='/k'\nmemory = 1 2\n",
		    "t.cfg:3: config parsing error near `2': syntax error: expected the end of "
		    "the statement\n");
	expect_msgs("name='a'\nkernel='/k'\ndisk=['x'\n",
		    "t.cfg:4: config parsing error near `': unexpected end of file\n");
}

static void test_key_errors(void **state)
{
	(void)state;
	expect_msgs("name='a'\nkernel='/k'\nmemmory=128\nvnc=1\nautorestart=1\n",
		    "t.cfg:3: unknown key 'memmory'\n"
		    "t.cfg:4: key 'vnc' is not supported: it is for HVM guests; tern runs PVH "
		    "guests only\n"
		    "t.cfg:5: key 'autorestart' is not supported: it is an xm option: xl and tern "
		    "use on_reboot, on_poweroff and on_crash (e.g. on_reboot = \"restart\")\n");
	expect_msgs("name='a'\nkernel='/k'\nbootloader=\"pygrub\"\n",
		    "t.cfg:3: key 'bootloader' is not supported: tern boots the kernel directly: "
		    "copy the guest's kernel and initrd into dom0 and name them with kernel= and "
		    "ramdisk=\n");
	expect_msgs("name='a'\nkernel='/k'\nbuilder=\"hvm\"\n",
		    "t.cfg:3: builder=\"hvm\" is a deprecated xm/xl option for HVM guests: tern "
		    "runs PVH guests only; delete it and write type = \"pvh\"\n");
	expect_msgs("name='a'\nkernel='/k'\ntype='pv'\n",
		    "t.cfg:3: type \"pv\" is not supported by tern: it runs PVH guests only "
		    "(type = \"pvh\", with a kernel built with CONFIG_PVH)\n");
	expect_msgs("name='a'\nkernel='/k'\ntype='hvm'\n",
		    "t.cfg:3: type \"hvm\" is not supported by tern: it runs PVH guests only "
		    "(type = \"pvh\", with a kernel built with CONFIG_PVH)\n");
	expect_msgs("name='a'\nkernel='/k'\non_crash='coredump-destroy'\non_reboot='reboot'\n",
		    "t.cfg:3: on_crash action \"coredump-destroy\" is not supported by tern (use "
		    "destroy, restart or preserve)\n"
		    "t.cfg:4: Unknown on_reboot action \"reboot\" specified\n");
	expect_msgs("name='a'\nkernel='/k'\nmemory='256'\nvcpus=[1]\nvcpus=99\n",
		    "t.cfg:3: parameter `memory' is not a valid number (write memory = 256, "
		    "without quotes)\n"
		    "t.cfg:5: value `99' of `vcpus' is greater than the maximum bound 8\n");
	expect_msgs("name='a'\nkernel='/k'\ncpus_soft='x'\n",
		    "t.cfg:3: cpus_soft=\"x\" is not a valid cpu list (e.g. \"all\", \"1-3\", "
		    "\"1,3\", \"1-7,^4\"; pCPUs 0-63)\n");
	expect_msgs("name='a'\nkernel='/k'\ncpus_soft=['1','2','3']\n",
		    "t.cfg: cpus_soft lists 3 vCPUs but the domain has 1\n");
	expect_msgs("name='a'\nkernel='/k'\nmemory=12ab\ncpus='0-3,x'\nuuid='nope'\n",
		    "t.cfg:3: parameter `memory' could not be parsed as a number: 12ab\n"
		    "t.cfg:4: cpus=\"0-3,x\" is not a valid cpu list (e.g. \"all\", \"1-3\", "
		    "\"1,3\", \"1-7,^4\"; pCPUs 0-63)\n"
		    "t.cfg:5: Failed to parse UUID: nope\n");
	expect_msgs("kernel='/k'\n", "Domain name must be specified.\n");
	expect_msgs("name='a'\n", "t.cfg: kernel must be specified: tern boots PVH guests from "
		    "a kernel file in dom0 (kernel = \"/path/vmlinuz\")\n");
	expect_msgs("name='a'\nkernel='/k'\nmemory=512\nmaxmem=256\nvcpus=4\nmaxvcpus=2\n",
		    "t.cfg: maxmem (256 MiB) must not be less than memory (512 MiB)\n"
		    "xl: maxvcpus < vcpus\n");
	expect_msgs("name='12'\nkernel='/k'\nmemory=1\nmemory+=2\n",
		    "t.cfg:4: can't use += with numbers\n"
		    "t.cfg:1: name `12' is not valid: it must be non-empty and not a number (xl "
		    "takes numbers for domain ids)\n");
	expect_msgs("name='a'\nkernel='/k'\ndisk='/a,raw,xvda'\n",
		    "t.cfg:3: parameter `disk' is a single value but should be a list (disk = "
		    "[ '...' ])\n");
}

static void test_override_errors(void **state)
{
	char *ov[] = { "memory=lots", "bogus=1" };

	(void)state;
	assert_int_not_equal(load_with("name='a'\nkernel='/k'\n", ov, 2), 0);
	assert_string_equal(msgs.text,
			    "command line:1: config parsing error near `lots': lexical error\n");
	assert_int_not_equal(load_with("name='a'\nkernel='/k'\n", ov + 1, 1), 0);
	assert_string_equal(msgs.text, "command line:1: unknown key 'bogus'\n");
}

static void test_garbage_does_not_crash(void **state)
{
	static const char *const inputs[] = {
		"", "\n\n;;\n", "[", "]", "=", "a=[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
		"a='\\x'", "a='\\0'", "a=\"\\\n\"", "a=1,", "#only a comment", "a=[1,,2]",
		"a+=", "\x01\x02",
	};
	/* A NUL inside a string: the parser gets all the bytes and refuses it. */
	static const char nul[] = "name=\"a\0b\"\nkernel='/k'\n";

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		load(inputs[i]);
		assert_true(msgs.errors > 0);
	}
	assert_int_not_equal(load_bytes(nul, sizeof(nul) - 1, NULL, 0), 0);
	assert_string_equal(msgs.text, "t.cfg:1: config parsing error near `\"a': "
					"bad escape or character in string\n");
	assert_int_equal(msgs.errors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_howto_config, teardown),
		cmocka_unit_test_teardown(test_defaults_and_minimal, teardown),
		cmocka_unit_test_teardown(test_cmdline_forms, teardown),
		cmocka_unit_test_teardown(test_overrides_and_append, teardown),
		cmocka_unit_test(test_cpumap_and_uuid),
		cmocka_unit_test(test_vdev_numbers),
		cmocka_unit_test(test_disk_specs),
		cmocka_unit_test(test_vif_specs),
		cmocka_unit_test(test_vif_every_key),
		cmocka_unit_test(test_vif_rates),
		cmocka_unit_test(test_vif_devids_unique),
		cmocka_unit_test_teardown(test_syntax_errors, teardown),
		cmocka_unit_test_teardown(test_scheduler_keys, teardown),
		cmocka_unit_test_teardown(test_max_event_channels, teardown),
		cmocka_unit_test_teardown(test_key_errors, teardown),
		cmocka_unit_test_teardown(test_override_errors, teardown),
		cmocka_unit_test_teardown(test_garbage_does_not_crash, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
