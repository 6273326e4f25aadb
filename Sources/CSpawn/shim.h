#ifndef FEEDD_CSPAWN_SHIM_H
#define FEEDD_CSPAWN_SHIM_H

/* glibc (2.34 and later) declares this only under _GNU_SOURCE, which Swift's Glibc module is built without:
   declared again here so that a child can be started with no descriptor of its parent's beyond 0, 1 and 2. */
#include <spawn.h>

extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int lowest);

#endif
