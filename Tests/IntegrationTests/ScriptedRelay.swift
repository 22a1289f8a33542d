import Foundation

/// A tiny SMTP peer on loopback that answers every message's final "." with a reply smtp-sink
/// cannot give (an out-of-range code, a reply too long for libcurl); everything else is a plain
/// 250. A Python script in a child process, as smtp-sink is one: it holds each connection as
/// long as the client does.
final class ScriptedRelay {
    let port: Int
    private let process = Process()

    /// The script: `final` is the reply line after the final "."; `LONG:n` is a 250 of n bytes.
    static let script = #"""
    import socket, sys, threading
    port, final = int(sys.argv[1]), sys.argv[2].encode()
    if final.startswith(b"LONG:"):
        final = b"250 " + b"x" * int(final[5:])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    def serve(c):
        f = c.makefile("rb")
        try:
            c.sendall(b"220 scripted ESMTP\r\n")
            while True:
                line = f.readline()
                if not line:
                    break
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    c.sendall(b"250-scripted\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    c.sendall(b"354 go ahead\r\n")
                    while f.readline() not in (b".\r\n", b""):
                        pass
                    c.sendall(final + b"\r\n")
                elif verb == b"QUIT":
                    c.sendall(b"221 bye\r\n")
                    break
                else:
                    c.sendall(b"250 ok\r\n")
        except OSError:
            pass
        c.close()
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
    """#

    init(finalReply: String, folder: URL) throws {
        port = freePort()
        let script = folder.appendingPathComponent("scripted-relay.py")
        try Data(Self.script.utf8).write(to: script)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "\(port)", finalReply]
        try process.run()
        guard waitUntil(10, { listening(port) }) else { throw CocoaError(.featureUnsupported) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
