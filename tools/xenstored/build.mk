# xenstored: the daemon (static, into build/dist), its unit tests, fuzzer and benchmark.
XS_DIR := tools/xenstored
XS_OUT := $(BUILD)/xenstored
XS_LIB_SRCS := $(addprefix $(XS_DIR)/,hash.c strlist.c path.c perms.c node.c tree.c change.c txn.c \
	store.c quota.c watch.c conn.c domain.c crc32.c journal.c log.c daemon.c notify.c \
	req.c handle.c ops_node.c ops_watch.c ops_txn.c ops_domain.c release.c domain_exc.c \
	control.c sock.c ring.c ringconn.c dump.c loop.c)
XS_HDRS := $(wildcard $(XS_DIR)/*.h) tools/include/xen/io/xs_wire.h tools/include/byte_ring.h
XS_INC := -Itools/include -I$(XS_DIR)

XS_CC := gcc
XS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror $(XS_INC)
XS_BIN := $(BUILD)/dist/usr/sbin/xenstored

ALL_TARGETS += $(XS_BIN)

$(XS_OUT)/obj/%.o: $(XS_DIR)/%.c $(XS_HDRS)
	@mkdir -p $(@D)
	$(XS_CC) $(XS_CFLAGS) -c -o $@ $<

# On tern: domain rings over privcmd and /dev/xen/evtchn (libternctl, which
# also daemonizes); only the daemon links it, the host tests and fuzzers do not.
include tools/lib/build.mk
$(XS_OUT)/obj/xen_ring.o $(XS_OUT)/obj/main.o: $(XS_OUT)/obj/%.o: $(XS_DIR)/%.c $(XS_HDRS) $(TC_HDRS)
	@mkdir -p $(@D)
	$(XS_CC) $(XS_CFLAGS) $(TC_INC) -c -o $@ $<

$(XS_BIN): $(patsubst $(XS_DIR)/%.c,$(XS_OUT)/obj/%.o,$(XS_LIB_SRCS) $(XS_DIR)/main.c \
		$(XS_DIR)/xen_ring.c) $(TC_LIB)
	@mkdir -p $(@D)
	$(XS_CC) -static -o $@ $^

# Host unit tests: the same sources under ASan/UBSan, one program per module group.
$(XS_OUT)/asan/%.o: $(XS_DIR)/%.c $(XS_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(XS_INC) -c -o $@ $<

XS_ASAN_OBJS := $(patsubst $(XS_DIR)/%.c,$(XS_OUT)/asan/%.o,$(XS_LIB_SRCS))
# Kept between runs, not deleted as intermediates.
.SECONDARY: $(XS_ASAN_OBJS)
XS_TEST_NAMES := test_path test_tree test_txn test_watch test_quota test_journal \
	test_handle test_ring test_ring_domain test_unprivileged
XS_TESTS := $(addprefix $(XS_OUT)/,$(XS_TEST_NAMES))
UNIT_TESTS += $(XS_TESTS)

$(XS_OUT)/test_%: tests/unit/xenstored/test_%.c $(wildcard tests/unit/xenstored/*.h) \
		$(XS_ASAN_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(XS_INC) -Itests/unit/xenstored -o $@ $< $(XS_ASAN_OBJS) \
		$(HOST_LDFLAGS) -lcmocka

# libFuzzer on the message handler, journal replay and the ring transport
# driven by a hostile domain: a short run each in
# `make check`, long ones in `make fuzz`. Inputs that once crashed are kept in
# fuzz-regressions/<target>/ and replayed first.
XS_FUZZERS := fuzz_handle fuzz_journal fuzz_ring
XS_FUZZ_SEEDS := tests/unit/xenstored/fuzz-seeds
XS_FUZZ_REGRESS := tests/unit/xenstored/fuzz-regressions
$(XS_OUT)/fuzz_%: tests/unit/xenstored/fuzz_%.c tests/unit/xenstored/fuzz_store.h $(XS_LIB_SRCS) \
		$(XS_HDRS)
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(XS_INC) -o $@ $< $(XS_LIB_SRCS)

# $(1): fuzzer, $(2): seconds.
define XS_FUZZ_RUN
	@mkdir -p $(XS_OUT)/corpus-$(1) $(XS_FUZZ_SEEDS)/$(1) $(XS_FUZZ_REGRESS)/$(1)
	$(XS_OUT)/$(1) -runs=1 $(XS_FUZZ_REGRESS)/$(1)
	$(XS_OUT)/$(1) -max_total_time=$(2) -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=$(XS_OUT)/$(1)- $(XS_OUT)/corpus-$(1) $(XS_FUZZ_SEEDS)/$(1)
endef

.PHONY: xenstored-fuzz-short xenstored-fuzz-long xenstored-bench
xenstored-fuzz-short: $(addprefix $(XS_OUT)/,$(XS_FUZZERS))
	$(call XS_FUZZ_RUN,fuzz_handle,30)
	$(call XS_FUZZ_RUN,fuzz_journal,15)
	$(call XS_FUZZ_RUN,fuzz_ring,15)

xenstored-fuzz-long: $(addprefix $(XS_OUT)/,$(XS_FUZZERS))
	$(call XS_FUZZ_RUN,fuzz_handle,3600)
	$(call XS_FUZZ_RUN,fuzz_journal,1800)
	$(call XS_FUZZ_RUN,fuzz_ring,1800)

CHECK_FUZZ += xenstored-fuzz-short
FUZZ_TARGETS += xenstored-fuzz-long

# Benchmark: ops/s over the socket, 1 and 16 clients, journal off/on/fsync.
XS_BENCH := $(XS_OUT)/xsbench
$(XS_BENCH): bench/xenstored/xsbench.c tools/include/xen/io/xs_wire.h
	@mkdir -p $(@D)
	$(XS_CC) $(XS_CFLAGS) -o $@ $<

xenstored-bench: $(XS_BIN) $(XS_BENCH)
	/usr/bin/python3 bench/xenstored/run.py --daemon $(XS_BIN) --client $(XS_BENCH)

BENCH_TARGETS += xenstored-bench

# Host tests with pytest: Debian's xenstore-utils against the built daemon.
PYTEST_DIRS += tests/xenstored
