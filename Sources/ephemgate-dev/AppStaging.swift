import Foundation

/// Lays each Function App out the way `scripts/zip_app.py` packages it, so the local stack serves
/// exactly what Azure would: the app's `functions/<app>/` content, with the files of
/// `functions/portal-common/` (the script, styles and icon both portals share, kept once in git)
/// added to its `portal/` folder. The copy lives in a temporary folder removed at shutdown; the
/// repository itself is never written.
struct AppStaging {
    static let commonFolder = "functions/portal-common"

    /// The staging folder; each app is `directory/<app>`.
    let directory: String

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func stage(root: String, apps: [String]) throws -> AppStaging {
        let fileManager = FileManager.default
        let directory = fileManager.temporaryDirectory.appendingPathComponent("ephemgate-dev-\(UUID().uuidString.lowercased())").path
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let staging = AppStaging(directory: directory)
        do {
            let common = try commonFiles(root: root)
            for app in apps {
                let target = staging.appDirectory(app)
                try fileManager.copyItem(atPath: root + "/functions/" + app, toPath: target)
                let portal = target + "/portal"
                try fileManager.createDirectory(atPath: portal, withIntermediateDirectories: true)
                for name in common {
                    guard !fileManager.fileExists(atPath: portal + "/" + name) else {
                        throw Problem(description: "functions/\(app)/portal/\(name) has the name of a shared portal file in \(commonFolder)/")
                    }
                    try fileManager.copyItem(atPath: root + "/" + commonFolder + "/" + name, toPath: portal + "/" + name)
                }
            }
        } catch {
            staging.remove()
            throw error
        }
        return staging
    }

    /// The regular files of `functions/portal-common/` (none when the folder is missing).
    static func commonFiles(root: String) throws -> [String] {
        let folder = root + "/" + commonFolder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    func appDirectory(_ app: String) -> String { directory + "/" + app }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
