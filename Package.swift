// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ECTBatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ect-batch", targets: ["ECTBatch"]),
        .executable(name: "ect-bench", targets: ["Bench"]),
        .executable(name: "parsers-fuzz", targets: ["ParsersFuzz"]),
        .executable(name: "fake-trs", targets: ["FakeTRSServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Value types shared by every module: days, TRNs, codes, rows, changes.
        .target(name: "Domain"),
        // Streaming readers: CSV, JSON, NDJSON, XML, Excel workbooks -> raw rows.
        .target(name: "Parsers", dependencies: ["Domain", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Pure validation: raw row + current state -> verdict + planned change.
        .target(name: "Rules", dependencies: ["Domain"]),
        // What Swift cannot call directly: sqlite3_config (variadic) and syncfs (GNU).
        .target(name: "CSupport", linkerSettings: [.linkedLibrary("sqlite3")]),
        // libpq, PostgreSQL's C client (Debian's libpq-dev), for the PostgreSQL store.
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The store, SQLite (GRDB) or PostgreSQL (libpq): migrations, reference data,
        // induction state, audit.
        .target(name: "Store", dependencies: [
            "Domain", "Rules", "CSupport", "CPostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // TRS API v3 client: bulk find, second looks, delivery; retries (URLSession, no
        // dependency: FoundationNetworking ships with the toolchain).
        .target(name: "TRS", dependencies: ["Domain", "Rules"]),
        // A stand-in for TRS API v3 on loopback (tests, benchmark, README example).
        .target(name: "FakeTRS", dependencies: ["Domain"]),
        .executableTarget(name: "FakeTRSServer", dependencies: [
            "FakeTRS", "Domain", "Parsers", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Result files for submitters; statistics reports.
        .target(name: "Reports", dependencies: ["Domain", "Parsers"]),
        // The run: lock, discovery, ordering, one transaction per file, archive.
        .target(name: "Pipeline", dependencies: [
            "Domain", "Parsers", "Rules", "Store", "Reports", "CSupport", "TRS",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "ECTBatch", dependencies: [
            "Domain", "Parsers", "Pipeline", "Reports", "Store", "TRS",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Seeded generator of benchmark and test worlds: TRS extract, reference data, inbox.
        .target(name: "WorldGenerator", dependencies: ["Domain", "Parsers"], path: "Benchmarks/WorldGenerator"),
        // The release-build timing command and the random-kill soak.
        .executableTarget(name: "Bench", dependencies: [
            "Domain", "Parsers", "Pipeline", "Store", "TestSupport", "FakeTRS", "TRS", "WorldGenerator",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/Bench"),
        // libFuzzer target for the readers (scripts/fuzz.sh); a corpus replayer otherwise.
        .executableTarget(name: "ParsersFuzz", dependencies: ["Parsers"], path: "Fuzz/ParsersFuzz"),

        // Scratch folders for the tests, removed when the test process ends.
        .target(name: "TestSupport", dependencies: ["Reports", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                path: "Tests/TestSupport"),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "ParsersTests", dependencies: ["TestSupport", "Parsers", "Domain", "Reports",
            .product(name: "ZIPFoundation", package: "ZIPFoundation")], exclude: ["Fuzz"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Domain"]),
        .testTarget(name: "StoreTests", dependencies: ["TestSupport", 
            "Store", "Rules", "Domain", .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .testTarget(name: "ReportsTests", dependencies: ["TestSupport", "Reports", "Parsers", "Domain"]),
        .testTarget(name: "PipelineTests", dependencies: ["TestSupport", "Pipeline", "Store", "Domain", "Reports", "Parsers",
                                                         "WorldGenerator", "Rules", "TRS"], exclude: ["Golden"]),
        .testTarget(name: "TRSTests", dependencies: ["TRS", "FakeTRS", "Domain", "Rules", "Parsers"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "Domain", "Store", "FakeTRS", "Parsers"]),
    ]
)
