import Foundation

/// Writes to standard output unbuffered, so tables and URLs reach a redirected log as they are printed
/// (Swift's `print` is block-buffered when stdout is not a terminal).
enum Console {
    static func print(_ text: String = "", terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }
}
