public import NIOCore
import NIOHTTP1

/// Server-side time limits per connection and HTTP/1.0 framing (issue 13, finding 4). Hummingbird
/// has no such limits of its own: an idle, slow-header or stalled-body connection stayed open for
/// minutes, and an HTTP/1.0 request without keep-alive got an HTTP/1.1 answer on a connection
/// left open.
///
/// - idle: no complete request head within `idle` of the connection opening or the last answer
///   → closed. This also bounds a slow head. Longer than the callers' own pool idle time (.NET
///   `PooledConnectionIdleTimeout` 1 min, AsyncHTTPClient 60 s), so a pooled connection is closed
///   by its client first, never under a request the client is just sending.
/// - body: a request body not complete within `body` of its head → closed (≤ 16 KiB is read).
/// - No limit applies while the handler works on a request: its own upstream budgets bound that.
public struct ConnectionLimits: Sendable {
    public var idle: TimeAmount
    public var body: TimeAmount

    public init(idle: TimeAmount = .seconds(75), body: TimeAmount = .seconds(15)) {
        self.idle = idle
        self.body = body
    }
}

/// Sits in Hummingbird's `additionalChannelHandlers` (after the HTTPTypes codec) and, once added,
/// installs `ConnectionGuard` right after NIOHTTP1's request decoder (parts still carry the HTTP
/// version), then removes itself.
final class ConnectionGuardInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let limits: ConnectionLimits

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        let operations = context.pipeline.syncOperations
        do {
            // Right after the NIOHTTP1 request decoder, where parts still carry the HTTP version.
            let decoder = try operations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(ConnectionGuard(limits: limits), position: .after(decoder.handler))
        } catch {
            context.close(promise: nil)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum State { case idle, body, working }

    let limits: ConnectionLimits
    private var state = State.idle
    private var timer: Scheduled<Void>?
    private var keepAlive = true
    private var version = HTTPVersion.http1_1

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) { arm(context, .idle, after: limits.idle) }
    func handlerRemoved(context: ChannelHandlerContext) { timer?.cancel() }
    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext, _ next: State, after amount: TimeAmount?) {
        timer?.cancel()
        state = next
        timer = amount.map { amount in
            context.eventLoop.assumeIsolated().scheduleTask(in: amount) { [weak self] in
                guard self != nil else { return }
                context.close(promise: nil)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            version = head.version
            arm(context, .body, after: limits.body)
        case .body:
            break
        case .end:
            arm(context, .working, after: nil)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where !keepAlive:
            // Answer in the request's version and say the connection ends (RFC 9112 9.3, 9.6).
            head.version = version.major == 1 && version.minor == 0 ? .http1_0 : head.version
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where !keepAlive:
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
        case .end:
            context.write(data, promise: promise)
            arm(context, .idle, after: limits.idle)
        default:
            context.write(data, promise: promise)
        }
    }
}
