import Foundation
import FuzzTargets

// Built two ways. `scripts/fuzz.sh` builds with `-sanitize=fuzzer -D PLACER_LIBFUZZER`: libFuzzer supplies
// `main` and calls the two C entry points below. The ordinary `swift build` makes a replayer instead:
// `placer-fuzz <target> <file or folder>...` runs each input through the target's invariants once.

#if PLACER_LIBFUZZER
    nonisolated(unsafe) private var selected: FuzzTarget = .yaml

    /// libFuzzer's initialisation hook: picks the target from `PLACER_FUZZ_TARGET`.
    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzerInitialize(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
    ) -> Int32 {
        let name = ProcessInfo.processInfo.environment["PLACER_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set PLACER_FUZZ_TARGET to one of \(names)\n".utf8))
            exit(2)
        }
        selected = target
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// The entry point SwiftPM's debug build links as `main` (it renames an executable's `main` to
    /// `<module>_main` so tests can import the module): hands over to libFuzzer's driver.
    @_cdecl("placer_fuzz_main")
    public func fuzzMain(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    ) -> Int32 {
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return runFuzzerDriver(&count, &arguments) { bytes, size in
            fuzzerTestOneInput(bytes ?? UnsafePointer(bitPattern: 1)!, size)
        }
    }

    /// libFuzzer's per-input hook: an invariant violation aborts, so libFuzzer saves the input as a crash.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        if let violation = selected.check(Data(bytes: bytes, count: count)) {
            fatalError("invariant violated (\(selected.rawValue)): \(violation)")
        }
        return 0
    }
#else
    @main
    struct FuzzReplay {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
                let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
                print("usage: placer-fuzz <\(names)> <file or folder>...")
                print("replays inputs; build with scripts/fuzz.sh to fuzz")
                exit(2)
            }
            var failures = 0
            var count = 0
            for input in arguments.dropFirst() {
                for file in files(at: input) {
                    count += 1
                    guard let data = FileManager.default.contents(atPath: file) else {
                        print("\(file): unreadable")
                        failures += 1
                        continue
                    }
                    if let violation = target.check(data) {
                        print("\(file): \(violation)")
                        failures += 1
                    }
                }
            }
            print("\(target.rawValue): \(count) inputs, \(failures) violations")
            exit(failures == 0 ? 0 : 1)
        }

        static func files(at path: String) -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
            else { return [path] }
            let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
            return names.sorted().map { "\(path)/\($0)" }.filter {
                var nested: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue
            }
        }
    }
#endif
