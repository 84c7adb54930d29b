/*
 * The store on disk: an append-only log of committed changes under the root
 * directory, rewritten from the live store when it has grown (compaction).
 *
 * File: "TERNXSJ1", then records: magic, payload length, CRC-32 of the
 * payload, payload. A payload is a batch of entries (node put, node removal,
 * domain introduced, domain released) applied all or nothing; integers are in
 * the machine's byte order. A torn or corrupt record ends the log: it and
 * anything after it are dropped at load, with a log line. A whole record (its
 * CRC matches) with an entry the daemon never writes (an unknown kind, a path
 * that is not a node's, a node without its parent) fails the load instead.
 *
 * Durability: a batch is written (and, with fsync on, fdatasync'ed) before
 * any reply acknowledging a change in it is sent. Compaction writes a new
 * file, syncs it, renames it over the old one and syncs the directory.
 */
#ifndef XS_JOURNAL_H
#define XS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "domain.h"
#include "node.h"
#include "tree.h"

/* A pending batch this big is written without waiting for the loop's turn. */
#define XS_JOURNAL_BATCH (1u << 20)

struct xs_journal {
	int fd;
	char *path;		/* <dir>/tern-xenstored.journal */
	char *tmp;		/* compaction's new file */
	char *dir;
	bool fsync;
	unsigned char *buf;	/* the batch being built */
	size_t len, cap;
	off_t size;		/* bytes in the file */
	off_t base;		/* size right after the last compaction */
	bool broken;		/* a write failed: compact before appending */
	unsigned long batches, syncs, compactions;
};

/* Creates dir if needed. Nothing is read or written yet. */
int xs_journal_open(struct xs_journal *j, const char *dir, bool fsync);
void xs_journal_close(struct xs_journal *j);
/*
 * Replays the log into an empty tree and domain list. -ENOENT if there is no
 * log yet. *dropped gets the bytes of torn or corrupt tail ignored.
 */
int xs_journal_load(struct xs_journal *j, struct xs_tree *t, struct xs_domains *ds,
		    size_t *dropped);
void xs_journal_put(struct xs_journal *j, const struct xs_node *n);
void xs_journal_del(struct xs_journal *j, const char *path);
void xs_journal_domain(struct xs_journal *j, const struct xs_domain *d);
void xs_journal_undomain(struct xs_journal *j, uint32_t domid);
/*
 * A domain's watches survive a restart too (its ring is re-attached, and a
 * guest never registers its watches again): added, removed, or all dropped
 * (RESET_WATCHES, a reconnected ring).
 */
void xs_journal_watch(struct xs_journal *j, uint32_t domid, const struct xs_watch *w);
void xs_journal_unwatch(struct xs_journal *j, uint32_t domid, const char *path,
			const char *token);
void xs_journal_unwatch_all(struct xs_journal *j, uint32_t domid);
/* Writes the pending batch (and syncs with fsync on). */
int xs_journal_commit(struct xs_journal *j);
bool xs_journal_wants_compaction(const struct xs_journal *j);
/* Replaces the log by the current store. */
int xs_journal_compact(struct xs_journal *j, struct xs_tree *t, struct xs_domains *ds);

#endif
