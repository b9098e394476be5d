import AppModel
import ArgumentParser
import CYaml
import Foundation
import PlacerCLI

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure Placer's hot paths; results go to docs/benchmarks.md.",
        subcommands: [
            YAMLBench.self, DecideBench.self, QualityBench.self, ForecastBench.self, FederatedBench.self, GitBench.self,
            ConsoleBench.self, ReliabilityBench.self, SoakBench.self, ScaleBench.self,
            ReconcileBench.self,
        ])
}

/// `placer-lab bench yaml`: YAMLLoader throughput against libyaml's raw event parse of the same bytes.
///
/// Two inputs: one large multi-document CRD bundle, and the example repo's app files loaded one file at a time
/// (what a reconcile does with an app repo: many small files, so per-file costs count).
struct YAMLBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "yaml",
        abstract:
            "Load throughput (MB/s) of a large CRD bundle and of app files, beside libyaml's raw event parse.")

    @Option(help: "YAML file to load (default: OCM's CRDs from ../shared/reference/ocm/crds, repeated to --lines).")
    var file: String?

    @Option(help: "Target size of the generated bundle, in lines.")
    var lines = 30_000

    @Option(help: "Copies of the example repo's app files in the app-file run (0 skips it).")
    var appCopies = 100

    @Option(help: "Timed runs of each parser; the best run counts.")
    var runs = 5

    func run() throws {
        let data = try input()
        let lineCount = data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        var documents = 0
        let placer = try best {
            documents = try YAMLLoader.load(data, file: "bundle.yaml").count
        }
        var events = 0
        let raw = try best { events = try Self.rawEventCount(data) }
        let megabytes = Double(data.count) / 1_000_000
        Console.print(
            "input: \(data.count) bytes, \(lineCount) lines, \(documents) documents, \(events) libyaml events")
        Console.print(
            String(format: "YAMLLoader (Placer):     %8.2f ms  %7.2f MB/s", placer * 1000, megabytes / placer))
        Console.print(String(format: "libyaml events (raw):    %8.2f ms  %7.2f MB/s", raw * 1000, megabytes / raw))
        Console.print(String(format: "ratio Placer / raw:      %8.3f", raw / placer))
        guard appCopies > 0 else { return }
        let apps = try appFiles()
        let files = (0..<appCopies).flatMap { _ in apps }
        let bytes = files.reduce(0) { $0 + $1.count }
        var appDocuments = 0
        let placerApps = try best {
            appDocuments = 0
            for file in files { appDocuments += try YAMLLoader.load(file, file: "app.yaml").count }
        }
        var appEvents = 0
        let rawApps = try best {
            appEvents = 0
            for file in files { appEvents += try Self.rawEventCount(file) }
        }
        let appMegabytes = Double(bytes) / 1_000_000
        Console.print(
            "app files: \(files.count) files (example-repo/apps × \(appCopies)), \(bytes) bytes, "
                + "\(appDocuments) documents, \(appEvents) libyaml events, each file loaded on its own")
        Console.print(
            String(
                format: "YAMLLoader (Placer):     %8.2f ms  %7.2f MB/s", placerApps * 1000, appMegabytes / placerApps))
        Console.print(
            String(format: "libyaml events (raw):    %8.2f ms  %7.2f MB/s", rawApps * 1000, appMegabytes / rawApps))
        Console.print(String(format: "ratio Placer / raw:      %8.3f", rawApps / placerApps))
    }

    /// The example repo's YAML files under `apps/`, in path order.
    private func appFiles() throws -> [Data] {
        guard let tree = SourceTree.locate() else { throw CommandFailure("cannot find Placer's source tree") }
        let files = try RepoFiles.read(directory: tree.exampleRepo)
        return files.filter { $0.key.hasPrefix("apps/") && $0.key.hasSuffix(".yaml") }.sorted { $0.key < $1.key }
            .map(\.value)
    }

    /// The best wall time of `runs` runs, in seconds.
    private func best(_ body: () throws -> Void) throws -> Double {
        var fastest = Double.infinity
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return fastest
    }

    private func input() throws -> Data {
        if let file { return try Data(contentsOf: URL(fileURLWithPath: file)) }
        guard let tree = SourceTree.locate() else {
            throw CommandFailure("cannot find Placer's source tree; pass --file")
        }
        let folder = tree.root.deletingLastPathComponent().appendingPathComponent("shared/reference/ocm/crds")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        guard !names.isEmpty else { throw CommandFailure("no CRDs in \(folder.path); pass --file") }
        var bundle = Data()
        var lineCount = 0
        while lineCount < lines {
            for name in names {
                let crd = try Data(contentsOf: folder.appendingPathComponent(name))
                bundle.append(Data("---\n".utf8))
                bundle.append(crd)
                if crd.last != 0x0A { bundle.append(0x0A) }
                lineCount += crd.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            }
        }
        return bundle
    }

    /// Parses `data` with libyaml's event API (the parser under Yams), building nothing; returns the event count.
    static func rawEventCount(_ data: Data) throws -> Int {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw CommandFailure("libyaml: cannot initialise") }
        defer { yaml_parser_delete(&parser) }
        return try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var count = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw CommandFailure("libyaml: parse error at line \(parser.problem_mark.line + 1)")
                }
                count += 1
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                if done { return count }
            }
        }
    }
}
