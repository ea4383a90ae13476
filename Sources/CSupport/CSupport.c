// What Swift cannot call directly: a C variadic function, and a GNU extension.
#define _GNU_SOURCE
#include <fcntl.h>
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
