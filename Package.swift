// swift-tools-version:6.0
import PackageDescription

// Linux only: the daemon and its tools use Glibc, systemd and the Debian packages of libcurl and libxml2, so no
// Apple platform is declared. The products are what `make install` ships; `feedbench` (the benchmarks, which
// use the tests' support code) is an executable target of this package only: `swift run -c release feedbench`.
let package = Package(
    name: "feedd",
    products: [
        .executable(name: "feedd", targets: ["feedd"]),
        .executable(name: "feedctl", targets: ["feedctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // HMAC-SHA256 for webhook signatures; scrypt (CryptoExtras) for the sync API's password hashes.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // The sync API's HTTP server (on SwiftNIO), in feedd's process.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Hummingbird's header types, named by the server's responses, and the service group it runs in, which
        // feedd shuts down gracefully itself.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // C libraries: each is imported by exactly one Swift module of feedd's (CSpawn also by the tests' support).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // posix_spawn's close-from action, which Swift's Glibc module leaves out.
        .systemLibrary(name: "CSpawn"),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        .target(name: "FeedModel"),
        // The decisions: pure functions of values and a given time, no I/O.
        .target(name: "FeedCore", dependencies: ["FeedModel"]),
        .target(
            name: "FeedParser", dependencies: ["FeedModel", "CLibXML2"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "FeedFetcher", dependencies: ["FeedCore", "CCurl"]),
        .target(name: "FeedStore", dependencies: ["FeedCore", "FeedModel"]),
        // Block, keep, mark_read, star and tag rules: pure decisions over an item's fields.
        .target(name: "FeedRules", dependencies: ["FeedCore", "FeedModel", "FeedParser"]),
        // Full articles: the main text of a web page, found and cleaned (pure: bytes in, article out).
        .target(name: "FeedArticle", dependencies: ["FeedModel", "FeedParser"]),
        // The search index: every stored item in SQLite (FTS5), derived from the store and rebuilt from it.
        .target(
            name: "FeedIndex",
            dependencies: [
                "FeedCore", "FeedModel", "FeedParser", "FeedStore", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The YAML configuration: its model, reader, editor and locations (the only Yams user).
        .target(
            name: "FeedConfiguration",
            dependencies: [
                "FeedCore", "FeedModel", "FeedFetcher", "FeedRules", "FeedStore", .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Hooks: recorded events handed to exec, webhook and email hooks through a durable outbox.
        .target(
            name: "FeedHooks",
            dependencies: [
                "CSpawn", "FeedCatalog", "FeedConfiguration", "FeedCore", "FeedFetcher", "FeedModel", "FeedParser",
                "FeedStore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The sync API for reading apps (Google Reader API, Fever): accounts, sessions, and what each request
        // reads or marks in the store, without HTTP.
        .target(
            name: "FeedSync",
            dependencies: [
                "FeedCatalog", "FeedConfiguration", "FeedCore", "FeedIndex", "FeedModel", "FeedParser", "FeedStore",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The sync API over HTTP: Hummingbird in front of FeedSync.
        .target(
            name: "FeedAPIServer",
            dependencies: [
                "FeedConfiguration", "FeedStore", "FeedSync", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // feedd's job: the loop, the refresh pipeline, systemd and the log.
        .target(
            name: "FeedDaemon",
            dependencies: [
                "FeedAPIServer", "FeedArticle", "FeedCatalog", "FeedConfiguration", "FeedCore", "FeedHooks", "FeedIndex", "FeedModel", "FeedParser", "FeedFetcher",
                "FeedRules", "FeedStore", "FeedSync", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What feedctl shows and does: listings, filters, pages, output, subscriptions and OPML.
        .target(
            name: "FeedCatalog",
            dependencies: [
                "FeedArticle", "FeedConfiguration", "FeedCore", "FeedIndex", "FeedModel", "FeedParser", "FeedFetcher", "FeedStore",
            ]
        ),
        // feedctl tui: the full-screen reader on ncurses.
        .target(
            name: "FeedReader",
            dependencies: ["FeedCatalog", "FeedDaemon", "FeedStore", "FeedModel", "CNcurses"]
        ),
        .executableTarget(
            name: "feedd",
            dependencies: [
                "FeedDaemon", "FeedConfiguration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "feedctl",
            dependencies: [
                "FeedArticle", "FeedCatalog", "FeedConfiguration", "FeedDaemon", "FeedCore", "FeedHooks", "FeedModel", "FeedParser", "FeedReader",
                "FeedStore", "FeedSync", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "feedbench",
            dependencies: [
                "FeedParser", "FeedModel", "FeedCore", "FeedConfiguration", "FeedDaemon", "FeedHooks", "FeedRules", "FeedStore",
                "FeedFetcher", "FeedSync", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(name: "TestSupport", dependencies: ["CSpawn"], path: "Tests/TestSupport"),
        // How tests share the machine when they run in parallel: for test targets only (it uses Testing).
        .target(name: "TestScheduling", path: "Tests/TestScheduling"),
        .testTarget(
            name: "FeedParserTests",
            dependencies: ["FeedParser", "FeedModel", "TestSupport", "TestScheduling"],
            exclude: ["Fixtures", "Expected"]
        ),
        .testTarget(name: "FeedModelTests", dependencies: ["FeedModel", "TestSupport"]),
        .testTarget(name: "FeedCoreTests", dependencies: ["FeedCore", "FeedModel", "TestSupport"]),
        .testTarget(name: "FeedRulesTests", dependencies: ["FeedRules", "FeedCore", "FeedModel"]),
        .testTarget(
            name: "FeedArticleTests", dependencies: ["FeedArticle", "FeedModel", "FeedParser", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "FeedHooksTests",
            dependencies: ["FeedHooks", "FeedConfiguration", "FeedCore", "FeedStore", "FeedModel", "TestSupport"]
        ),
        .testTarget(
            name: "FeedSyncTests",
            dependencies: ["FeedSync", "FeedConfiguration", "FeedStore", "FeedCore", "FeedModel", "TestSupport"]
        ),
        .testTarget(
            name: "FeedStoreTests",
            dependencies: ["FeedStore", "FeedCore", "FeedModel", "TestSupport", "TestScheduling"]
        ),
        .testTarget(
            name: "FeedFetcherTests",
            dependencies: ["FeedFetcher", "FeedCore", "TestSupport", "TestScheduling"]
        ),
        .testTarget(
            name: "FeedConfigurationTests",
            dependencies: ["FeedConfiguration", "FeedCore", "FeedModel", "FeedRules", "TestSupport"]
        ),
        .testTarget(
            name: "FeedDaemonTests",
            dependencies: [
                "FeedDaemon", "FeedCatalog", "FeedConfiguration", "FeedCore", "FeedFetcher", "FeedStore", "FeedModel",
                "TestSupport", "TestScheduling",
            ]
        ),
        .testTarget(
            name: "FeedIndexTests",
            dependencies: ["FeedIndex", "FeedStore", "FeedCore", "FeedModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "FeedReaderTests", dependencies: ["FeedReader", "FeedCatalog", "FeedStore", "FeedCore", "FeedModel"]),
        .testTarget(
            name: "FeedCatalogTests",
            dependencies: ["FeedCatalog", "FeedConfiguration", "FeedCore", "FeedStore", "FeedModel", "TestSupport"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "FeedCatalog", "FeedConfiguration", "FeedDaemon", "FeedCore", "FeedStore", "FeedModel", "TestSupport",
                "TestScheduling", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
