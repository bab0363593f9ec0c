// swift-tools-version:6.2
import PackageDescription

// Dependencies are deliberately few (README "Dependencies"):
//  - Hummingbird serves HTTP in the handlers, DevTenant and the host emulator. `traits: []` drops its
//    FullFoundation and swift-configuration traits, so the handlers link FoundationEssentials only
//    (no ICU data: the binary is about half the size and starts faster).
//  - AsyncHTTPClient is the one outbound HTTP client (no FoundationNetworking, so no libcurl).
//  - swift-crypto (_CryptoExtras) gives RS256 verification; our own validator does every JWT check,
//    so no JWT library with unsafe defaults sits in between.
//  - swift-argument-parser for `ephemgate-dev` only.
let package = Package(
    name: "ephemgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ephemgate-dev", targets: ["ephemgate-dev"]),
        .executable(name: "SelfServiceHandler", targets: ["SelfServiceHandler"]),
        .executable(name: "HelpdeskHandler", targets: ["HelpdeskHandler"]),
        .executable(name: "ephemgate-bench", targets: ["ephemgate-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "EphemCore",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "EphemHTTP",
            dependencies: [
                "EphemCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "SelfServiceHandler", dependencies: ["EphemHTTP"]),
        .executableTarget(name: "HelpdeskHandler", dependencies: ["EphemHTTP"]),
        .target(
            name: "DevTenant",
            dependencies: [
                "EphemCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // posix_spawn with the GNU file actions Swift's Glibc module does not import (see ChildProcess).
        .target(name: "CSpawn"),
        .target(
            name: "FunctionsHost",
            dependencies: [
                "EphemCore", "CSpawn",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ephemgate-dev",
            dependencies: [
                "DevTenant", "FunctionsHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ephemgate-bench",
            dependencies: [
                "EphemCore", "DevTenant", "FunctionsHost",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The start-up floor `ephemgate-bench startup` compares the handlers with (issue 13).
        .executableTarget(name: "StartupFloor", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "EchoHandler",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/Fixtures/EchoHandler"
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "FunctionsHost", "DevTenant", "EphemCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "FunctionsHostTests",
            dependencies: [
                "FunctionsHost", "TestSupport", "EchoHandler",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EphemCoreTests",
            dependencies: [
                "EphemCore", "DevTenant", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DevTenantTests",
            dependencies: [
                "DevTenant", "EphemCore", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EphemHTTPTests",
            dependencies: [
                "EphemHTTP", "DevTenant", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "FunctionsHost", "DevTenant", "EphemHTTP", "TestSupport",
                "SelfServiceHandler", "HelpdeskHandler",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)

// libFuzzer targets (issue 13): declared only when EPHEMGATE_FUZZ is set, so ordinary builds
// never meet an executable whose `main` is libFuzzer's. scripts/fuzz.sh builds it with
// `-sanitize=fuzzer,address` into its own build directory.
if Context.environment["EPHEMGATE_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "EphemFuzz",
        dependencies: ["EphemCore", "EphemHTTP", "DevTenant", .product(name: "HTTPTypes", package: "swift-http-types")],
        path: "Fuzz/Targets"
    ))
    package.products.append(.executable(name: "EphemFuzz", targets: ["EphemFuzz"]))
}
