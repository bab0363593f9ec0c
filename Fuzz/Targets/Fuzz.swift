// libFuzzer entry points for every parser that reads untrusted bytes (issue 13, item 10).
// Built only by scripts/fuzz.sh (EPHEMGATE_FUZZ=1, `-sanitize=fuzzer,address`, debug so that
// `@testable` reaches the internal parsers). The first argument names the target; the rest go to
// libFuzzer unchanged: `EphemFuzz json -max_total_time=30 Fuzz/corpus/json`.
@testable import DevTenant
@testable import EphemCore
@testable import EphemHTTP
import HTTPTypes
#if canImport(Glibc)
import Glibc
#endif

/// One parser per target. Each must return normally or throw its own error for any input; a
/// trap, an out-of-bounds access or a leak is a finding.
enum Target: String, CaseIterable {
    case json, jwt, invocation, issueBody = "issue-body", query, clientAddress = "client-address", tableFilter = "table-filter", graphFilter = "graph-filter"

    func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .json:
            _ = try? StrictJSON.parse(bytes)
        case .jwt:
            // The compact JWS split, base64url and both JSON objects, then the claims the
            // validator reads as a caller.
            if let token = try? CompactJWT(text) {
                _ = token.claims["oid"]?.stringValue.flatMap(GUID.init)
                _ = token.claims["roles"]?.arrayValue?.compactMap(\.stringValue)
                _ = token.header["kid"]?.stringValue
            }
        case .invocation:
            if let request = try? InvocationRequest.decode(bytes) {
                _ = request.httpRequest(binding: "req")
                _ = request.data["myTimer"].flatMap(TimerInfo.init)
            }
        case .issueBody:
            // The issuance body's grammar (HelpdeskHandler `IssueBody`): a strict JSON object
            // whose members are read as bounded strings.
            if let object = (try? StrictJSON.parse(bytes))?.objectValue {
                _ = object["reason"]?.stringValue?.unicodeScalars.contains(where: \.isControlCharacter)
                _ = object["ticketId"]?.stringValue?.count
            }
        case .query:
            if let pairs = try? FormQuery.parse(text) {
                _ = FormQuery.values("q", in: pairs)
            }
        case .clientAddress:
            var headers = HTTPFields()
            headers[.xForwardedFor] = text
            _ = ClientAddress.from(headers: headers)
        case .tableFilter:
            _ = try? ODataFilter.parse(text)
        case .graphFilter:
            _ = try? GraphFilter.parse(text)
        }
    }
}

nonisolated(unsafe) var selected: Target = .json

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    selected.run(bytes)
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target's entry point as `<Module>_main`; libFuzzer's own driver
/// runs from here, with the target name taken off the arguments.
@_cdecl("EphemFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    guard argc >= 2, let argv, let name = argv[1].map({ String(cString: $0) }), let target = Target(rawValue: name) else {
        var usage = Array("usage: EphemFuzz <\(Target.allCases.map(\.rawValue).joined(separator: "|"))> [libFuzzer options] [corpus dirs]\n".utf8)
        _ = write(2, &usage, usage.count)
        return 2
    }
    selected = target
    argv[1] = argv[0]
    var count = argc - 1
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv + 1
    return LLVMFuzzerRunDriver(&count, &arguments) { start, size in fuzzOne(start, size) }
}
