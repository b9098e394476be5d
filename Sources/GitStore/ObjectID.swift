import CLibGit2

/// A Git object id (SHA-1), held as 40 lower-case hex digits.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    /// The id as 40 lower-case hexadecimal digits.
    public let hex: String

    /// Parses an object id.
    ///
    /// - Parameter hex: 40 hexadecimal digits, either case.
    /// - Returns: nil unless `hex` is exactly 40 hex digits.
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 40, lower.utf8.allSatisfy({ ObjectID.isHexDigit($0) }) else {
            return nil
        }
        self.hex = lower
    }

    /// Wraps a libgit2 oid.
    init(_ oid: git_oid) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(40)
        withUnsafeBytes(of: oid.id) { bytes in
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0f)])
            }
        }
        self.hex = String(decoding: text, as: UTF8.self)
    }

    /// Wraps the oid a libgit2 pointer points to.
    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    /// This id as a libgit2 oid.
    ///
    /// - Throws: `GitError` if libgit2 rejects the hex (cannot happen for a validated id).
    func oid() throws -> git_oid {
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, hex), "git_oid_fromstr")
        return oid
    }

    public var description: String { hex }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)
    }
}
