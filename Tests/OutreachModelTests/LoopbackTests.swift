import Testing
import OutreachModel

/// One rule for "this machine", used by the SMTP relay (STARTTLS optional), `http.base_url`
/// (plain http allowed) and the bounce mailbox (plain imap allowed).
@Suite struct LoopbackTests {
    @Test(arguments: ["smtp://127.0.0.1:2525", "smtp://127.8.9.10/ehlo.example", "smtp://localhost:25", "smtp://LOCALHOST",
                      "smtp://[::1]:2525", "http://localhost:8080", "http://127.0.0.1", "imap://user@127.0.0.1:143/INBOX",
                      "http://[0:0:0:0:0:0:0:1]:80/"])
    func literalLoopbackAddressesAndLocalhostAre(url: String) {
        #expect(Loopback.isLoopback(url: url))
    }

    @Test(arguments: ["smtp://127.mx.example.org:25", "smtp://127.0.0.1.evil.example", "http://127.evil.example:8080",
                      "smtp://10.0.0.1", "smtp://[::2]", "smtp://localhost.example.org", "smtp://mail.example.org",
                      "http://127.0.0.1@evil.example/", "smtp://", "not a url", "smtp://[::1"])
    func namesThatOnlyLookLocalAreNot(url: String) {
        #expect(!Loopback.isLoopback(url: url))
    }

    @Test func hostsWithOrWithoutBrackets() {
        #expect(Loopback.isLoopback(host: "::1"))
        #expect(Loopback.isLoopback(host: "[::1]"))
        #expect(Loopback.isLoopback(host: "127.255.255.254"))
        #expect(!Loopback.isLoopback(host: "127.mx.example.org"))
        #expect(!Loopback.isLoopback(host: "128.0.0.1"))
    }
}
