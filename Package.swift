// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "scan-c1",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scan-c1", targets: ["scan-c1"]),
        .library(name: "FormScan", targets: ["FormScan"]),
        .library(name: "DigitReader", targets: ["DigitReader"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // One system-library target per C library: module map + pkg-config + the Debian package.
        .systemLibrary(
            name: "CTesseract",
            pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]
        ),
        .systemLibrary(
            name: "CLeptonica",
            pkgConfig: "lept",
            providers: [.apt(["libleptonica-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CHeif",
            pkgConfig: "libheif",
            providers: [.apt(["libheif-dev"])]
        ),
        .systemLibrary(
            name: "CAprilTag",
            pkgConfig: "apriltag",
            providers: [.apt(["libapriltag-dev"])]
        ),
        // The C shim: what Swift cannot do itself (libjpeg/libpng setjmp/longjmp error paths).
        .target(
            name: "CScanShim",
            dependencies: ["CJPEG", "CPNG"]
        ),
        .target(
            name: "DigitReader",
            dependencies: ["CTesseract"],
            resources: [.copy("Models")]
        ),
        .target(
            name: "FormScan",
            dependencies: ["DigitReader", "CScanShim", "CLeptonica", "CHeif", "CAprilTag"],
            resources: [.copy("Templates")]
        ),
        // Folders of photos into an SQLite database (GRDB): walk, hash, scan in parallel, export.
        .target(
            name: "Batch",
            dependencies: ["FormScan", "DigitReader", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The shared PostgreSQL store and its work queue (PostgresNIO): many workers, one database.
        .target(
            name: "PostgresStore",
            dependencies: ["Batch", "FormScan", "DigitReader", .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log")]
        ),
        // The review page: a local web server over a batch database (Hummingbird), assets in the binary.
        .target(
            name: "ReviewServer",
            dependencies: ["Batch", "FormScan", "DigitReader", .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "scan-c1",
            dependencies: [
                "FormScan", "DigitReader", "Batch", "ReviewServer", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FormScanTests",
            dependencies: ["FormScan", "DigitReader"],
            exclude: ["Photos"],
            resources: [.copy("ImageFixtures")]
        ),
        .testTarget(
            name: "BatchTests",
            dependencies: ["Batch", "FormScan", "DigitReader", "scan-c1", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: ["PostgresStore", "Batch", "FormScan", "scan-c1", .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "ReviewServerTests",
            dependencies: ["ReviewServer", "Batch", "FormScan", "scan-c1", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "DigitReaderTests",
            dependencies: ["DigitReader", "FormScan"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer target of scripts/fuzz/run.sh, which sets SCAN_C1_FUZZ=1 and builds it with
// --sanitize=fuzzer --sanitize=address; never part of an ordinary build or of CI.
if Context.environment["SCAN_C1_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "fuzz-images", dependencies: ["FormScan", "CScanShim"], path: "scripts/fuzz/FuzzImages"))
    package.products.append(.executable(name: "fuzz-images", targets: ["fuzz-images"]))
}
