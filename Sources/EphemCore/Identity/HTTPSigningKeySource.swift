/// The tenant's JWKS at `{authority}/{tenant}/discovery/v2.0/keys` (reference 9.2).
public struct HTTPSigningKeySource: SigningKeySource {
    public let url: String
    let http: OutboundHTTP

    public init(authorityHost: String, tenantId: GUID, http: OutboundHTTP) {
        url = "\(authorityHost)/\(tenantId)/discovery/v2.0/keys"
        self.http = http
    }

    public struct Failure: Error {
        public var status: Int?
    }

    public func fetchKeys() async throws -> SigningKeySet {
        let response = try await http.send(method: "GET", url: url, headers: [("Accept", "application/json")], timeout: .seconds(5), maxBody: 256 << 10)
        guard response.status == 200 else { throw Failure(status: response.status) }
        return try SigningKeySet(jwks: response.body)
    }
}
