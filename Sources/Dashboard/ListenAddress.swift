/// A `host:port` to listen on, as given to `--webhook-listen`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address or host name (`127.0.0.1`, `0.0.0.0`, `::1`, `localhost`).
    public var host: String
    /// The TCP port, 0…65535 (0 picks a free one).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[ipv6]:port` or `:port` (all interfaces, `0.0.0.0`).
    /// - Throws: ``ListenAddressError/invalid(_:)`` when the port is missing or out of range, or the host is empty
    ///   inside brackets.
    public static func parse(_ text: String) throws(ListenAddressError) -> ListenAddress {
        guard let colon = text.lastIndex(of: ":") else { throw .invalid(text) }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw .invalid(text)
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw .invalid(text) }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .invalid(text)  // a bare IPv6 address is ambiguous: it needs brackets
        }
        return ListenAddress(host: host.isEmpty ? "0.0.0.0" : host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a listen address does not parse.
public enum ListenAddressError: Error, Equatable, CustomStringConvertible {
    /// The text given; expected `host:port`.
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text): "listen address \(text) is not host:port (port 0-65535; IPv6 in brackets)"
        }
    }
}
