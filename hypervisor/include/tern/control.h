/* What sysctl and domctl report, shared by both. */
#ifndef TERN_CONTROL_H
#define TERN_CONTROL_H

#include <public/sysctl.h>
#include <tern/domain.h>

void control_domaininfo(struct domain *d, struct tern_domaininfo *info);
void control_physinfo(struct tern_sysctl_physinfo *pi);

#endif
