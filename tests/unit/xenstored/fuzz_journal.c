/*
 * libFuzzer target for journal replay: whatever the file holds (torn,
 * corrupt, hostile), loading must not crash, and a store it accepts must be
 * consistent. The input gets a valid file header so the records are reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "fuzz_store.h"
#include "journal.h"
#include "log.h"

static char fuzz_dir[] = "/tmp/xs-fuzz-journal-XXXXXX";

/* Each input's file is unlinked; the directory goes when the fuzzer exits. */
static void fuzz_cleanup(void)
{
	rmdir(fuzz_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct xs_journal j;
	struct xs_daemon d;
	size_t dropped;
	FILE *f;

	if (!ready) {
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
		xs_log_set(fopen("/dev/null", "w"));
		ready = 1;
	}
	if (xs_journal_open(&j, fuzz_dir, false) || xs_daemon_init(&d))
		abort();
	f = fopen(j.path, "wb");
	if (!f || fwrite("TERNXSJ1", 1, 8, f) != 8 || fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (!xs_journal_load(&j, &d.tree, &d.domains, &dropped))
		fuzz_check_store(&d.tree);
	unlink(j.path);
	xs_daemon_fini(&d);
	xs_journal_close(&j);
	return 0;
}
