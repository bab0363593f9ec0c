import DevTenant
import Foundation
import FunctionsHost
import UnixSignals

enum DevBanner {
    static func print(tenant: DevTenantServer, hosts: [FunctionAppHost], seed: Seed, tablePort: Int) {
        var lines = ["", "EphemGate local stack is ready."]
        for host in hosts {
            let title = host.options.name == "selfservice" ? "Self-service portal" : "Helpdesk portal"
            let instances = host.workers.count > 1 ? " (\(host.workers.count) handler instances)" : ""
            lines.append("  \(title.padding(toLength: 20, withPad: " ", startingAt: 0)) \(host.baseURL)/\(instances)")
        }
        lines.append("  Dev tenant           \(tenant.baseURL)/  (tenant \(seed.tenantId))")
        lines.append("  Table service        http://127.0.0.1:\(tablePort)/devstoreaccount1")
        lines.append("")
        lines.append("Demo accounts:")
        for user in seed.users {
            let roles = user.appRoles.map { " [\($0.joined(separator: ", "))]" } ?? ""
            lines.append("  \(user.userPrincipalName)\(roles)")
        }
        lines.append("")
        lines.append("Press Ctrl-C to stop.")
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

/// Waits for SIGINT or SIGTERM.
enum ShutdownSignal {
    static func wait() async {
        for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { return }
    }
}
