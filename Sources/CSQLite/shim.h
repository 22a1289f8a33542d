#ifndef OUTREACH_CSQLITE_SHIM_H
#define OUTREACH_CSQLITE_SHIM_H
// Typed entry points for the variadic sqlite3_db_config calls Outreach makes (Swift cannot call
// C variadic functions; GRDB does not wrap these).
#include <sqlite3.h>

/// The connection leaves the WAL to the next checkpoint (the daemon's background checkpointer)
/// instead of checkpointing when it closes as the last connection.
static inline int outreach_sqlite_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
#endif
