import EphemCore
import Hummingbird
import HTTPTypes
import Logging

/// Runs a timer function for a default-mode invocation and answers in the host's shape (2xx,
/// `Outputs`/`Logs`/`ReturnValue`). A payload that is not an invocation is a 400: the host then
/// records a failed invocation, which is what an operator should see.
enum TimerInvocation {
    static func handle(_ timer: TimerFunction, request: Request, context: EphemRequestContext) async throws -> Response {
        let body = try await request.collectBody()
        let invocation: InvocationRequest
        do {
            invocation = try InvocationRequest.decode(body.readableBytesView)
        } catch {
            throw EphemError.invalidRequest(message: "The body is not a Functions host invocation payload.")
        }
        var logger = context.logger
        logger[metadataKey: "function.name"] = "\(timer.name)"
        if let invocationId = request.headers[.invocationId] {
            logger[metadataKey: "function.invocation_id"] = "\(invocationId)"
        }
        let logs = try await timer.run(invocation, logger)
        return try JSONResponse.make(InvocationResponse(logs: logs))
    }
}

extension HTTPField.Name {
    static let invocationId = Self("X-Azure-Functions-InvocationId")!
}
