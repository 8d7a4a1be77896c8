// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "mcnd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mcnd", targets: ["mcnd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries, each behind exactly one Swift file.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // The network, its trainer, the model file and the IDX dataset reader.
        .target(name: "MCNDModel", dependencies: ["CBLAS", "CZlib"]),
        // PNG decoding, normalization and encoding.
        .target(name: "MCNDImaging", dependencies: ["CLibPNG", "MCNDModel"]),

        .executableTarget(name: "mcnd", dependencies: [
            "MCNDModel", "MCNDImaging",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmarks that print mcnd's figures; peers run from scripts/.
        .executableTarget(name: "mcnd-bench", dependencies: ["MCNDModel", "MCNDImaging"]),

        .testTarget(name: "MCNDModelTests", dependencies: ["MCNDModel"], exclude: ["Fixtures"]),
        .testTarget(name: "MCNDImagingTests", dependencies: ["MCNDImaging", "MCNDModel"]),
    ]
)
