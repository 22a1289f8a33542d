import ArgumentParser
import Foundation
import Logging
import Metrics
import OutreachCompose
import OutreachDelivery
import OutreachLinks
import OutreachModel
import OutreachRegister
import OutreachWeb
import Prometheus
import ServiceLifecycle

/// `outreach serve`: the daemon (delivery workers and the HTTP server).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon: deliver what is queued and answer the links.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The least important messages to log.") var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "outreach")

        // Each transaction of the daemon touches a few pages (a batch of outbox rows, one
        // contact): a small page cache per connection keeps its memory flat at the same speed.
        let (settings, register) = try await global.register(pageCacheKiB: 512)
        try checkBaseURL(settings.httpBaseURL)
        let links = try settings.links()
        _ = try settings.dkimSigner()  // a DKIM key that cannot be used stops the daemon now, not at its first campaign
        let web = try WebContext(register: register, settings: settings, links: links, metrics: registry)
        let app = try buildApplication(web, logger: logger)
        let delivery = DeliveryService(context: DeliveryContext(register: register, settings: settings, links: links, logger: logger),
                                       clock: ContinuousClock())
        // Stopped in reverse order: delivery drains while the HTTP server keeps answering links,
        // and the log is checkpointed until both are done.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: WALCheckpointer(register: register, clock: ContinuousClock(), logger: logger)), .init(service: app), .init(service: delivery)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.info("outreach serve", metadata: ["http.bind": "\(settings.httpBind)", "smtp.url": "\(settings.smtpURL)",
                                                  "database.path": "\(settings.databasePath)"])
        try await group.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
