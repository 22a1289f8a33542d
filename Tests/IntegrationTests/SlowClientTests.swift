import Foundation
import Testing

/// `outreach serve` under clients that are slow, idle, many or malformed: none of them may hold
/// the daemon so that another person cannot unsubscribe (issue 14). Each test talks to a daemon
/// of its own over plain sockets, with short limits set through the environment.
@Suite struct SlowClientTests {
    func daemon(_ w: Workspace, read: String = "1s", idle: String = "30s", max: Int = 1000, launcher: [String] = []) throws -> Daemon {
        try Daemon(w, smtpPort: freePort(), extra: ["OUTREACH_HTTP_READ_TIMEOUT": read, "OUTREACH_HTTP_IDLE_TIMEOUT": idle,
                                                     "OUTREACH_HTTP_MAX_CONNECTIONS": "\(max)"], launcher: launcher)
    }

    @Test func aRequestHeadSentSlowlyIsCutOffAtTheReadTimeout() throws {
        let w = try Workspace()
        let d = try daemon(w)
        defer { d.stop() }
        let c = try #require(RawConnection(port: d.httpPort))
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        let started = Date()
        var closed = false
        // A header line every 300 ms, never the end of the head (slowloris).
        for i in 0..<15 where !closed {
            closed = !c.send("X-\(i): y\r\n") || c.closedByServer(within: 0.3)
        }
        #expect(closed, "still open after \(Date().timeIntervalSince(started)) s")
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func aBodyThatNeverArrivesInFullIsCutOff() throws {
        let w = try Workspace()
        let d = try daemon(w)
        defer { d.stop() }
        let c = try #require(RawConnection(port: d.httpPort))
        c.send("POST /u/AAAA HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n0123456789")
        #expect(c.closedByServer(within: 3))
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        let w = try Workspace()
        let d = try daemon(w, idle: "2s")
        defer { d.stop() }
        let c = try #require(RawConnection(port: d.httpPort))
        #expect(c.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: 5)?.hasPrefix("HTTP/1.1 200") == true)
        #expect(!c.closedByServer(within: 1.2), "idle for longer than the read timeout, shorter than the idle one: kept")
        #expect(c.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: 5)?.hasPrefix("HTTP/1.1 200") == true, "keep-alive works")
        #expect(c.closedByServer(within: 4))
    }

    @Test func atTheLimitTheConnectionIdleLongestMakesRoom() throws {
        let w = try Workspace()
        let d = try daemon(w, read: "30s", max: 20)
        defer { d.stop() }
        var idle: [RawConnection] = []
        for _ in 0..<20 {
            idle.append(try #require(RawConnection(port: d.httpPort)))
            usleep(20_000)
        }
        let c = try #require(RawConnection(port: d.httpPort))
        #expect(c.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: 2)?.hasPrefix("HTTP/1.1 200") == true)
        #expect(idle[0].closedByServer(within: 2), "the connection idle longest was closed")
        #expect(!idle[19].closedByServer(within: 0.2), "the newest is still there")
    }

    /// 1,500 connections that never send a byte to a daemon whose open-file limit (1,200 here)
    /// cannot hold them all: it keeps its own below `http.max_connections` (1,000 by default)
    /// and still answers `/healthz` within 2 s.
    @Test func fifteenHundredIdleConnectionsStillLeaveRoomForHealthz() throws {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 2_000 {
            limit.rlim_cur = min(limit.rlim_max, 4_096)
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        let w = try Workspace()
        let d = try Daemon(w, smtpPort: freePort(), extra: ["OUTREACH_HTTP_READ_TIMEOUT": "60s", "OUTREACH_HTTP_IDLE_TIMEOUT": "60s"],
                           launcher: ["/usr/bin/prlimit", "--nofile=1200:1200", "--"])
        defer { d.stop() }
        var idle: [RawConnection] = []
        for _ in 0..<1500 {
            // (A full accept queue drops a SYN; the kernel sends it again after a second.)
            guard let c = RawConnection(port: d.httpPort, timeout: 5) else { break }
            idle.append(c)
        }
        #expect(idle.count == 1500)
        let started = Date()
        let c = RawConnection(port: d.httpPort, timeout: 2)
        let answer = c?.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: max(0.1, 2 - Date().timeIntervalSince(started)))
        #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(d.output.suffix(2000))")
        #expect(Date().timeIntervalSince(started) < 2)
    }
}
