/*
 * XenbusState: the state each end of a split device publishes in its
 * xenstore directory (key "state"), with Xen's numbers.
 */
#ifndef TERN_XEN_IO_XENBUS_H
#define TERN_XEN_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,     /* backend: features written, waiting for the frontend */
	XenbusStateInitialised = 3,  /* frontend: rings and channels published */
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured = 8,
};

#endif
