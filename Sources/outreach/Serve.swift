import ArgumentParser
import OutreachCore

/// `outreach serve`: the daemon (delivery workers and the HTTP server).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon: deliver what is queued and answer the links.")
    @OptionGroup var global: GlobalOptions
    func run() async throws {}
}
