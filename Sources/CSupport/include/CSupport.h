#ifndef ECT_C_SUPPORT_H
#define ECT_C_SUPPORT_H

/// Turns off SQLite's memory statistics, which take a process-wide mutex on every
/// allocation. Takes effect only before SQLite's first use in the process; returns
/// SQLite's result code (SQLITE_MISUSE when it came too late, which is harmless).
int ect_sqlite_disable_memory_statistics(void);

/// Writes to disk everything cached for the file system holding `path`; 0 on success,
/// else -1 with errno set.
int ect_sync_file_system(const char *path);

/// Renames `from` to `to` unless something is already at `to` (then -1 with errno EEXIST):
/// never replaces a file. 0 on success, else -1 with errno set.
int ect_rename_no_replace(const char *from, const char *to);

#endif
