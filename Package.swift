// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Placer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "placer", targets: ["placer"]),
        .executable(name: "placer-lab", targets: ["placer-lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // COIN-OR CBC (EPL-2.0) through its C API: PDLC's exact assignment step and the ILP peers.
        .systemLibrary(
            name: "CCbc",
            pkgConfig: "cbc",
            providers: [.apt(["coinor-libcbc-dev"])]
        ),
        // glibc's <malloc.h> (mallinfo2, malloc_trim, mallopt): PlacerCore's HeapMemory gives freed heap back to
        // the kernel after a reconcile (issue 15's RSS goal). Part of libc: no package, nothing to link.
        .systemLibrary(name: "CMalloc"),
        // The bottom of the module table: small value types every other target may use (DESIGN.md §3),
        // PlacerMetrics over the swift-metrics API (the Prometheus backend is bootstrapped by the binaries), and the
        // two cross-cutting pieces the ports and the loop share: DependencyHealth (outage state, logged through
        // swift-log, the API package of DESIGN.md §4, no backend) and Failpoint (crash-test hooks, inert unless
        // PLACER_FAILPOINTS is set). No I/O beyond a log line (and HeapMemory reading /proc/self/statm); PDLC stays
        // free of Git, HTTP and files.
        .target(
            name: "PlacerCore",
            dependencies: [
                "CMalloc",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                // DependencyHealth logs one line per outage state change.
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "GitStore",
            dependencies: [
                "CLibGit2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // AppModel reads and writes YAML through libyaml: the copy Yams embeds (module CYaml, reached through the
        // Yams product; OCMClient links Yams anyway), so one libyaml is linked, not two with clashing symbols.
        .target(
            name: "AppModel",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "PDLC", dependencies: ["AppModel", "PlacerCore", "CCbc"]),
        // Federated learning's privacy core: the RDP accountant, the privacy budget, DP-FedAvg and secure
        // aggregation (docs/privacy.md). Pure value types, no transport: the agent carries its messages.
        .target(
            name: "Learning",
            dependencies: [
                "PlacerCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "OCMClient",
            dependencies: [
                "PlacerCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "PlacerCore", "AppModel", "OCMClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Reconciler",
            dependencies: [
                "PlacerCore", "GitStore", "AppModel", "PDLC", "OCMClient", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `placer agent` (one per managed cluster) and the federated rounds' transport and coordinator.
        .target(
            name: "Agent",
            dependencies: [
                "PlacerCore", "AppModel", "PDLC", "OCMClient", "Telemetry", "Learning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // In-memory fakes of the GitSource and Hub ports, for unit tests only (never linked by `placer`).
        .target(
            name: "PlacerFakes",
            dependencies: [
                "GitStore", "OCMClient", "AppModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Dashboard",
            dependencies: [
                "Reconciler", "AppModel", "PDLC", "GitStore", "Telemetry", "OCMClient", "PlacerCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "EdgeSim",
            dependencies: [
                "AppModel", "PDLC", "PlacerCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What both executables share (option groups, report printing); links no harness code.
        .target(
            name: "PlacerCLI",
            dependencies: [
                "Reconciler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The production binary: no EdgeSim, no bench or demo code.
        .executableTarget(
            name: "placer",
            dependencies: [
                "GitStore", "AppModel", "OCMClient", "Telemetry", "Reconciler", "Dashboard", "PlacerCLI", "Agent",
                "Learning", "PlacerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The harness binary: `placer-lab demo`, `bench`, `hub`.
        .executableTarget(
            name: "placer-lab",
            dependencies: [
                "GitStore", "AppModel", "PDLC", "OCMClient", "Reconciler", "Dashboard", "EdgeSim", "PlacerCLI",
                "Agent", "Telemetry", "Learning", "PlacerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The parsers' fuzz targets and their invariants (docs/benchmarks.md, "Fuzzing"); linked by placer-fuzz and
        // the regression tests only, never by `placer`.
        .target(name: "FuzzTargets", dependencies: ["AppModel", "OCMClient", "Dashboard"]),
        // libFuzzer's driver when built by scripts/fuzz.sh (`-sanitize=fuzzer`); a replayer of saved inputs
        // otherwise. Not a product: `swift build` builds it, nothing ships it.
        .executableTarget(name: "placer-fuzz", dependencies: ["FuzzTargets"]),
        // Helpers shared by the test targets (polling, hubs, log capture, child processes); tests only.
        .target(
            name: "PlacerTestSupport",
            dependencies: [
                "AppModel", "EdgeSim", "OCMClient", "PDLC", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PlacerTestSupport"
        ),
        .testTarget(
            name: "PlacerCoreTests",
            dependencies: ["PlacerCore", "PlacerTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "GitStoreTests",
            dependencies: [
                "GitStore", "EdgeSim", "PlacerTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AppModelTests",
            // Yams: the node-tree loader and renderer of before issue 15, kept as the event builder's oracle.
            dependencies: ["AppModel", "PlacerCore", "PlacerTestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Golden"]),
        .testTarget(name: "PDLCTests", dependencies: ["PDLC", "AppModel", "PlacerCore", "PlacerTestSupport"]),
        .testTarget(
            name: "LearningTests",
            dependencies: [
                "Learning", "PlacerCore", "PlacerTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "OCMClientTests",
            dependencies: [
                "OCMClient", "EdgeSim", "AppModel", "PlacerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
            ]),
        .testTarget(name: "EdgeSimTests", dependencies: ["EdgeSim", "AppModel", "PDLC", "PlacerTestSupport"]),
        .testTarget(
            name: "TelemetryTests",
            dependencies: ["Telemetry", "EdgeSim", "AppModel", "OCMClient", "PlacerTestSupport", "PlacerFakes"]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "Reconciler", "EdgeSim", "GitStore", "AppModel", "PlacerTestSupport", "PlacerFakes",
                "PDLC", "OCMClient", "PlacerCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: [
                "Reconciler", "GitStore", "AppModel", "PDLC", "OCMClient", "Telemetry", "EdgeSim", "PlacerTestSupport",
                "PlacerFakes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "Telemetry", "EdgeSim", "AppModel", "PDLC", "OCMClient", "Learning", "PlacerTestSupport",
                "PlacerFakes",
            ]
        ),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        .testTarget(
            name: "PlacerCLITests",
            dependencies: ["PlacerCLI", "AppModel", "PlacerTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
