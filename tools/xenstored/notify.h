/* Turns changes into WATCH_EVENT messages for every watcher allowed to see them. */
#ifndef XS_NOTIFY_H
#define XS_NOTIFY_H

#include "change.h"
#include "daemon.h"

void xs_notify(struct xs_daemon *d, const struct xs_changes *ch);
/* Fires @introduceDomain or @releaseDomain for domid. */
void xs_notify_special(struct xs_daemon *d, const char *name, uint32_t domid);
/* Queues one event on c. */
void xs_notify_send(struct xs_conn *c, const char *path, const char *token);

#endif
