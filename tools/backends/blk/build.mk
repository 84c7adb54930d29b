# tern-blkback: the block backend (build/dist/usr/sbin/tern-blkback, static,
# with Debian's liburing), its unit tests and its fuzzer.
include tools/lib/build.mk

BLK_DIR := tools/backends/blk
BLK_PURE := $(addprefix $(BLK_DIR)/,blk_ring.c blk_req.c blk_journal.c)
# The shared ring code the pure parts use (in libternctl for the daemon).
BLK_PURE_LIB := $(TC_DIR)/back_ring.c
BLK_SRCS := $(BLK_PURE) $(addprefix $(BLK_DIR)/,blkback.c blk_vbd.c blk_queue.c blk_io.c blk_disk.c)
BLK_HDRS := $(wildcard $(BLK_DIR)/*.h) $(TC_HDRS)
BLK_BIN := $(TC_DIST)/usr/sbin/tern-blkback

ALL_TARGETS += $(BLK_BIN) $(MAN_DIR)/man8/tern-blkback.8.gz
$(MAN_DIR)/man8/tern-blkback.8.gz: tools/man/tern-blkback.8.in $(BLK_BIN)
$(DOM0_TOOLS_INITRD): $(BLK_BIN)

$(TC_OUT)/obj/$(BLK_DIR)/%.o: $(BLK_DIR)/%.c $(BLK_HDRS)
	@mkdir -p $(@D)
	$(TC_CC) $(TC_CFLAGS) -I$(BLK_DIR) -c -o $@ $<

$(BLK_BIN): $(patsubst %.c,$(TC_OUT)/obj/%.o,$(BLK_SRCS)) $(TC_LIB)
	@mkdir -p $(@D)
	$(TC_CC) -static -o $@ $^ -luring

# Unit tests of the pure parts: the ring, request checks, the journal.
BLK_TEST := $(TC_OUT)/test_blkback
UNIT_TESTS += $(BLK_TEST)
$(BLK_TEST): tests/unit/tools/test_blkback.c $(BLK_PURE) $(BLK_PURE_LIB) $(BLK_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TC_INC) -I$(BLK_DIR) -o $@ $< $(BLK_PURE) $(BLK_PURE_LIB) $(HOST_LDFLAGS) -lcmocka

# A hostile frontend against the ring, request checks and journal recovery:
# a short run in `make check`, a long one in `make fuzz`.
BLK_FUZZ := $(TC_OUT)/fuzz_blkif
BLK_FUZZ_REGRESS := tests/unit/tools/fuzz-regressions/fuzz_blkif
$(BLK_FUZZ): tests/unit/tools/fuzz_blkif.c $(BLK_PURE) $(BLK_PURE_LIB) $(BLK_HDRS)
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(TC_INC) -I$(BLK_DIR) -o $@ $< $(BLK_PURE) $(BLK_PURE_LIB)

# $(1): seconds.
define BLK_FUZZ_RUN
	@mkdir -p $(TC_OUT)/corpus-fuzz_blkif $(BLK_FUZZ_REGRESS)
	$(BLK_FUZZ) -runs=1 $(BLK_FUZZ_REGRESS)
	$(BLK_FUZZ) -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=$(TC_OUT)/fuzz_blkif- $(TC_OUT)/corpus-fuzz_blkif
endef

.PHONY: blkif-fuzz-short blkif-fuzz-long
blkif-fuzz-short: $(BLK_FUZZ)
	$(call BLK_FUZZ_RUN,20)
blkif-fuzz-long: $(BLK_FUZZ)
	$(call BLK_FUZZ_RUN,1800)

CHECK_FUZZ += blkif-fuzz-short
FUZZ_TARGETS += blkif-fuzz-long
