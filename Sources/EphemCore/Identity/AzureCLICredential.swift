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
import Logging

/// The developer fallback when `IDENTITY_ENDPOINT` is unset: `az account get-access-token
/// --output json --resource R` (reference 3), so a handler can run against a real tenant with the
/// developer's own sign-in. Cached like the managed identity; never used in Azure.
public struct AzureCLICredential: AccessTokenProvider {
    let cache: TokenCache

    public init(logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        cache = TokenCache(now: now) { resource throws(EphemError) in
            let output: (status: Int32, stdout: [UInt8])
            do {
                output = try ChildProcess.run(["az", "account", "get-access-token", "--output", "json", "--resource", resource], environment: ["AZURE_CORE_NO_COLOR": "true"])
            } catch {
                throw .upstreamUnavailable(detail: "Azure CLI could not be started (is `az` installed?)")
            }
            guard output.status == 0 else {
                logger.error("Azure CLI token request failed; run `az login`", metadata: ["cli.exit": "\(output.status)"])
                throw .upstreamUnavailable(detail: "Azure CLI exited with \(output.status)")
            }
            guard let json = try? StrictJSON.parse(output.stdout), let token = json["accessToken"]?.stringValue,
                  let expires = json["expires_on"]?.doubleValue
            else { throw .upstreamUnavailable(detail: "Azure CLI printed no usable token") }
            return IssuedToken(value: token, expiresOn: Date(timeIntervalSince1970: expires), obtainedAt: now())
        }
    }

    public func token(for resource: String) async throws(EphemError) -> String {
        try await cache.token(for: resource)
    }
}

/// Runs a program found on PATH and collects its standard output (standard error is discarded).
enum ChildProcess {
    struct Failure: Error {}

    static func run(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32, stdout: [UInt8]) {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw Failure() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extra { environment[key] = value }
        let cArguments = arguments.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, cEnvironment)
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            throw Failure()
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipe[0], &buffer, buffer.count)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
            if output.count > 1 << 20 { break }
        }
        close(pipe[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitCode, output)
    }
}
