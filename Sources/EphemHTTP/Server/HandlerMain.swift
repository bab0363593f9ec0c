#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EphemCore
import Hummingbird
import Logging

/// The entry point both handler executables call.
public enum HandlerMain {
    /// Parses settings (exiting non-zero with one line per bad setting), then serves on
    /// `127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT` until SIGTERM/SIGINT, draining in-flight requests.
    public static func run(_ definition: HandlerDefinition) async {
        let environment = ProcessInfo.processInfo.environment
        let settings: Settings
        do {
            settings = try Settings.parse(portal: definition.portal, environment: environment)
        } catch {
            for problem in error.errors {
                writeStandardError("\(definition.portal.rawValue): \(problem)\n")
            }
            exit(1)
        }
        let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "ephemgate.\(definition.portal.rawValue)")
        logger.logLevel = level
        let dependencies = HandlerDependencies.live(settings: settings, logger: logger, client: OutboundHTTP.makeClient())
        let app = HandlerApplication.build(definition, dependencies: dependencies)
        do {
            try await app.runService()
        } catch {
            writeStandardError("\(definition.portal.rawValue): server stopped: \(type(of: error))\n")
            exit(1)
        }
    }

    static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(2, &bytes, bytes.count)
    }
}
