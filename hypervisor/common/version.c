/* Build facts, filled in by the build (see hypervisor/build.mk). */
#include <tern/version.h>

const char tern_compiler[] = TERN_COMPILER;
const char tern_compile_date[] = TERN_COMPILE_DATE;
const char tern_changeset[] = TERN_CHANGESET;
const char tern_build_id[] = TERN_BUILD_ID;
