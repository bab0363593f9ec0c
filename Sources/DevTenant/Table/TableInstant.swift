#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EphemCore

/// An instant in 100 ns ticks since 1970-01-01 UTC: the precision of the Table service's
/// `Timestamp` and of `Edm.DateTime` values (table-service-recorded.md "ETag / Timestamp").
struct TableInstant: Sendable, Hashable, Comparable {
    var ticks: Int64

    static let ticksPerSecond: Int64 = 10_000_000
    static let secondsPerDay: Int64 = 86_400

    static func < (lhs: TableInstant, rhs: TableInstant) -> Bool { lhs.ticks < rhs.ticks }

    static func now() -> TableInstant {
        TableInstant(ticks: Int64((Date().timeIntervalSince1970 * Double(ticksPerSecond)).rounded(.down)))
    }

    var date: Date { Date(timeIntervalSince1970: Double(ticks) / Double(Self.ticksPerSecond)) }

    private var parts: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, fraction: Int64) {
        let seconds = Self.floorDiv(ticks, Self.ticksPerSecond)
        let fraction = ticks - seconds * Self.ticksPerSecond
        let days = Self.floorDiv(seconds, Self.secondsPerDay)
        let inDay = seconds - days * Self.secondsPerDay
        let (year, month, day) = Self.civil(fromDays: days)
        return (year, month, day, inDay / 3600, inDay / 60 % 60, inDay % 60, fraction)
    }

    /// `2021-09-20T22:00:57.8980974Z`; `trimmed` drops trailing zeros of the fraction (and the
    /// fraction itself when zero), as `Timestamp`, ETags and `Edm.DateTime` values are written.
    /// Error messages' `Time:` keeps all seven digits.
    func iso8601(trimmed: Bool) -> String {
        let p = parts
        var text = "\(Self.pad(p.year, 4))-\(Self.pad(p.month, 2))-\(Self.pad(p.day, 2))T\(Self.pad(p.hour, 2)):\(Self.pad(p.minute, 2)):\(Self.pad(p.second, 2))"
        var digits = Self.pad(p.fraction, 7)
        if trimmed { while digits.hasSuffix("0") { digits.removeLast() } }
        if !digits.isEmpty { text += "." + digits }
        return text + "Z"
    }

    /// RFC 1123, as in `Date` / `x-ms-date` headers: `Tue, 21 Sep 2021 00:50:22 GMT`.
    var rfc1123: String {
        let p = parts
        let days = Self.floorDiv(Self.floorDiv(ticks, Self.ticksPerSecond), Self.secondsPerDay)
        let weekday = Self.weekdays[Int(((days % 7) + 10) % 7)]  // 1970-01-01 was a Thursday
        return "\(weekday), \(Self.pad(p.day, 2)) \(Self.months[Int(p.month - 1)]) \(Self.pad(p.year, 4)) \(Self.pad(p.hour, 2)):\(Self.pad(p.minute, 2)):\(Self.pad(p.second, 2)) GMT"
    }

    /// Parses `yyyy-MM-ddTHH:mm[:ss[.f{1,7}]](Z|±HH:mm)`, the forms OData `Edm.DateTime` takes.
    init?(iso8601 text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"), let month = scanner.digits(2), scanner.take("-"),
              let day = scanner.digits(2), scanner.take("T"), let hour = scanner.digits(2), scanner.take(":"),
              let minute = scanner.digits(2) else { return nil }
        var second: Int64 = 0, fraction: Int64 = 0
        if scanner.take(":") {
            guard let s = scanner.digits(2) else { return nil }
            second = s
            if scanner.take(".") {
                var count = 0
                while let digit = scanner.digit() {
                    count += 1
                    guard count <= 7 else { return nil }
                    fraction = fraction * 10 + digit
                }
                guard count > 0 else { return nil }
                for _ in count..<7 { fraction *= 10 }
            }
        }
        var offset: Int64 = 0
        if scanner.take("Z") {
        } else if let sign = scanner.sign(), let oh = scanner.digits(2), scanner.take(":"), let om = scanner.digits(2), oh < 24, om < 60 {
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard scanner.atEnd, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        let seconds = Self.days(year: year, month: month, day: day) * Self.secondsPerDay + hour * 3600 + minute * 60 + second - offset
        ticks = seconds * Self.ticksPerSecond + fraction
    }

    /// Parses an RFC 1123 date (`Tue, 21 Sep 2021 00:50:22 GMT`).
    init?(rfc1123 text: String) {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT", let day = Int64(fields[1]), let year = Int64(fields[3]),
              let monthIndex = Self.months.firstIndex(of: String(fields[2])) else { return nil }
        let time = fields[4].split(separator: ":").compactMap { Int64($0) }
        guard time.count == 3, time[0] < 24, time[1] < 60, time[2] < 61,
              day >= 1, day <= Self.daysIn(month: Int64(monthIndex + 1), year: year) else { return nil }
        let seconds = Self.days(year: year, month: Int64(monthIndex + 1), day: day) * Self.secondsPerDay + time[0] * 3600 + time[1] * 60 + time[2]
        ticks = seconds * Self.ticksPerSecond
    }

    init(ticks: Int64) { self.ticks = ticks }

    // MARK: calendar arithmetic (proleptic Gregorian, days since 1970-01-01)

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        CivilDate.days(year: year, month: month, day: day)
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let date = CivilDate.fromDays(days)
        return (date.year, date.month, date.day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { index == bytes.count }
        mutating func take(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }
        mutating func digit() -> Int64? {
            guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
            index += 1
            return Int64(bytes[index - 1] - 48)
        }
        mutating func digits(_ count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }
        mutating func sign() -> Int64? { take("+") ? 1 : (take("-") ? -1 : nil) }
    }
}
