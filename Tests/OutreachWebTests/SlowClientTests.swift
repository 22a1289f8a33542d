import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OutreachModel
import Testing
@testable import OutreachWeb

/// The live server under clients that are slow, idle, many or malformed: nobody may hold it so
/// that another person cannot unsubscribe (issue 14). Serialized: one of them lowers the
/// process's open-file limit for a while.
@Suite(.serialized) struct SlowClientTests {
    /// The daemon's application on a free port, with these limits. `body` talks to it with
    /// blocking sockets: it holds one thread of the cooperative pool while the server's handlers
    /// use the others (hence one test at a time).
    func live(_ limits: ConnectionLimits, _ body: @escaping @Sendable (Int) throws -> Void) async throws {
        let f = try Fixture(configure: {
            $0.httpBind = "127.0.0.1:0"
            ($0.httpReadTimeout, $0.httpIdleTimeout, $0.httpMaxConnections) = (limits.readTimeout, limits.idleTimeout, limits.maxConnections)
        })
        let app = try buildApplication(f.web, logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try body(try #require(client.port))
        }
    }

    @Test func aRequestHeadSentSlowlyIsCutOffAtTheReadTimeout() async throws {
        try await live(.init(readTimeout: .seconds(1), idleTimeout: .seconds(30), maxConnections: 100)) { port in
            let c = try #require(RawConnection(port: port))
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
    }

    @Test func aBodyThatNeverArrivesInFullIsCutOff() async throws {
        try await live(.init(readTimeout: .seconds(1), idleTimeout: .seconds(30), maxConnections: 100)) { port in
            let c = try #require(RawConnection(port: port))
            c.send("POST /u/AAAA HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n0123456789")
            #expect(c.closedByServer(within: 3))
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await live(.init(readTimeout: .seconds(1), idleTimeout: .seconds(2), maxConnections: 100)) { port in
            let c = try #require(RawConnection(port: port))
            let answer = c.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: 5)
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true)
            #expect(!c.closedByServer(within: 1.2), "idle, but not for long: kept (longer than the read timeout)")
            let second = c.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: 5)
            #expect(second?.hasPrefix("HTTP/1.1 200") == true, "keep-alive still works")
            #expect(c.closedByServer(within: 4))
        }
    }

    @Test func atTheLimitTheConnectionIdleLongestMakesRoom() async throws {
        try await live(.init(readTimeout: .seconds(30), idleTimeout: .seconds(30), maxConnections: 20)) { port in
            var idle: [RawConnection] = []
            for _ in 0..<20 {
                idle.append(try #require(RawConnection(port: port)))
                usleep(20_000)
            }
            let c = try #require(RawConnection(port: port))
            let answer = c.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: 2)
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true)
            #expect(idle[0].closedByServer(within: 2), "the oldest idle connection was closed")
            #expect(!idle[19].closedByServer(within: 0.2), "the newest is still there")
        }
    }

    @Test func theParsersOwnErrorsCarryTheSecurityHeaders() async throws {
        try await live(.init()) { port in
            let c = try #require(RawConnection(port: port))
            c.send("GARBAGE \u{1}\u{2}\r\n\r\n")
            let answer = c.readAll(within: 3)
            #expect(answer.hasPrefix("HTTP/1.1 400"))
            #expect(answer.lowercased().contains("content-security-policy: default-src 'none'"))
            #expect(answer.lowercased().contains("x-content-type-options: nosniff"))
        }
    }

    /// 1,500 connections that never send a byte, in a process whose descriptors cannot hold
    /// twice as many (the server's ends and the clients' share it here): the server keeps its
    /// own below `http.max_connections` and still answers `/healthz` within 2 s.
    @Test func fifteenHundredIdleConnectionsStillLeaveRoomForHealthz() async throws {
        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved)
        var limited = saved
        limited.rlim_cur = min(saved.rlim_max, 2_800)
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limited)
        defer { setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved) }
        try await live(.init(readTimeout: .seconds(60), idleTimeout: .seconds(60), maxConnections: 1000)) { port in
            var idle: [RawConnection] = []
            for _ in 0..<1500 {
                // (A full accept queue drops a SYN; the kernel sends it again after a second.)
                guard let c = RawConnection(port: port, timeout: 5) else { break }
                idle.append(c)
            }
            #expect(idle.count == 1500)
            let started = Date()
            let c = RawConnection(port: port, timeout: 2)
            let answer = c?.exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", within: max(0.1, 2 - Date().timeIntervalSince(started)))
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true)
            #expect(Date().timeIntervalSince(started) < 2)
        }
    }
}
