// swift-tools-version:6.2
import PackageDescription

// One target per room of ../shared/DESIGN.md. The `dependencies:` lists are the arrows: the
// compiler refuses an `import` that is not listed, so the rooms stay apart.
let package = Package(
    name: "outreach",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "outreach", targets: ["outreach"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/jpsim/Yams", "5.4.0"..<"7.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Tickets' QR codes: libqrencode for the matrix, libpng for the image.
        // A ticket's QR code as a PNG (Debian's libqrencode-dev and libpng-dev), behind a header of its own.
        .target(name: "CQRCode", linkerSettings: [.linkedLibrary("qrencode"), .linkedLibrary("png16")]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Plain values every room shares. No I/O.
        .target(name: "OutreachModel", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The database: the only target that imports GRDB or holds SQL.
        .target(name: "OutreachRegister", dependencies: [
            "OutreachModel", "CSQLite",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "OutreachImport", dependencies: [
            "OutreachModel", "OutreachRegister",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "OutreachLinks", dependencies: [
            "OutreachModel",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "OutreachCompose", dependencies: [
            "OutreachModel", "OutreachLinks", "CQRCode",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "OutreachCampaigns", dependencies: [
            "OutreachModel", "OutreachRegister", "OutreachCompose", "OutreachLinks",
        ]),
        .target(name: "OutreachDelivery", dependencies: [
            "OutreachModel", "OutreachRegister", "OutreachCompose", "OutreachCampaigns", "OutreachLinks", "CCurl",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "OutreachWeb", dependencies: [
            "OutreachModel", "OutreachRegister", "OutreachCompose", "OutreachLinks", "OutreachReports",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Figures of a campaign or a period, the SVG charts, the HTML report.
        .target(name: "OutreachReports", dependencies: ["OutreachModel", "OutreachRegister"]),
        // The bounce mailbox: IMAP over libcurl, what its reports mean, the polling service.
        .target(name: "OutreachBounces", dependencies: [
            "OutreachModel", "OutreachRegister", "OutreachLinks", "CCurl",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The one executable: wiring only.
        .executableTarget(name: "outreach", dependencies: [
            "OutreachModel", "OutreachRegister", "OutreachImport", "OutreachLinks", "OutreachCompose",
            "OutreachCampaigns", "OutreachDelivery", "OutreachWeb", "OutreachBounces", "OutreachReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Configuration", package: "swift-configuration"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        .testTarget(name: "OutreachModelTests", dependencies: ["OutreachModel"]),
        .testTarget(name: "OutreachRegisterTests", dependencies: [
            "OutreachRegister", "OutreachImport", "OutreachModel",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Clocks", package: "swift-clocks"),
        ]),
        .testTarget(name: "OutreachImportTests", dependencies: ["OutreachImport", "OutreachRegister", "OutreachModel", "OutreachCompose"]),
        .testTarget(name: "OutreachLinksTests", dependencies: ["OutreachLinks"]),
        .testTarget(name: "OutreachComposeTests", dependencies: ["OutreachCompose", "OutreachModel", "OutreachLinks"],
                    exclude: ["Golden"]),
        .testTarget(name: "OutreachDeliveryTests", dependencies: [
            "OutreachDelivery", "OutreachCampaigns", "OutreachRegister", "OutreachCompose", "OutreachLinks", "OutreachModel",
            .product(name: "Clocks", package: "swift-clocks"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "OutreachWebTests", dependencies: [
            "OutreachWeb", "OutreachCampaigns", "OutreachImport", "OutreachRegister", "OutreachCompose", "OutreachLinks", "OutreachModel",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            // Only to hold the register's write lock from outside, as another process would.
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "OutreachBouncesTests", dependencies: [
            "OutreachBounces", "OutreachRegister", "OutreachLinks", "OutreachModel",
            .product(name: "Clocks", package: "swift-clocks"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Report/Fixtures"]),
        .testTarget(name: "OutreachReportsTests", dependencies: ["OutreachReports", "OutreachRegister", "OutreachImport", "OutreachModel"]),
        .testTarget(name: "IntegrationTests", dependencies: ["OutreachCompose", "OutreachModel"]),
    ],
    swiftLanguageModes: [.v6]
)
