# tern-netback: the network backend (build/dist/usr/sbin/tern-netback,
# static), its unit tests and its fuzzer.
include tools/lib/build.mk

NET_DIR := tools/backends/net
NET_PURE := $(addprefix $(NET_DIR)/,net_tx.c net_rx.c net_pkt.c net_credit.c)
# The shared ring code the pure parts use (in libternctl for the daemon).
NET_PURE_LIB := $(TC_DIR)/back_ring.c
NET_SRCS := $(NET_PURE) $(addprefix $(NET_DIR)/,netback.c net_vif.c net_queue.c net_tap.c net_stats.c)
NET_HDRS := $(wildcard $(NET_DIR)/*.h) $(TC_HDRS)
NET_BIN := $(TC_DIST)/usr/sbin/tern-netback

ALL_TARGETS += $(NET_BIN) $(MAN_DIR)/man8/tern-netback.8.gz
$(MAN_DIR)/man8/tern-netback.8.gz: tools/man/tern-netback.8.in $(NET_BIN)
$(DOM0_TOOLS_INITRD): $(NET_BIN)

$(TC_OUT)/obj/$(NET_DIR)/%.o: $(NET_DIR)/%.c $(NET_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(NET_DIR) -c -o $@ $<

$(NET_BIN): $(patsubst %.c,$(TC_OUT)/obj/%.o,$(NET_SRCS)) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^

# Unit tests of the pure parts: TX ring parsing, frames, the rate limit.
NET_TEST := $(TC_OUT)/test_netback
UNIT_TESTS += $(NET_TEST)
$(NET_TEST): tests/unit/tools/test_netback.c $(NET_PURE) $(NET_PURE_LIB) $(NET_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(NET_DIR) -o $@ $< $(NET_PURE) $(NET_PURE_LIB) \
		$(HOST_LDFLAGS) -lcmocka

# A hostile frontend against the TX ring and frame parsing: a short run in
# `make check`, a long one in `make fuzz`.
NET_FUZZ := $(TC_OUT)/fuzz_netif
NET_FUZZ_REGRESS := tests/unit/tools/fuzz-regressions/fuzz_netif
$(NET_FUZZ): tests/unit/tools/fuzz_netif.c $(NET_PURE) $(NET_PURE_LIB) $(NET_HDRS)
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(TC_INC) -I$(NET_DIR) -o $@ $< $(NET_PURE) $(NET_PURE_LIB)

# $(1): seconds.
define NET_FUZZ_RUN
	@mkdir -p $(TC_OUT)/corpus-fuzz_netif $(NET_FUZZ_REGRESS)
	$(NET_FUZZ) -runs=1 $(NET_FUZZ_REGRESS)
	$(NET_FUZZ) -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=$(TC_OUT)/fuzz_netif- $(TC_OUT)/corpus-fuzz_netif
endef

.PHONY: netif-fuzz-short netif-fuzz-long
netif-fuzz-short: $(NET_FUZZ)
	$(call NET_FUZZ_RUN,20)
netif-fuzz-long: $(NET_FUZZ)
	$(call NET_FUZZ_RUN,1800)

CHECK_FUZZ += netif-fuzz-short
FUZZ_TARGETS += netif-fuzz-long
