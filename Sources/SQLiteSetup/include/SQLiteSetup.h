#ifndef ECT_SQLITE_SETUP_H
#define ECT_SQLITE_SETUP_H

/// Turns off SQLite's memory statistics, which take a process-wide mutex on every
/// allocation. Takes effect only before SQLite's first use in the process; returns
/// SQLite's result code (SQLITE_MISUSE when it came too late, which is harmless).
int ect_sqlite_disable_memory_statistics(void);

#endif
