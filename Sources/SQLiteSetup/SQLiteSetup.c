#include <sqlite3.h>
#include "SQLiteSetup.h"

// sqlite3_config is a C variadic function, which Swift cannot call.
int ect_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
