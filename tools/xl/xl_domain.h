/*
 * xl's guest-domain commands (xl_create.c, xl_domain.c): they talk to the
 * hypervisor through libternctl and to xenstored directly, not through
 * struct xl_backend (whose canned data covers the read-only commands).
 */
#ifndef TERN_XL_DOMAIN_H
#define TERN_XL_DOMAIN_H

#include "ternctl.h"
#include "xl.h"
#include "xlcfg.h"

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
int xl_cmd_block_attach(struct xl_env *env, int argc, char **argv);
int xl_cmd_block_detach(struct xl_env *env, int argc, char **argv);
int xl_cmd_block_list(struct xl_env *env, int argc, char **argv);
int xl_cmd_network_attach(struct xl_env *env, int argc, char **argv);
int xl_cmd_network_detach(struct xl_env *env, int argc, char **argv);
int xl_cmd_network_list(struct xl_env *env, int argc, char **argv);

/* A disk's format, backend and target, before anything is built: 0, or 1
 * after a message naming the disk line. */
int xl_block_check(struct xl_env *env, const struct xlcfg_disk *disk);
/* Adds a disk to a domain (its nodes, InitWait, the hotplug script); 0 or -errno after a message. */
int xl_block_add(struct xl_env *env, struct tc_xs *xs, uint16_t domid, const struct xlcfg_disk *d);

/* A vif's backend, name and script, before anything is built: 0, or 1
 * after a message naming the vif line. */
int xl_nic_check(struct xl_env *env, const struct xlcfg_vif *v);
/* What xl chooses for a vif the config leaves open: a random MAC in Xen's
 * 00:16:3e range (once: the config keeps it for the domain's life). */
void xl_nic_defaults(struct xlcfg_vif *v);
/* Adds a vif to a domain (its nodes, InitWait, the hotplug script); 0 or -errno after a message. */
int xl_nic_add(struct xl_env *env, struct tc_xs *xs, uint16_t domid, const struct xlcfg_vif *v);

/* privcmd for these commands (after xl_open's checks); NULL after a message. */
struct tc_handle *xl_dom_tc(struct xl_env *env);
/*
 * A xenstore connection; on failure prints "xenstored is not running: start
 * xencommons" (or the error) and returns -errno. Requests time out after
 * 30 s so a stuck daemon cannot hang xl.
 */
int xl_dom_xs(struct xl_env *env, struct tc_xs *xs);
/* Domain argument: digits are a domid, else a name from xenstore. 0 or exit status. */
int xl_dom_resolve(struct xl_env *env, const char *arg, uint16_t *domid);
/* The domid whose /local/domain/N/name is name; -ENOENT if none. */
int xl_dom_find_name(struct tc_xs *xs, const char *name, uint16_t *domid);
/* Destroys a domain, removes its devices (backends, hotplug scripts) and
 * its xenstore nodes; 0 or -errno. */
int xl_dom_destroy(struct xl_env *env, struct tc_handle *h, uint16_t domid);
int xl_dom_pause(struct tc_handle *h, uint16_t domid, int pause);

#endif
