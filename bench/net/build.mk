# bench/net: iperf3 TCP throughput guest -> dom0, dom0 -> guest and guest ->
# guest through tern-netback, against the same transfer between two network
# namespaces in dom0 joined by a veth pair, in the same run; ping round trips
# the same way; the backend's CPU use (bench/net/run.py; BENCH_NET_ARGS="--runs 5").
BENCH_NET_IPERF := $(BUILD)/images/iperf3.cpio.gz

$(BENCH_NET_IPERF): images/iperf3.sh
	images/iperf3.sh

.PHONY: bench-net
bench-net: $(BUILD)/tern.elf images $(BENCH_NET_IPERF)
	/usr/bin/python3 bench/net/run.py $(BENCH_NET_ARGS)

BENCH_TARGETS += bench-net
