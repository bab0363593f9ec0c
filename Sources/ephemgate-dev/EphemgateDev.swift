import ArgumentParser
import DevTenant
import Foundation
import FunctionsHost
import Logging

/// `swift run ephemgate-dev`: the whole product on loopback (SPEC 8).
@main
struct EphemgateDev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ephemgate-dev",
        abstract: "Runs the dev tenant and both Function Apps (real handler binaries behind a Functions-host emulator) on 127.0.0.1."
    )

    @Option(help: "Dev tenant port (Entra, Graph, managed identity).") var tenantPort = 7070
    @Option(help: "Table service port.") var tablePort = 10002
    @Option(help: "Self-service app port.") var selfservicePort = 7071
    @Option(help: "Helpdesk app port.") var helpdeskPort = 7072
    @Option(help: "Helpdesk handler processes behind the one helpdesk port (round robin).") var helpdeskInstances = 1
    @Option(help: "Directory seed file (JSON); the built-in demo directory otherwise.") var directory: String?
    @Option(name: .customLong("setting"), help: "KEY=VALUE app setting for both apps (repeatable).") var settings: [String] = []
    @Option(name: .customLong("selfservice-setting"), help: "KEY=VALUE app setting for the self-service app.") var selfserviceSettings: [String] = []
    @Option(name: .customLong("helpdesk-setting"), help: "KEY=VALUE app setting for the helpdesk app.") var helpdeskSettings: [String] = []
    @Flag(help: "Run only the dev tenant, no apps.") var tenantOnly = false
    @Option(name: .customLong("withhold-graph-permission"),
            help: "A Graph application permission of infra/graph-permissions.json NOT to grant either app's managed identity (repeatable), to see what fails without it.")
    var withheldPermissions: [String] = []
    @Option(help: "Folder with prebuilt SelfServiceHandler and HelpdeskHandler binaries (default: build them with swift build).") var handlersDir: String?
    @Option(help: "Repository root holding host.json and functions/ (default: the current directory or the package root).") var root: String?

    func validate() throws {
        guard (1...16).contains(helpdeskInstances) else { throw ValidationError("--helpdesk-instances must be from 1 to 16") }
        for pair in settings + selfserviceSettings + helpdeskSettings where !pair.contains("=") {
            throw ValidationError("settings are KEY=VALUE, got \(pair)")
        }
    }

    /// Each fixed port with the flag that moves it; a busy one ends start-up with one line and
    /// exit status 1 before anything starts (issue 13, finding 6).
    func checkPorts() throws {
        var ports: [(Int, String, String)] = [(tenantPort, "dev tenant", "--tenant-port"), (tablePort, "Table service", "--table-port")]
        if !tenantOnly {
            ports += [(selfservicePort, "self-service app", "--selfservice-port"), (helpdeskPort, "helpdesk app", "--helpdesk-port")]
        }
        for (port, what, flag) in ports where port != 0 && !Loopback.canBind(port: port) {
            FileHandle.standardError.write(Data("ephemgate-dev: port \(port) (\(what)) is already in use; choose another with \(flag) <port>\n".utf8))
            throw ExitCode(1)
        }
    }

    func run() async throws {
        try checkPorts()
        let logger = Logger(label: "ephemgate-dev")
        let seed = try directory.map(Seed.load(path:)) ?? Seed.demo
        let root = try DevLayout.locateRoot(root)
        // With the demo directory, notifications go to /dev/mail and its blocked group is
        // blocked, so every guardrail can be seen locally; --setting overrides either.
        let demo = directory == nil ? ["NOTIFICATION_SENDER": Seed.demoNotificationSender, "BLOCKED_GROUP_IDS": Seed.DemoGroup.tapBlocked] : [:]
        let appSettings = Dictionary(uniqueKeysWithValues: DevSettings.apps.map { app in
            let overrides = DevSettings.parse(app.name == "selfservice" ? selfserviceSettings : helpdeskSettings)
            // The manager's handover mail links to the local self-service portal (SPEC 7.6).
            let portalLink = app.name == "helpdesk" ? ["SELF_SERVICE_PORTAL_URL": "http://localhost:\(selfservicePort)"] : [:]
            return (app.name, demo.merging(portalLink) { $1 }.merging(DevSettings.parse(settings)) { $1 }.merging(overrides) { $1 })
        })
        let grants = try GraphGrants.load(path: root + "/infra/graph-permissions.json")
        for name in withheldPermissions where !grants.all.contains(name) {
            throw ValidationError("--withhold-graph-permission \(name): infra/graph-permissions.json grants no such permission")
        }
        let options = DevTenantOptions(apps: DevSettings.apps.map { app in
            let port = app.name == "selfservice" ? selfservicePort : helpdeskPort
            return .init(name: app.name, clientId: app.clientId, redirectURIs: ["http://127.0.0.1:\(port)/", "http://localhost:\(port)/"])
        }, managedIdentities: DevSettings.apps.enumerated().map { index, app in
            DevTenantOptions.ManagedIdentity(
                header: DevSettings.identityHeader(app.name), objectId: "99999999-0000-4000-8000-00000000010\(index)",
                clientId: "99999999-0000-4000-8000-00000000020\(index)",
                graphPermissions: grants.permissions(app: app.name, conditions: DevSettings.grantConditions(appSettings[app.name] ?? [:]))
                    .subtracting(withheldPermissions))
        })
        let tenant = try await DevTenantServer.start(seed: seed, options: options, port: tenantPort, logger: logger)
        var hosts: [FunctionAppHost] = []
        var tables: DevTableServer?
        var staging: AppStaging?
        do {
            tables = try await DevTableServer.start(tenant: tenant, port: tablePort, logger: logger)
            if !tenantOnly {
                let layout = try DevLayout.locate(root: root, handlersDir: handlersDir)
                let staged = try AppStaging.stage(root: layout.root, apps: DevSettings.apps.map(\.name))
                staging = staged
                let common = DevSettings.common(tenant: tenant.baseURL, tenantId: seed.tenantId, tablePort: tablePort)
                for app in DevSettings.apps {
                    let options = FunctionAppHost.Options(
                        name: app.name, appDirectory: staged.appDirectory(app.name), hostJSONPath: layout.root + "/host.json",
                        executable: layout.handlersDir + "/" + app.binary,
                        settings: common.merging(["ENTRA_CLIENT_ID": app.clientId, "IDENTITY_HEADER": DevSettings.identityHeader(app.name)]) { $1 }
                            .merging(appSettings[app.name] ?? [:]) { $1 },
                        instances: app.name == "helpdesk" ? helpdeskInstances : 1,
                        port: app.name == "selfservice" ? selfservicePort : helpdeskPort)
                    hosts.append(try await FunctionAppHost.start(options, logger: logger))
                }
            }
            DevBanner.print(tenant: tenant, hosts: hosts, seed: seed, tablePort: tablePort)
            await ShutdownSignal.wait()
        } catch {
            for host in hosts { await host.shutdown() }
            await tables?.shutdown()
            await tenant.shutdown()
            staging?.remove()
            throw error
        }
        for host in hosts { await host.shutdown() }
        await tables?.shutdown()
        await tenant.shutdown()
        staging?.remove()
    }
}
