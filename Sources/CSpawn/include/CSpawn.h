#ifndef EPHEMGATE_CSPAWN_H
#define EPHEMGATE_CSPAWN_H

#include <sys/types.h>

/// posix_spawn(3) of `path` with `argv`/`envp` (NULL-terminated), the child set up as a Functions
/// host sets up a worker: standard input from /dev/null, standard output and error onto `out_fd`
/// and `err_fd` (-1: /dev/null), working directory `cwd` (NULL: inherited), every other descriptor
/// closed, default signal dispositions and an empty signal mask. Returns 0, or an errno value.
int ephemgate_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd, int out_fd, int err_fd);

#endif
