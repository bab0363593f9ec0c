import Foundation
import FunctionsHost

/// Where the repository content and the handler binaries are. Unless `--handlers-dir` names
/// prebuilt binaries, the handlers are (re)built with `swift build --product`, so `swift run
/// ephemgate-dev` always runs the handlers of the current source.
struct DevLayout {
    var root: String
    var handlersDir: String

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static var executableDir: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// The repository root: `--root`, else the current directory when it holds `host.json`, else
    /// the package the executable was built from.
    static func locateRoot(_ root: String?) throws -> String {
        let fileManager = FileManager.default
        let chosenRoot = root
            ?? (fileManager.fileExists(atPath: fileManager.currentDirectoryPath + "/host.json") ? fileManager.currentDirectoryPath : packageRoot(from: executableDir))
        guard let chosenRoot, fileManager.fileExists(atPath: chosenRoot + "/host.json") else {
            throw Problem(description: "cannot find host.json: run from the repository root or pass --root")
        }
        return chosenRoot
    }

    static func locate(root: String?, handlersDir: String?) throws -> DevLayout {
        let executableDir = Self.executableDir
        let packageRoot = Self.packageRoot(from: executableDir)
        let chosenRoot = try locateRoot(root)
        if let handlersDir { return DevLayout(root: chosenRoot, handlersDir: handlersDir) }
        guard let packageRoot else {
            throw Problem(description: "cannot find the package to build the handlers from: pass --handlers-dir")
        }
        let configuration = executableDir.contains("/release") ? "release" : "debug"
        for product in DevSettings.apps.map(\.binary) {
            try build(product: product, configuration: configuration, packageRoot: packageRoot)
        }
        return DevLayout(root: chosenRoot, handlersDir: executableDir)
    }

    static func packageRoot(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory)
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
            url.deleteLastPathComponent()
        }
        return nil
    }

    static func build(product: String, configuration: String, packageRoot: String) throws {
        let process = try ChildProcess.launch(
            executable: "/usr/bin/env", arguments: ["swift", "build", "-c", configuration, "--product", product],
            environment: ProcessInfo.processInfo.environment, workingDirectory: packageRoot,
            standardOutput: .descriptor(STDERR_FILENO), standardError: .descriptor(STDERR_FILENO))
        guard process.waitUntilExit().succeeded else {
            throw Problem(description: "swift build --product \(product) failed")
        }
    }
}
