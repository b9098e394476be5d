/// A failure that ArgumentParser prints as one `Error: …` line, exiting 1 (no usage text: the arguments were fine).
public struct CommandFailure: Error, CustomStringConvertible {
    /// The one line printed after `Error: `.
    public var description: String

    /// - Parameter message: the line to print (lower-case, no trailing period).
    public init(_ message: String) { description = message }
}
