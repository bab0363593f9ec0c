/// The `odata=` level a request asked for (`Accept`, or `$format` as .NET sends it). `Accept:
/// application/json` without a parameter gets minimalmetadata (table-service-recorded.md
/// "Status codes and headers").
enum MetadataLevel: Sendable {
    case none, minimal, full

    init(accept: String?, format: String?) {
        let text = (format ?? accept ?? "").lowercased()
        if text.contains("odata=nometadata") { self = .none } else if text.contains("odata=fullmetadata") { self = .full } else { self = .minimal }
    }

    var contentType: String {
        switch self {
        case .none: "application/json;odata=nometadata;streaming=true;charset=utf-8"
        case .minimal: "application/json;odata=minimalmetadata;streaming=true;charset=utf-8"
        case .full: "application/json;odata=fullmetadata;streaming=true;charset=utf-8"
        }
    }
}

/// Entity and table bodies per metadata level (reference 4.3; table-service-recorded.md "Edm
/// typing per metadata level" and "Body framing"): PartitionKey, RowKey, Timestamp first, then
/// the properties in stored order, each `X@odata.type` immediately before `X` when annotated.
struct EntityJSON {
    /// `http://127.0.0.1:{port}/devstoreaccount1`
    var base: String
    var account: String
    var level: MetadataLevel

    static func entityPath(table: String, key: EntityKey) -> String {
        "\(table)(PartitionKey='\(URLPath.escapeKey(key.partitionKey))',RowKey='\(URLPath.escapeKey(key.rowKey))')"
    }

    /// One entity's members. `select` (from `$select`) limits the properties, system ones included.
    func members(_ entity: TableEntity, table: String, select: [String]?) -> [(String, String)] {
        var out: [(String, String)] = []
        let path = Self.entityPath(table: table, key: entity.key)
        switch level {
        case .none: break
        case .minimal: out.append(("odata.etag", JSONText.quote(entity.etag)))
        case .full:
            out.append(("odata.type", JSONText.quote("\(account).\(table)")))
            out.append(("odata.id", JSONText.quote("\(base)/\(path)")))
            out.append(("odata.etag", JSONText.quote(entity.etag)))
            out.append(("odata.editLink", JSONText.quote(path)))
        }
        func wanted(_ name: String) -> Bool { select.map { $0.contains(name) } ?? true }
        if wanted("PartitionKey") { out.append(("PartitionKey", JSONText.quote(entity.key.partitionKey))) }
        if wanted("RowKey") { out.append(("RowKey", JSONText.quote(entity.key.rowKey))) }
        if wanted("Timestamp") {
            if level == .full { out.append(("Timestamp@odata.type", JSONText.quote("Edm.DateTime"))) }
            out.append(("Timestamp", EdmValue.dateTime(entity.timestamp).jsonText))
        }
        for property in entity.properties where wanted(property.name) {
            if level != .none, property.value.annotatedInJSON {
                out.append(("\(property.name)@odata.type", JSONText.quote(property.value.typeName)))
            }
            out.append((property.name, property.value.jsonText))
        }
        return out
    }

    /// A single entity (`…/$metadata#<table>/@Element`), as Get Entity and Insert answer.
    func element(_ entity: TableEntity, table: String) -> String {
        var out: [(String, String)] = []
        if level != .none { out.append(("odata.metadata", JSONText.quote("\(base)/$metadata#\(table)/@Element"))) }
        return JSONText.object(out + members(entity, table: table, select: nil))
    }

    /// A query page (`{"odata.metadata":"…/$metadata#<table>","value":[…]}`).
    func feed(_ entities: [TableEntity], table: String, select: [String]?) -> String {
        let values = "[" + entities.map { JSONText.object(members($0, table: table, select: select)) }.joined(separator: ",") + "]"
        var out: [(String, String)] = []
        if level != .none { out.append(("odata.metadata", JSONText.quote("\(base)/$metadata#\(table)"))) }
        out.append(("value", values))
        return JSONText.object(out)
    }

    func tableMembers(_ name: String) -> [(String, String)] {
        var out: [(String, String)] = []
        if level == .full {
            out.append(("odata.type", JSONText.quote("\(account).Tables")))
            out.append(("odata.id", JSONText.quote("\(base)/Tables('\(name)')")))
            out.append(("odata.editLink", JSONText.quote("Tables('\(name)')")))
        }
        out.append(("TableName", JSONText.quote(name)))
        return out
    }

    /// Create Table's 201 body (`$metadata#Tables/@Element` plus `TableName`).
    func tableElement(_ name: String) -> String {
        var out: [(String, String)] = []
        if level != .none { out.append(("odata.metadata", JSONText.quote("\(base)/$metadata#Tables/@Element"))) }
        return JSONText.object(out + tableMembers(name))
    }

    /// Query Tables' body (`$metadata#Tables`).
    func tableFeed(_ names: [String]) -> String {
        var out: [(String, String)] = []
        if level != .none { out.append(("odata.metadata", JSONText.quote("\(base)/$metadata#Tables"))) }
        out.append(("value", "[" + names.map { JSONText.object(tableMembers($0)) }.joined(separator: ",") + "]"))
        return JSONText.object(out)
    }
}
