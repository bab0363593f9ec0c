/// A failed Table operation: status, PascalCase code and the service's message text
/// (reference 4.2 error table; table-service-recorded.md "Errors", messages verbatim where
/// recorded, typos included).
struct TableError: Error, Equatable {
    var status: Int
    var code: String
    var message: String

    static let tableAlreadyExists = TableError(status: 409, code: "TableAlreadyExists", message: "The table specified already exists.")
    static let tableNotFound = TableError(status: 404, code: "TableNotFound", message: "The table specified does not exist.")
    static let entityAlreadyExists = TableError(status: 409, code: "EntityAlreadyExists", message: "The specified entity already exists.")
    static let resourceNotFound = TableError(status: 404, code: "ResourceNotFound", message: "The specified resource does not exist.")
    static let updateConditionNotSatisfied = TableError(status: 412, code: "UpdateConditionNotSatisfied",
                                                        message: "The update condition specified in the request was not satisfied.")
    static let invalidResourceName = TableError(status: 400, code: "InvalidResourceName",
                                                message: "The specifed resource name contains invalid characters.")
    static let invalidInput = TableError(status: 400, code: "InvalidInput", message: "One of the request inputs is not valid.")
    static let propertiesNeedValue = TableError(status: 400, code: "PropertiesNeedValue",
                                                message: "The values are not specified for all properties in the entity.")
    static let keyValueTooLarge = TableError(status: 400, code: "KeyValueTooLarge",
                                             message: "The size of the PartitionKey or RowKey value exceeds the maximum allowed size of 1 KiB.")
    static let propertyValueTooLarge = TableError(status: 400, code: "PropertyValueTooLarge",
                                                  message: "The property value exceeds the maximum allowed size (64KB). If the property value is a string, it is UTF-16 encoded and the maximum number of characters should be 32K or less.")
    static let entityTooLarge = TableError(status: 400, code: "EntityTooLarge", message: "The entity is larger than the maximum allowed size (1MB).")
    static let tooManyProperties = TableError(status: 400, code: "TooManyProperties",
                                              message: "The entity contains more properties than allowed. Each entity can include up to 252 properties to store data. Each entity also has 3 system properties.")
    static let propertyNameInvalid = TableError(status: 400, code: "PropertyNameInvalid", message: "The property name is invalid.")
    static let propertyNameTooLong = TableError(status: 400, code: "PropertyNameTooLong", message: "The property name exceeds the maximum allowed length (255).")
    static let duplicateProperties = TableError(status: 400, code: "DuplicatePropertiesSpecified", message: "A property is specified more than one time.")
    static let requestBodyTooLarge = TableError(status: 413, code: "RequestBodyTooLarge", message: "The request body is too large and exceeds the maximum permissible limit.")
    static let unsupportedVerb = TableError(status: 405, code: "UnsupportedHttpVerb", message: "The resource doesn't support specified Http Verb.")
    static let invalidHeaderValue = TableError(status: 400, code: "InvalidHeaderValue", message: "The value for one of the HTTP headers is not in the correct format.")
    static let atomNotSupported = TableError(status: 415, code: "AtomFormatNotSupported", message: "Atom format is not supported.")

    /// What `/dev/faults` answers for the `table` target: 503 `ServerBusy` as the service throttles,
    /// 412 as a lost ETag race, 500 `InternalError` otherwise.
    static func injected(status: Int) -> TableError {
        switch status {
        case 503: TableError(status: 503, code: "ServerBusy", message: "The server is busy.")
        case 412: TableError(status: 412, code: updateConditionNotSatisfied.code, message: updateConditionNotSatisfied.message)
        case 409: TableError(status: 409, code: entityAlreadyExists.code, message: entityAlreadyExists.message)
        case 429: TableError(status: 429, code: "ServerBusy", message: "The server is busy.")
        case 500: TableError(status: 500, code: "InternalError", message: "The server encountered an internal error. Please retry the request.")
        default: TableError(status: status, code: "InternalError", message: "The service is temporarily unavailable.")
        }
    }

    static func invalidInput(_ detail: String) -> TableError {
        TableError(status: 400, code: "InvalidInput", message: "One of the request inputs is not valid. \(detail)")
    }
}

/// An authentication failure, answered in XML (table-service-recorded.md "Auth failures are XML").
struct TableAuthError: Error, Equatable {
    var status: Int
    var code: String
    var message: String

    /// 401: no usable Bearer token (the service points to its `WWW-Authenticate` challenge).
    static let invalidAuthenticationInfo = TableAuthError(
        status: 401, code: "InvalidAuthenticationInfo",
        message: "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.")

    /// 403: a Shared Key signature that does not verify, or a request outside the time window.
    static func authenticationFailed(_ detail: String) -> TableAuthError {
        TableAuthError(status: 403, code: "AuthenticationFailed",
                       message: "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. \(detail)")
    }
}
