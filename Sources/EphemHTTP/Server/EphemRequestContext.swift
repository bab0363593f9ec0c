public import Hummingbird

/// The request context both handlers use. Later stages (authentication) add the validated caller.
public struct EphemRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
