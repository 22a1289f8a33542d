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

/// Turns the connection's triggers off (0) or back on (1). A launch writes the outbox tally once
/// for its whole statement instead of one trigger program per inserted row.
static inline int outreach_sqlite_enable_triggers(sqlite3 *db, int on) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on, (int *)0);
}
#endif
