import Foundation
@testable import FunctionsHost
import Testing

struct NCrontabTests {
    static func epoch(_ iso: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        return Int64(formatter.date(from: iso)!.timeIntervalSince1970)
    }

    @Test(arguments: [
        ("0 30 3 * * *", "2026-11-23T06:00:00Z", "2026-11-24T03:30:00Z"),
        ("0 30 3 * * *", "2026-11-23T03:29:59Z", "2026-11-23T03:30:00Z"),
        ("0 30 3 * * *", "2026-11-23T03:30:00Z", "2026-11-24T03:30:00Z"),
        ("*/15 * * * * *", "2026-11-23T06:00:07Z", "2026-11-23T06:00:15Z"),
        ("0 */5 * * * *", "2026-11-23T06:04:59Z", "2026-11-23T06:05:00Z"),
        ("0 0 9-17 * * MON-FRI", "2026-11-28T10:00:00Z", "2026-11-30T09:00:00Z"),
        ("0 0 0 1 JAN *", "2026-11-23T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("0 0 12 29 FEB *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"),
        ("0 0 0 * * 0", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("0 0 0 * * 7", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("30 0 * * *", "2026-11-23T06:00:00Z", "2026-11-24T00:30:00Z"),
        ("0 0,30 8 * * *", "2026-11-23T08:10:00Z", "2026-11-23T08:30:00Z"),
        ("0 0 0 31 * *", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z"),
    ])
    func nextOccurrence(expression: String, after: String, expected: String) throws {
        let schedule = try NCrontab(expression)
        #expect(schedule.next(after: Self.epoch(after)) == Self.epoch(expected))
    }

    @Test(arguments: ["", "* * * *", "61 * * * * *", "* * 24 * * *", "* * * 0 * *", "* * * * 13 *", "*/0 * * * * *", "5-1 * * * * *", "a * * * * *", "* * * * * FUNDAY", "1,,2 * * * * *"])
    func rejectsBadExpressions(expression: String) {
        #expect(throws: NCrontab.ParseError.self) { try NCrontab(expression) }
    }
}
