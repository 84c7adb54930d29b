/* What this build of tern is; xen_version and `xl info` report it later. */
#ifndef TERN_VERSION_H
#define TERN_VERSION_H

#define TERN_VERSION_MAJOR 0
#define TERN_VERSION_MINOR 1
#define TERN_VERSION_EXTRA "-dev"

extern const char tern_compiler[]; /* "gcc (Debian 12.2.0-14) 12.2.0" */
extern const char tern_compile_date[];
extern const char tern_changeset[]; /* git commit of the build, or "unknown" */
extern const char tern_build_id[];  /* hex digest identifying this build */

#endif
