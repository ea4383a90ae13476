// What Swift cannot call directly: a C variadic function, and a GNU extension.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sqlite3.h>
#include <unistd.h>
#include "CSupport.h"

int ect_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int ect_sync_file_system(const char *path) {
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return -1;
#ifdef __linux__
    int result = syncfs(descriptor);
#else
    sync();  // no per-file-system call elsewhere
    int result = 0;
#endif
    close(descriptor);
    return result;
}

int ect_rename_no_replace(const char *from, const char *to) {
#ifdef __linux__
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
#endif
    // No RENAME_NOREPLACE on this file system: a hard link never replaces, then unlink.
    if (link(from, to) != 0) return -1;
    return unlink(from);
}
