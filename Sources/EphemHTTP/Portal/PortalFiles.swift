#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import HTTPTypes
import Synchronization

/// Serves the portal's static files from `{app root}/portal/` (the `portal` function's folder, as
/// packaged). File names are a single segment of `[A-Za-z0-9._-]`, not starting with a dot, so no
/// request can leave that folder. Files are read once and kept: they are small and never change
/// while an instance lives.
final class PortalFiles: Sendable {
    let directory: String
    private let cache = Mutex<[String: (Data, String)]>([:])

    init(appRoot: String) {
        directory = appRoot.hasSuffix("/") ? appRoot + "portal" : appRoot + "/portal"
    }

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
        "ico": "image/x-icon",
        "json": "application/json; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
    ]

    static func isSafeName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix("."), name != "function.json" else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    func response(for requested: String?) -> Response? {
        let name = requested ?? "index.html"
        guard Self.isSafeName(name), let ext = name.split(separator: ".").last.map(String.init),
              let contentType = Self.contentTypes[ext.lowercased()]
        else { return nil }
        let cached = cache.withLock { $0[name] }
        let entry: (Data, String)
        if let cached {
            entry = cached
        } else {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            entry = (data, contentType)
            cache.withLock { $0[name] = entry }
        }
        var headers = HTTPFields()
        headers[.contentType] = entry.1
        headers[.cacheControl] = name == "index.html" ? "no-cache" : "public, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: entry.0)))
    }
}
