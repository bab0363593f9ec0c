import Foundation

/// Where the repository and the built binaries are, seen from a running test.
public enum TestPaths {
    /// The repository root (the folder holding Package.swift).
    public static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The build products folder: the test runner lives there, and so do the executables
    /// `swift build --build-tests` / `swift test` built alongside it.
    public static let productsDir: String = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var url = runner.deletingLastPathComponent()
        // On Linux the runner is `<products>/<Package>PackageTests.xctest`; on macOS a bundle.
        while url.path != "/", !FileManager.default.fileExists(atPath: url.path + "/SelfServiceHandler") {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    public static func binary(_ name: String) -> String { productsDir + "/" + name }
    public static let hostJSON = repoRoot + "/host.json"
    public static func app(_ name: String) -> String { repoRoot + "/functions/" + name }
    public static let echoApp = repoRoot + "/Tests/Fixtures/echo-app"
}
