import Foundation

/// Writes to standard output unbuffered, so tables and URLs reach a redirected log as they are printed
/// (Swift's `print` is block-buffered when stdout is not a terminal).
public enum Console {
    /// Writes `text` and `terminator` to standard output at once.
    /// - Parameters:
    ///   - text: the text (UTF-8).
    ///   - terminator: appended after `text` (default: a newline).
    public static func print(_ text: String = "", terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }
}
