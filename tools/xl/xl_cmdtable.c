/* The commands xl knows, with the usage text `xl help <cmd>` prints. */
#include <string.h>

#include "xl.h"
#include "xl_domain.h"

const struct xl_cmd xl_cmdtable[] = {
	{ "list", xl_cmd_list, "List information about all/some domains",
	  "[options] [Domain]",
	  "-l, --long              Output all VM details\n"
	  "-v, --verbose           Prints out UUIDs and security context\n" },
	{ "dmesg", xl_cmd_dmesg, "Read and/or clear dmesg buffer",
	  "[-c]",
	  "  -c                        Clear dmesg buffer as well as printing it" },
	{ "debug-keys", xl_cmd_debug_keys, "Send debug keys to Xen", "<Keys>", "" },
	{ "info", xl_cmd_info, "Get information about Xen host",
	  "[-x|--xenstore] [FIELD]",
	  "-x, --xenstore          Show xenstore features" },
	{ "create", xl_cmd_create, "Create a domain from config file <filename>",
	  "<ConfigFile> [options] [vars]",
	  "-h                      Print this help.\n"
	  "-p                      Leave the domain paused after it is created.\n"
	  "-c                      Connect to the console after the domain is created.\n"
	  "-f FILE, --defconfig=FILE\n"
	  "                        Use the given configuration file.\n"
	  "-n, --dryrun            Dry run - prints the resulting configuration.\n"
	  "-q, --quiet             Quiet.\n"
	  "-e                      Do not wait in the background for the death of the domain.\n"
	  "-F                      Run in foreground until death of the domain." },
	{ "shutdown", xl_cmd_shutdown, "Issue a shutdown signal to a domain",
	  "[options] <-a|Domain>",
	  "-a, --all               Shutdown all guest domains.\n"
	  "-h                      Print this help.\n"
	  "-F                      Fallback to ACPI power event for HVM guests with\n"
	  "                        no PV drivers.\n"
	  "-w, --wait              Wait for guest(s) to shutdown.\n" },
	{ "reboot", xl_cmd_reboot, "Issue a reboot signal to a domain",
	  "[options] <-a|Domain>",
	  "-a, --all               Shutdown all guest domains.\n"
	  "-h                      Print this help.\n"
	  "-F                      Fallback to ACPI reset event for HVM guests with\n"
	  "                        no PV drivers.\n"
	  "-w, --wait              Wait for guest(s) to reboot.\n" },
	{ "destroy", xl_cmd_destroy, "Terminate a domain immediately",
	  "[options] <Domain>",
	  "-f                      Permit destroying domain 0, which will only succeed\n"
	  "                        when run from disaggregated toolstack domain with a\n"
	  "                        hardware domain distinct from domain 0." },
	{ "sysrq", xl_cmd_sysrq, "Send a sysrq to a domain", "<Domain> <letter>", "" },
	{ "pause", xl_cmd_pause, "Pause execution of a domain", "<Domain>", "" },
	{ "unpause", xl_cmd_unpause, "Unpause a paused domain", "<Domain>", "" },
	{ "domid", xl_cmd_domid, "Convert a domain name to domain id", "<DomainName>", "" },
	{ "domname", xl_cmd_domname, "Convert a domain id to domain name", "<DomainId>", "" },
	{ "uptime", xl_cmd_uptime, "Print uptime for all/some domains",
	  "[-s] [Domain]", "-s                      Uptime in short format" },
	{ "vcpu-list", xl_cmd_vcpu_list, "List the VCPUs for all/some domains",
	  "[Domain, ...]", "" },
	{ "sched-credit", xl_cmd_sched_credit, "Get/set the credit scheduler parameters",
	  "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s] [-p CPUPOOL]",
	  "-d DOMAIN, --domain=DOMAIN        The domain to show or change\n"
	  "-w WEIGHT, --weight=WEIGHT        Its share under contention, 1-65535 (default 256)\n"
	  "-c CAP,    --cap=CAP              Its limit in % of one pCPU, 0 = none\n"
	  "-s,        --schedparam           Show the scheduler's own parameters (fixed)\n"
	  "-p CPUPOOL, --cpupool=CPUPOOL     Only this cpupool (tern has Pool-0)" },
	{ "block-attach", xl_cmd_block_attach, "Create a new virtual block device",
	  "<Domain> <disk-spec-component(s)>...",
	  "" },
	{ "block-list", xl_cmd_block_list, "List virtual block devices for a domain",
	  "<Domain(s)>", "" },
	{ "block-detach", xl_cmd_block_detach, "Destroy a domain's virtual block device",
	  "[-f] <Domain> <DevId>",
	  "-f                      Force: remove the device even if the guest does not let go\n"
	  "                        of it within 10 s.\n"
	  "DevId may be the device number (51712) or the vdev (xvda)." },
	{ "network-attach", xl_cmd_network_attach, "Create a new virtual network device",
	  "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] "
	  "[backend=<BackDomain>] [vifname=<name>] [rate=<rate>] [model=<model>] [accel=<accel>] "
	  "[mtu=<mtu>]", "" },
	{ "network-list", xl_cmd_network_list, "List virtual network interfaces for a domain",
	  "<Domain(s)>", "" },
	{ "network-detach", xl_cmd_network_detach, "Destroy a domain's virtual network device",
	  "<Domain> <DevId|mac>", "" },
	{ "console", xl_cmd_console, "Attach to domain's console", "[options] <Domain>",
	  "-t <type>       console type, pv , serial or vuart\n-n <number>     console number\n-e <escape>     escape character" },
};
const unsigned xl_cmdtable_len = sizeof(xl_cmdtable) / sizeof(xl_cmdtable[0]);

const struct xl_cmd *xl_cmd_lookup(const char *name)
{
	const struct xl_cmd *found = NULL;
	size_t len = strlen(name);

	if (len == 0)
		return NULL;
	for (unsigned i = 0; i < xl_cmdtable_len; i++) {
		if (strcmp(xl_cmdtable[i].name, name) == 0)
			return &xl_cmdtable[i];
		if (strncmp(xl_cmdtable[i].name, name, len) == 0) {
			if (found)
				return NULL; /* ambiguous */
			found = &xl_cmdtable[i];
		}
	}
	return found;
}

void xl_usage(struct xl_env *env, FILE *f, const char *cmd)
{
	const struct xl_cmd *c = cmd ? xl_cmd_lookup(cmd) : NULL;

	(void)env;
	if (!c) {
		fprintf(f, "Usage xl [-vfNtT] <subcommand> [args]\n\n");
		fprintf(f, "xl full list of subcommands:\n\n");
		for (unsigned i = 0; i < xl_cmdtable_len; i++)
			fprintf(f, " %-19s %s\n\n", xl_cmdtable[i].name, xl_cmdtable[i].summary);
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "Usage: xl [-v] %s %s\n\n%s.\n\n", c->name, c->usage, c->summary);
	if (c->options && *c->options)
		fprintf(f, "Options:\n\n%s\n", c->options);
}
