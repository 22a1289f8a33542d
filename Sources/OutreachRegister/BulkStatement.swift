import GRDB
import OutreachModel
import GRDBSQLite

/// A prepared statement bound and stepped through SQLite's C API, for the bulk paths (an import
/// stages hundreds of thousands of rows) where GRDB's `StatementArguments` (an array of boxed
/// values per row) cost more than SQLite's own work.
///
/// Parameters are numbered from 1, as in SQL. Text is copied by SQLite when bound, so the
/// Swift strings need not outlive the call.
struct BulkStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
    }

    func bind(_ index: Int32, _ text: String?) {
        guard var text else { sqlite3_bind_null(handle, index); return }
        text.withUTF8 { utf8 in
            // An empty buffer may have no address; a null pointer would bind NULL, not ''.
            if utf8.isEmpty { sqlite3_bind_text(handle, index, "", 0, nil) } else {
                sqlite3_bind_text(handle, index, utf8.baseAddress, Int32(utf8.count), SQLITE_TRANSIENT)
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Runs the statement once with the values bound, then resets it for the next row.
    func execute() throws {
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }
}

/// SQLite's "copy this buffer now" destructor, which the C header spells as a cast of -1.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
