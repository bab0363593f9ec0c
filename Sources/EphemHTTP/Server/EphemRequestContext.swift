public import EphemCore
public import Hummingbird

/// The request context both handlers use: the validated caller once authentication ran.
public struct EphemRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authentication step of routes that require a signed-in user.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The caller of an authenticated route. Routes that declared `.signedIn` or `.anyRole` always
    /// have one; asking on an anonymous route is a programming error reported as 401.
    public func requireCaller() throws(EphemError) -> Caller {
        guard let caller else { throw .invalidToken(detail: "route used the caller without authentication") }
        return caller
    }
}
