import EphemCore

/// A Functions timer schedule: six NCRONTAB fields `second minute hour day month day-of-week`,
/// evaluated in UTC (reference 1.3). Five fields (no seconds) are accepted too. Each field takes
/// `*`, `n`, `a-b`, `*/s`, `a-b/s` and comma lists; months and days also by English abbreviation
/// (`JAN`, `MON`); day-of-week 0 and 7 are Sunday. When both day and day-of-week are restricted, a
/// day matching either one counts, as in cron.
public struct NCrontab: Sendable, Equatable {
    var seconds: Set<Int>
    var minutes: Set<Int>
    var hours: Set<Int>
    var days: Set<Int>
    var months: Set<Int>
    var weekdays: Set<Int>
    var dayRestricted: Bool
    var weekdayRestricted: Bool

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var expression: String
        public var problem: String
        public var description: String { "invalid schedule \"\(expression)\": \(problem)" }
    }

    public init(_ expression: String) throws(ParseError) {
        var fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if fields.count == 5 { fields.insert("0", at: 0) }
        guard fields.count == 6 else {
            throw ParseError(expression: expression, problem: "expected 6 fields (second minute hour day month day-of-week)")
        }
        func parse(_ index: Int, _ range: ClosedRange<Int>, _ names: [String]) throws(ParseError) -> Set<Int> {
            do {
                return try Self.field(fields[index], range: range, names: names)
            } catch {
                throw ParseError(expression: expression, problem: "field \(index + 1) (\(fields[index])) \(error.problem)")
            }
        }
        seconds = try parse(0, 0...59, [])
        minutes = try parse(1, 0...59, [])
        hours = try parse(2, 0...23, [])
        days = try parse(3, 1...31, [])
        months = try parse(4, 1...12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])
        var weekdaySet = try parse(5, 0...7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])
        if weekdaySet.remove(7) != nil { weekdaySet.insert(0) }
        weekdays = weekdaySet
        dayRestricted = fields[3] != "*" && fields[3] != "?"
        weekdayRestricted = fields[5] != "*" && fields[5] != "?"
    }

    struct FieldError: Error { var problem: String }

    static func field(_ text: String, range: ClosedRange<Int>, names: [String]) throws(FieldError) -> Set<Int> {
        var result = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw FieldError(problem: "has an empty list item") }
            var step = 1
            var body = Substring(part)
            if let slash = part.firstIndex(of: "/") {
                guard let value = Int(part[part.index(after: slash)...]), value > 0 else { throw FieldError(problem: "has a bad step") }
                step = value
                body = part[..<slash]
            }
            let lower: Int
            let upper: Int
            if body == "*" || body == "?" {
                lower = range.lowerBound
                upper = range.upperBound
            } else if let dash = body.firstIndex(of: "-") {
                lower = try value(body[..<dash], range: range, names: names)
                upper = try value(body[body.index(after: dash)...], range: range, names: names)
                guard lower <= upper else { throw FieldError(problem: "has a range that runs backwards") }
            } else {
                lower = try value(body, range: range, names: names)
                upper = part.contains("/") ? range.upperBound : lower
            }
            result.formUnion(stride(from: lower, through: upper, by: step))
        }
        return result
    }

    static func value(_ text: Substring, range: ClosedRange<Int>, names: [String]) throws(FieldError) -> Int {
        if let number = Int(text) {
            guard range.contains(number) else { throw FieldError(problem: "has \(number) outside \(range.lowerBound)-\(range.upperBound)") }
            return number
        }
        if let index = names.firstIndex(of: text.uppercased()) {
            return names.count == 12 ? index + 1 : index
        }
        throw FieldError(problem: "has \"\(text)\", which is not a number")
    }

    /// The first occurrence strictly after `after` (seconds since 1970, UTC), within eight years.
    public func next(after: Int64) -> Int64? {
        let start = after + 1
        var day = Self.floorDiv(start, 86_400)
        var secondOfDay = Int(start - day * 86_400)
        for _ in 0..<(366 * 8) {
            let (year, month, dayOfMonth) = Self.civil(fromDays: day)
            _ = year
            let weekday = Int(((day % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
            if months.contains(month), dayMatches(day: dayOfMonth, weekday: weekday),
               let time = firstTime(atOrAfter: secondOfDay) {
                return day * 86_400 + Int64(time)
            }
            day += 1
            secondOfDay = 0
        }
        return nil
    }

    func dayMatches(day: Int, weekday: Int) -> Bool {
        switch (dayRestricted, weekdayRestricted) {
        case (true, true): days.contains(day) || weekdays.contains(weekday)
        case (true, false): days.contains(day)
        case (false, true): weekdays.contains(weekday)
        case (false, false): true
        }
    }

    func firstTime(atOrAfter secondOfDay: Int) -> Int? {
        for hour in hours.sorted() where (hour + 1) * 3600 > secondOfDay {
            for minute in minutes.sorted() where hour * 3600 + (minute + 1) * 60 > secondOfDay {
                for second in seconds.sorted() {
                    let candidate = hour * 3600 + minute * 60 + second
                    if candidate >= secondOfDay { return candidate }
                }
            }
        }
        return nil
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let date = CivilDate.fromDays(days)
        return (Int(date.year), Int(date.month), Int(date.day))
    }
}
