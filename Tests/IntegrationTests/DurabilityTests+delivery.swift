import Foundation
import Testing

/// Durable before told, for delivery (issues 22 and 28): a message's outcome is synced before its
/// worker's next final ".". The daemon sends to smtp-sink under `strace -f -yy`; on each
/// connection, the reply to a final "." marks an outcome, and the next final "." on that
/// connection (the last bytes sent after the next 354) must come after a write of the -wal that
/// follows the mark and a sync of the -wal that follows that write. With `synchronous = NORMAL`,
/// or a final "." that does not wait for the commit, it does not.
extension DurabilityTests {
    @Test func everyDeliveryOutcomeIsSyncedBeforeTheWorkersNextFinalDot() throws {
        let w = try Workspace.launched(240)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let trace = w.path("strace-delivery.txt")
        let daemon = try Daemon(w, smtpPort: sink.port, launcher: [
            "/usr/bin/strace", "-f", "-yy", "-ttt", "-s", "8", "-o", trace,
            "-e", "trace=fdatasync,fsync,pwrite64,sendto,recvfrom"])
        #expect(try w.finished(within: 120), "\(daemon.output)")
        if let pid = tracedPID(trace) { kill(pid, SIGTERM) }
        daemon.process.waitUntilExit()
        #expect(sink.countsByRecipient().count == 240)

        let check = finalDotsAfterSyncedOutcomes(try String(contentsOfFile: trace, encoding: .utf8), port: sink.port)
        #expect(check.connections >= 2, "several workers sent: \(check.connections) connections")
        #expect(check.followingDots >= 200, "final dots that follow an outcome on their connection: \(check.followingDots)")
        #expect(check.unsynced == 0, "\(check.unsynced) final dots went before the outcome before them was synced")
    }

    /// Walks the trace in order of completion. Per connection to the sink: after a 354 the sends
    /// are the body, the last of them (before the next reply) carrying the final "."; a 250 to it
    /// is an outcome, which the next final "." on that connection must find written and synced.
    func finalDotsAfterSyncedOutcomes(_ trace: String, port: Int) -> (connections: Int, followingDots: Int, unsynced: Int) {
        enum Owed { case write, sync, paid }
        var pending: [Substring: Substring] = [:]  // pid → the call it left unfinished
        var inBody: Set<Substring> = []  // connections between a 354 and the reply to their final "."
        var owed: [Substring: Owed] = [:]  // connection → what its last outcome still waits for
        var dotPaid: [Substring: Bool] = [:]  // connection → whether its latest body send came after the sync
        var connections: Set<Substring> = []
        var following = 0, unsynced = 0
        let sinkEnd = "->127.0.0.1:\(port)]"
        for line in trace.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3 else { continue }
            var call = fields[2]
            if call.contains("<unfinished ...>") { pending[fields[0]] = call; continue }
            if call.hasPrefix("<... ") {
                guard let first = pending.removeValue(forKey: fields[0]) else { continue }
                call = first + call
            }
            if call.contains("-wal>") {
                if call.hasPrefix("pwrite64(") {
                    for (c, o) in owed where o == .write { owed[c] = .sync }
                } else if (call.hasPrefix("fdatasync(") || call.hasPrefix("fsync(")) && call.hasSuffix("= 0") {
                    for (c, o) in owed where o == .sync { owed[c] = .paid }
                }
                continue
            }
            guard call.contains(sinkEnd), let open = call.firstIndex(of: "<"), let close = call.range(of: "]>") else { continue }
            let connection = call[open..<close.upperBound]
            connections.insert(connection)
            let data = call.drop { $0 != "\"" }.dropFirst()
            if call.hasPrefix("sendto(") && inBody.contains(connection) {
                dotPaid[connection] = owed[connection].map { $0 == .paid } ?? true
            } else if call.hasPrefix("recvfrom(") {
                if inBody.remove(connection) != nil {  // the reply to a final "."
                    if owed[connection] != nil {
                        following += 1
                        if dotPaid[connection] != true { unsynced += 1 }
                    }
                    owed[connection] = data.hasPrefix("250") ? .write : nil
                }
                if data.hasPrefix("354") { inBody.insert(connection) }
            }
        }
        return (connections.count, following, unsynced)
    }
}
