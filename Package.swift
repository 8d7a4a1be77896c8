// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "mcnd",
    products: [
        .executable(name: "mcnd", targets: ["mcnd"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        // The YAML parser swift-configuration reads with: mcnd lists a file's keys with it to refuse unknown ones.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; the test kit's loopback HTTP client is built on them.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C libraries, each behind exactly one Swift file.
        // oneDNN: Debian ships no .pc file for it, so it is linked by name.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // Linux's openat2/renameat2, which glibc does not wrap (kernel headers only, nothing to link).
        .systemLibrary(name: "CLinux", providers: [.apt(["linux-libc-dev"])]),

        // The one file-system layer: every call relative to a directory descriptor, errno typed.
        .target(name: "MCNDFileSystem", dependencies: ["CLinux"]),
        // The two ways mcnd runs work on more than one thread.
        .target(name: "MCNDThreads"),

        // The network, its trainer, the model file and the IDX dataset reader.
        // Training's elementwise passes in AVX-512 C (only called where the CPU has native bf16).
        .target(name: "CTrainingKernels"),
        .target(name: "MCNDModel", dependencies: ["CDNNL", "CTrainingKernels", "CZlib", "MCNDFileSystem", "MCNDThreads"]),
        // A model as an ONNX graph and a Triton repository entry; the ONNX messages are
        // generated from Proto/onnx_*.proto (README: regenerating them).
        .target(
            name: "MCNDExport",
            dependencies: [
                "MCNDFileSystem", "MCNDModel", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ], exclude: ["Proto"]),
        // PNG decoding, normalization and encoding.
        .target(name: "MCNDImaging", dependencies: ["CLibPNG", "MCNDFileSystem", "MCNDModel"]),

        // Inbox → state → training → outbox: the pipeline `--once`, the daemon and the tests share.
        .target(
            name: "MCNDPipeline",
            dependencies: [
                "MCNDFileSystem", "MCNDThreads", "MCNDModel", "MCNDImaging", "MCNDExport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
            ]),

        // The daemon: inotify, the training schedule, signals, systemd notifications.
        .target(
            name: "MCNDDaemon",
            dependencies: [
                "MCNDFileSystem", "MCNDThreads", "MCNDPipeline",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),

        // The review page: the one module that imports Hummingbird.
        .target(
            name: "MCNDReviewPage",
            dependencies: [
                "MCNDFileSystem", "MCNDPipeline",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "mcnd",
            dependencies: [
                "MCNDFileSystem", "MCNDModel", "MCNDImaging", "MCNDPipeline", "MCNDDaemon", "MCNDExport", "MCNDReviewPage",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Benchmarks that print mcnd's figures; peers run from scripts/.
        .executableTarget(name: "mcnd-bench", dependencies: ["MCNDModel", "MCNDImaging"]),

        .testTarget(name: "MCNDFileSystemTests", dependencies: ["MCNDFileSystem"]),
        .testTarget(name: "MCNDModelTests", dependencies: ["MCNDModel"], exclude: ["Fixtures"]),
        .testTarget(name: "MCNDImagingTests", dependencies: ["MCNDImaging", "MCNDModel"]),
        .testTarget(
            name: "MCNDPipelineTests",
            dependencies: [
                "MCNDPipeline", "MCNDImaging", "MCNDModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]),
        // The daemon in-process, no binary: its timers and scheduler on an injected clock, the
        // inbox watcher on real inotify events, the service started and shut down on a temporary root.
        .testTarget(
            name: "MCNDDaemonTests",
            dependencies: [
                "MCNDDaemon", "MCNDPipeline", "MCNDFileSystem", "MCNDTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]),
        // The review page's server in-process: access, actions, concurrency on a real root, reached
        // over HTTP on a loopback port. Not through HummingbirdTesting: its client brings NIOSSL
        // (a BoringSSL copy), AsyncHTTPClient and NIOHTTP2 into the test build, which mcnd never uses.
        .testTarget(
            name: "MCNDReviewPageTests",
            dependencies: [
                "MCNDReviewPage", "MCNDPipeline", "MCNDFileSystem", "MCNDTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The one test kit: child processes, scratch folders, file writers, the outbox
        // reader, `eventually`, Fashion-MNIST subsets, a loopback HTTP/1.1 client.
        .target(
            name: "MCNDTestSupport",
            dependencies: [
                "MCNDModel", "MCNDImaging", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ], path: "Tests/Support"),
        // Tests that run the built `mcnd` binary on temporary roots, as a user would.
        // The power-loss test's FUSE file system is a Python script beside its Swift driver.
        .testTarget(name: "EndToEndTests", dependencies: ["MCNDModel", "MCNDImaging", "MCNDTestSupport"], exclude: ["Support/PowerCutFS"]),
        .testTarget(name: "DaemonTests", dependencies: ["MCNDModel", "MCNDImaging", "MCNDTestSupport"]),
        .testTarget(
            name: "FaultTests",
            dependencies: ["MCNDModel", "MCNDImaging", "MCNDTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
    ]
)
