/*
 * xl's guest-domain commands (xl_create.c, xl_domain.c): they talk to the
 * hypervisor through libternctl and to xenstored directly, not through
 * struct xl_backend (whose canned data covers the read-only commands).
 */
#ifndef TERN_XL_DOMAIN_H
#define TERN_XL_DOMAIN_H

#include "ternctl.h"
#include "xl.h"

int xl_cmd_create(struct xl_env *env, int argc, char **argv);
int xl_cmd_shutdown(struct xl_env *env, int argc, char **argv);
int xl_cmd_reboot(struct xl_env *env, int argc, char **argv);
int xl_cmd_destroy(struct xl_env *env, int argc, char **argv);
int xl_cmd_pause(struct xl_env *env, int argc, char **argv);
int xl_cmd_unpause(struct xl_env *env, int argc, char **argv);
int xl_cmd_domid(struct xl_env *env, int argc, char **argv);
int xl_cmd_domname(struct xl_env *env, int argc, char **argv);
int xl_cmd_uptime(struct xl_env *env, int argc, char **argv);
int xl_cmd_sysrq(struct xl_env *env, int argc, char **argv);

/* privcmd for these commands (after xl_open's checks); NULL after a message. */
struct tc_handle *xl_dom_tc(struct xl_env *env);
/*
 * A xenstore connection; on failure prints "xenstored is not running: start
 * xencommons" (or the error) and returns -errno. Requests time out after
 * 30 s so a stuck daemon cannot hang xl.
 */
int xl_dom_xs(struct xl_env *env, struct tc_xs *xs);
/* Destroys a domain and removes its xenstore nodes; 0 or -errno. */
int xl_dom_destroy(struct tc_handle *h, uint16_t domid);
int xl_dom_pause(struct tc_handle *h, uint16_t domid, int pause);

#endif
