#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ISO 8601 timestamps in UTC with `Z`: the simulated Graph's and `/dev/requests`'.
public enum ISOTime {
    /// UTC with `Z`, milliseconds unless `fractional` is false (Graph's and `/dev/requests`' timestamps).
    public static func string(_ date: Date, fractional: Bool = true) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: fractional).format(date)
    }

    public static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
