import ArgumentParser
import Foundation
import Logging
import Metrics
import OutreachBounces
import OutreachCampaigns
import OutreachCompose
import OutreachDelivery
import OutreachLinks
import OutreachModel
import OutreachRegister
import OutreachWeb
import Prometheus
import ServiceLifecycle

/// `outreach serve`: the daemon (delivery workers, the bounce mailbox and the HTTP server).
struct Serve: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "serve", abstract: StaffText.say("help.serve.abstract")) }
    @OptionGroup var global: GlobalOptions
    @Option(help: staffHelp("help.serve.log_level")) var logLevel: Logger.Level = .info

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = CleanedLogHandler(inner: StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "outreach")

        // Each transaction of the daemon touches a few pages (a batch of outbox rows, one
        // contact): a small page cache per connection keeps its memory flat at the same speed.
        let (loaded, register) = try await global.register(pageCacheKiB: 512)
        var settings = loaded
        try checkBaseURL(settings.httpBaseURL)
        settings.httpMaxConnections = Serve.fitConnections(settings.httpMaxConnections, logger: logger)
        let links = try register.links(settings)
        // Read once: a DKIM key that cannot be used stops the daemon now, not at its first campaign.
        let signer = try settings.dkimSigner()
        let web = try WebContext(register: register, settings: settings, links: links, metrics: registry)
        let app = try buildApplication(web, logger: logger)
        let staffApp = try buildStaffApplication(web, logger: logger)
        let deliveryContext = DeliveryContext(register: register, settings: settings, links: links, logger: logger, signer: signer)
        let delivery = DeliveryService(context: deliveryContext, clock: ContinuousClock())
        // Stopped in reverse order: delivery drains while the HTTP server keeps answering links,
        // and the log is checkpointed until both are done.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: WALCheckpointer(register: register, clock: ContinuousClock(), logger: logger)), .init(service: app),
            .init(service: staffApp),
        ]
        if settings.bouncesMailboxURL != nil {
            services.append(.init(service: try BounceMailboxService(settings: settings, register: register, links: links, logger: logger,
                                                                    clock: ContinuousClock())))
        }
        services.append(.init(service: delivery))
        // Offers of freed seats and tickets, through the same relays, DKIM key and rate limits.
        services.append(.init(service: try SeatMailService(context: deliveryContext, clock: ContinuousClock())))
        services.append(.init(service: try PersonalMailService(register: register, settings: settings, links: links, signer: signer,
                                                               logger: logger, clock: ContinuousClock())))
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.info("outreach serve", metadata: ["http.bind": "\(settings.httpBind)", "staff.bind": "\(settings.staffBind)", "smtp.url": "\(settings.smtpURL)",
                                                  "http.max_connections": "\(settings.httpMaxConnections)",
                                                  "database.path": "\(settings.databasePath)"])
        try await group.run()
    }
}

extension Serve {
    /// Descriptors kept for everything but client connections: the database, the SMTP
    /// connections, the lock, the log, the listening socket.
    static let reservedDescriptors = 64

    /// Raises the process's open-file limit to its hard limit, and lowers `http.max_connections`
    /// when even that cannot hold them all: a server out of descriptors can accept no one, not
    /// even the client it would close an idle connection for.
    static func fitConnections(_ wanted: Int, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let room = Int(clamping: limit.rlim_cur) - reservedDescriptors
        guard wanted > room else { return wanted }
        let fitted = max(1, room)
        logger.warning("http.max_connections lowered to fit the open-file limit",
                       metadata: ["http.max_connections": "\(fitted)", "process.open_file_limit": "\(limit.rlim_cur)"])
        return fitted
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
