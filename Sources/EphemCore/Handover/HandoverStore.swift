#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `TapHandovers` table (SPEC 7.6): `PartitionKey = "handover"`, `RowKey` = the handover id.
/// Every change after the insert is an ETag-conditional replace, so of two racing transitions
/// (approvals, pick-ups, a cancel) exactly one lands and the other meets 412
/// (`HandoverStoreError.conflict`). Storage failures are `upstreamUnavailable` (fail closed).
public struct HandoverStore: Sendable {
    public static let table = "TapHandovers"
    let client: TableClient

    public init(client: TableClient) {
        self.client = client
    }

    /// Writes a new handover; returns it with its ETag.
    public func insert(_ handover: Handover) async throws(EphemError) -> Handover {
        do {
            var stored = handover
            stored.etag = try await client.insert(Self.table, handover.entity)
            return stored
        } catch {
            throw .upstreamUnavailable(detail: "handover insert: \(error)")
        }
    }

    /// The handover, or nil when no row has this id (an id that is not a GUID is never looked up).
    public func get(_ id: String) async throws(EphemError) -> Handover? {
        guard let guid = GUID(id) else { return nil }
        let entity: TableEntity?
        do {
            entity = try await client.get(Self.table, partitionKey: Handover.partitionKey, rowKey: guid.value)
        } catch .notFound {
            return nil
        } catch {
            throw .upstreamUnavailable(detail: "handover read: \(error)")
        }
        return entity.flatMap(Handover.init(entity:))
    }

    /// Replaces the row if it still has `handover.etag`; returns the handover with its new ETag.
    /// Throws `.conflict` when another transition got there first.
    public func replace(_ handover: Handover) async throws(HandoverStoreError) -> Handover {
        guard let etag = handover.etag else { throw .conflict }
        do {
            var stored = handover
            stored.etag = try await client.replace(Self.table, handover.entity, ifMatch: etag)
            return stored
        } catch .conditionNotSatisfied, .notFound {
            throw .conflict
        } catch {
            throw .unavailable(.upstreamUnavailable(detail: "handover write: \(error)"))
        }
    }

    /// Every handover matching `filter` (an OData filter built with `ODataLiteral`), newest first,
    /// at most `limit`.
    public func list(filter: String?, limit: Int = 500) async throws(EphemError) -> [Handover] {
        var found: [Handover] = []
        var continuation: TableClient.Continuation?
        let scoped = "PartitionKey eq \(ODataLiteral.string(Handover.partitionKey))" + (filter.map { " and (\($0))" } ?? "")
        repeat {
            let page: TableClient.Page
            do {
                page = try await client.query(Self.table, filter: scoped, top: 1000, continuation: continuation)
            } catch {
                throw .upstreamUnavailable(detail: "handover list: \(error)")
            }
            found += page.entities.compactMap(Handover.init(entity:))
            continuation = page.continuation
        } while continuation != nil && found.count < limit
        return Array(found.sorted { $0.createdAt > $1.createdAt }.prefix(limit))
    }
}

/// How a conditional handover write ends when it does not land.
public enum HandoverStoreError: Error, Sendable {
    /// 412: another transition changed the row first.
    case conflict
    case unavailable(EphemError)
}
