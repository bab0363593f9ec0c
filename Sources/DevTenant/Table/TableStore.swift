import EphemCore
import Synchronization

/// The `If-Match` of an update, merge or delete (reference 4.2 "If-Match matrix").
enum WritePrecondition: Equatable {
    /// No `If-Match`: an upsert (PUT = insert-or-replace, MERGE/PATCH = insert-or-merge).
    case none
    /// `*`: the entity must exist.
    case any
    /// A weak ETag that must equal the entity's current one.
    case etag(String)

    /// An empty value is 412 and a value that is not a weak ETag is 400 `InvalidInput`.
    init(header: String?) throws(TableError) {
        guard let header else { self = .none; return }
        let value = String(header.trimmingASCIIWhitespace())
        if value.isEmpty { throw .updateConditionNotSatisfied }
        if value == "*" { self = .any; return }
        guard value.hasPrefix("W/\""), value.hasSuffix("\""), value.count > 4 else { throw .invalidInput("The If-Match value is not a weak ETag.") }
        self = .etag(value)
    }
}

/// The in-memory account: tables and their entities, kept sorted by PartitionKey then RowKey.
/// Every write takes a new Timestamp strictly after the previous one, so no two writes share
/// an ETag (reference 4.3 "ETag").
final class TableStore: Sendable {
    struct Table {
        var name: String
        var keys: [EntityKey] = []
        var entities: [EntityKey: TableEntity] = [:]
    }

    struct State {
        var tables: [String: Table] = [:]
        var lastTicks: Int64 = 0
        var pageSize = 1000

        mutating func nextTimestamp() -> TableInstant {
            lastTicks = max(TableInstant.now().ticks, lastTicks + 1)
            return TableInstant(ticks: lastTicks)
        }
    }

    private let state = Mutex(State())

    var pageSize: Int {
        get { state.withLock { $0.pageSize } }
        set { state.withLock { $0.pageSize = newValue } }
    }

    func entityCount(table: String) -> Int { state.withLock { $0.tables[table.lowercased()]?.keys.count ?? 0 } }

    // MARK: tables

    /// Names match `^[A-Za-z][A-Za-z0-9]{2,62}$` and are not `tables` (reference 4.3).
    static func isValidTableName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count), name.lowercased() != "tables",
              let first = bytes.first, (65...90).contains(first) || (97...122).contains(first) else { return false }
        return bytes.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    func createTable(_ name: String) throws(TableError) {
        guard Self.isValidTableName(name) else { throw .invalidResourceName }
        try state.withLock { (state) throws(TableError) in
            guard state.tables[name.lowercased()] == nil else { throw .tableAlreadyExists }
            state.tables[name.lowercased()] = Table(name: name)
        }
    }

    func deleteTable(_ name: String) throws(TableError) {
        try state.withLock { (state) throws(TableError) in
            guard state.tables.removeValue(forKey: name.lowercased()) != nil else { throw .resourceNotFound }
        }
    }

    /// The table's name as created, if it exists.
    func table(_ name: String) -> String? { state.withLock { $0.tables[name.lowercased()]?.name } }

    /// Tables in name order, from `after` (a `NextTableName` position) on, `limit` at most.
    func listTables(filter: ODataFilter?, limit: Int, after: String?) -> (names: [String], next: String?) {
        let all = state.withLock { $0.tables.values.map(\.name) }.sorted { $0.lowercased() < $1.lowercased() }
        var page: [String] = []
        for name in all where after.map({ name.lowercased() >= $0 }) ?? true {
            guard filter?.matches({ $0 == "TableName" ? .string(name) : nil }) ?? true else { continue }
            if page.count == limit { return (page, name) }
            page.append(name)
        }
        return (page, nil)
    }

    // MARK: entities

    private func withTable<T>(_ name: String, _ body: (inout Table, inout State) throws(TableError) -> T) throws(TableError) -> T {
        try state.withLock { (state) throws(TableError) -> T in
            guard var table = state.tables.removeValue(forKey: name.lowercased()) else { throw .tableNotFound }
            defer { state.tables[name.lowercased()] = table }
            return try body(&table, &state)
        }
    }

    /// Insert Entity: 409 `EntityAlreadyExists` if the key is taken. Properties keep request order.
    func insert(table: String, key: EntityKey, properties: [EntityProperty]) throws(TableError) -> TableEntity {
        try EntityRules.checkSizes(key, properties)
        return try withTable(table) { (table, state) throws(TableError) in
            guard table.entities[key] == nil else { throw .entityAlreadyExists }
            let entity = TableEntity(key: key, timestamp: state.nextTimestamp(), properties: properties)
            table.entities[key] = entity
            table.keys.insert(key, at: Self.lowerBound(table.keys, key))
            return entity
        }
    }

    /// Update/Merge (with `If-Match`) and Insert-or-Replace/Insert-or-Merge (without). Properties
    /// come back in ordinal name order after these writes (table-service-recorded.md "Property order").
    func write(table: String, key: EntityKey, properties: [EntityProperty], merge: Bool,
               precondition: WritePrecondition) throws(TableError) -> TableEntity {
        try withTable(table) { (table, state) throws(TableError) in
            let existing = table.entities[key]
            try Self.check(precondition, existing)
            var merged = merge ? existing?.properties ?? [] : []
            for property in properties {
                if let index = merged.firstIndex(where: { $0.name == property.name }) { merged[index] = property } else { merged.append(property) }
            }
            merged.sort { EdmValue.ordinal($0.name, $1.name) < 0 }
            try EntityRules.checkSizes(key, merged)
            let entity = TableEntity(key: key, timestamp: state.nextTimestamp(), properties: merged)
            if existing == nil { table.keys.insert(key, at: Self.lowerBound(table.keys, key)) }
            table.entities[key] = entity
            return entity
        }
    }

    /// Delete Entity: `If-Match` is required (`*` is unconditional).
    func delete(table: String, key: EntityKey, precondition: WritePrecondition) throws(TableError) {
        try withTable(table) { (table, _) throws(TableError) in
            let existing = table.entities[key]
            try Self.check(precondition == .none ? .any : precondition, existing)
            table.entities[key] = nil
            let index = Self.lowerBound(table.keys, key)
            if index < table.keys.count, table.keys[index] == key { table.keys.remove(at: index) }
        }
    }

    func get(table: String, key: EntityKey) throws(TableError) -> TableEntity {
        try withTable(table) { (table, _) throws(TableError) in
            guard let entity = table.entities[key] else { throw .resourceNotFound }
            return entity
        }
    }

    static func check(_ precondition: WritePrecondition, _ existing: TableEntity?) throws(TableError) {
        switch precondition {
        case .none: return
        case .any: if existing == nil { throw .resourceNotFound }
        case .etag(let etag):
            guard let existing else { throw .resourceNotFound }
            if existing.etag != etag { throw .updateConditionNotSatisfied }
        }
    }

    /// Query Entities: matches in key order from `start` on, at most `limit`, and the key of the
    /// next match (the continuation position) if there is one. A filter's key ranges on the
    /// top-level `and` chain start and stop the scan early.
    func query(table: String, filter: ODataFilter?, limit: Int, start: EntityKey?) throws(TableError) -> (page: [TableEntity], next: EntityKey?) {
        try withTable(table) { (table, _) throws(TableError) in
            let none = ODataFilter.KeyBounds()
            let pk = filter?.stringBounds(of: "PartitionKey") ?? none
            let rk = pk.equal != nil ? filter?.stringBounds(of: "RowKey") ?? none : none
            var from = start ?? EntityKey(partitionKey: "", rowKey: "")
            if let equal = pk.equal {
                from = max(from, EntityKey(partitionKey: equal, rowKey: rk.equal ?? rk.lower ?? ""))
            } else if let lower = pk.lower {
                from = max(from, EntityKey(partitionKey: lower, rowKey: ""))
            }
            let pkUpper = pk.equal ?? pk.upper
            let rkUpper = rk.equal ?? rk.upper
            var page: [TableEntity] = []
            var index = Self.lowerBound(table.keys, from)
            while index < table.keys.count {
                let key = table.keys[index]
                index += 1
                if let pkUpper, EdmValue.ordinal(key.partitionKey, pkUpper) > 0 { break }
                if let rkUpper, key.partitionKey == pk.equal, EdmValue.ordinal(key.rowKey, rkUpper) > 0 { break }
                guard let entity = table.entities[key], filter?.matches(entity.value(of:)) ?? true else { continue }
                if page.count == limit { return (page, key) }
                page.append(entity)
            }
            return (page, nil)
        }
    }

    static func lowerBound(_ keys: [EntityKey], _ key: EntityKey) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
