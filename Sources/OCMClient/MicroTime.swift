import Foundation

/// RFC 3339 timestamps as Kubernetes writes them: `metav1.Time` (`2026-11-30T10:00:00Z`) and `metav1.MicroTime`
/// (`2026-11-30T10:00:00.123456Z`, as in Lease `acquireTime`/`renewTime`).
public enum MicroTime {
    /// Formats a date as a MicroTime: UTC, six fractional digits.
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone.current
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        let micros = min(999_999, Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded()))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(micros, 6))Z"
    }

    /// Parses an RFC 3339 date-time with or without fractional seconds and with `Z` or a `±hh:mm` offset.
    /// - Returns: nil when the text is not such a timestamp.
    public static func parse(_ text: String) -> Date? {
        var text = text.trimmingCharacters(in: .whitespaces)
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."), let tIndex = text.firstIndex(where: { $0 == "T" || $0 == "t" }),
            dot > tIndex
        {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Double("0." + digits) else { return nil }
            fraction = value
            text.removeSubrange(dot..<text.index(text.index(after: dot), offsetBy: digits.count))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
