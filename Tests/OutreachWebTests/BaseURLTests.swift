import Testing
import OutreachWeb

/// `http.base_url` builds every link: plain http only when it points at this machine.
@Suite struct BaseURLTests {
    @Test(arguments: ["http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "https://invite.cantho.gov.vn"])
    func acceptsHttpsOrThisMachine(url: String) throws {
        try checkBaseURL(url)
    }

    @Test(arguments: ["http://127.links.example.org", "http://127.0.0.1.example.org/", "http://invite.cantho.gov.vn"])
    func refusesPlainHttpToANameThatOnlyLooksLocal(url: String) {
        #expect { try checkBaseURL(url) } throws: { "\($0)".contains("http.base_url") && "\($0)".contains("must be https") }
    }
}
