import Foundation
import PlacerTestSupport
import Testing

@testable import AppModel

/// Placer's loader against an independent YAML 1.1 implementation: PyYAML's pure-Python `safe_load_all`
/// (`scripts/pyyaml-json.py`), over every corpus file both accept.
///
/// Placer follows sigs.k8s.io/yaml (go-yaml v2), which differs from PyYAML in a few stated ways; those are listed in
/// ``KnownDifference`` with the reason for each. Any other difference fails, naming file, document and JSON path.
@Suite struct PyYAMLComparisonTests {
    /// Where PyYAML and sigs.k8s.io/yaml (and so Placer) read the same text differently.
    enum KnownDifference: String, CaseIterable {
        case singleLetterBooleans = "PyYAML does not read y/Y/n/N as booleans; go-yaml v2 (kubectl) does"
        case sexagesimal = "PyYAML reads 1:20 as the base-60 integer 80; go-yaml v2 keeps the string"
        case timestamps = "PyYAML reads 2001-12-14 as a timestamp; go-yaml v2 gives JSON a string"
        case infinityAndNaN = "PyYAML reads .inf/.nan as floats; Placer keeps strings since JSON has no such numbers"
        case exponentWithoutDot = "PyYAML needs a dot in a float (1e3 is a string to it); go-yaml v2 reads 1000"
    }

    /// Corpus files one of the two loaders refuses, so there is nothing to compare; each with the reason.
    /// (A duplicate key is also such a case: Placer refuses it, PyYAML keeps the last value. The corpus has none.)
    static let notCompared: [String: String] = [
        "edgex-examples/deployment/helm/templates/edgex-core-data/edgex-core-data-deployment.yaml":
            "Helm template: not YAML until rendered (both refuse it)",
        "microservices-demo/helm-chart/templates/frontend.yaml":
            "Helm template: not YAML until rendered (both refuse it)",
        "kubeedge-examples/security-demo/release/app-binaries/cloud/test-device.yaml":
            "PyYAML refuses tabs as separation in flow context; libyaml and go-yaml accept them",
        "ocm/manifests/cluster-manager/hub/networkpolicies/03-hub-ns-intra-namespace.yaml":
            "PyYAML cannot hash the mapping key an unquoted {{ .X }} makes; go-yaml v2 and Placer accept it",
    ]

    /// One place where the two readings differ.
    struct Difference: CustomStringConvertible {
        var file: String
        var document: Int
        var path: String
        var ours: Value
        var theirs: Value
        var known: KnownDifference?

        var description: String {
            "\(file) document \(document) at \(path): Placer \(ours.canonicalJSON()), PyYAML \(theirs.canonicalJSON())"
        }
    }

    static let script = Fixtures.packageRoot.appendingPathComponent("scripts/pyyaml-json.py")

    /// Whether `python3 -c "import yaml"` succeeds.
    static let pyyamlAvailable: Bool = (try? run(["python3", "-c", "import yaml"]).status) == 0

    @Test(.enabled(if: pyyamlAvailable, "PyYAML is not installed: python3 -c \"import yaml\" failed"))
    func corpusReadsAsPyYAMLReadsItExceptForKnownDifferences() throws {
        let files = try CorpusTests.files()
        let paths = files.keys.filter(FolderValidator.isCandidate).sorted()
        #expect(paths.count == 31)
        let results = ConcurrentResults(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let url = CorpusTests.corpus.appendingPathComponent(paths[index])
            results.set(index, Result { try Self.run(["python3", Self.script.path, url.path]) })
        }
        var notCompared: Set<String> = []
        var unexplained: [Difference] = []
        for (index, path) in paths.enumerated() {
            let ours = try? YAMLLoader.load(files[path] ?? Data(), file: path)
            let output = try results.get(index).get()
            guard let ours, output.status == 0 else {
                notCompared.insert(path)
                continue
            }
            let theirs = try #require(try Value.parseJSON(output.stdout, file: "pyyaml:\(path)").arrayValue)
            #expect(ours.count == theirs.count, "\(path): Placer reads \(ours.count) documents, PyYAML \(theirs.count)")
            for (number, pair) in zip(ours, theirs).enumerated() {
                for difference in Self.differences(pair.0.value, pair.1, path: "$") {
                    var located = difference
                    located.file = path
                    located.document = number + 1
                    if located.known == nil { unexplained.append(located) }
                }
            }
        }
        #expect(notCompared == Set(Self.notCompared.keys), "files not compared: \(notCompared.sorted())")
        #expect(
            unexplained.isEmpty, "unexplained differences:\n\(unexplained.map(\.description).joined(separator: "\n"))")
    }

    /// Each listed difference is real: PyYAML reads these values so, and the comparison classifies each one.
    @Test(.enabled(if: pyyamlAvailable, "PyYAML is not installed: python3 -c \"import yaml\" failed"))
    func everyKnownDifferenceIsRealAndRecognised() throws {
        let yaml = "a: y\nb: N\nc: 1:20\nd: 2001-12-14\ne: .inf\nf: 1e3\ng: yes\nh: 0755\ni: \"y\"\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-pyyaml-\(UUID().uuidString).yaml")
        try Data(yaml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try Self.run(["python3", Self.script.path, file.path])
        try #require(output.status == 0, "\(String(decoding: output.stderr, as: UTF8.self))")
        let theirs = try #require(try Value.parseJSON(output.stdout).arrayValue?.first)
        let ours = try #require(try YAMLLoader.load(Data(yaml.utf8), file: "known.yaml").first?.value)
        let found = Dictionary(
            Self.differences(ours, theirs, path: "$").map { ($0.path, $0.known) },
            uniquingKeysWith: { first, _ in first })
        #expect(
            found == [
                "$.a": .singleLetterBooleans, "$.b": .singleLetterBooleans, "$.c": .sexagesimal, "$.d": .timestamps,
                "$.e": .infinityAndNaN, "$.f": .exponentWithoutDot,
            ])
        // An unexplained difference is reported as such (the comparison can fail).
        let odd = Self.differences(.object([("x", .string("1"))]), .object([("x", .number("1"))]), path: "$")
        #expect(odd.map(\.path) == ["$.x"])
        #expect(odd.first?.known == nil)
    }

    // MARK: comparison

    /// Every place where `ours` and `theirs` differ; numbers compare by value (`1.0` equals `1`).
    static func differences(_ ours: Value, _ theirs: Value, path: String) -> [Difference] {
        switch (ours, theirs) {
        case let (.object(a), .object(b)):
            let left = Dictionary(a, uniquingKeysWith: { first, _ in first })
            let right = Dictionary(b, uniquingKeysWith: { first, _ in first })
            return Set(left.keys).union(right.keys).sorted().flatMap { key -> [Difference] in
                differences(left[key] ?? .null, right[key] ?? .null, path: "\(path).\(key)")
            }
        case let (.array(a), .array(b)) where a.count == b.count:
            return zip(a, b).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        case let (.number(a), .number(b)) where sameNumber(a, b):
            return []
        default:
            guard ours != theirs else { return [] }
            return [
                Difference(file: "", document: 0, path: path, ours: ours, theirs: theirs, known: classify(ours, theirs))
            ]
        }
    }

    static func classify(_ ours: Value, _ theirs: Value) -> KnownDifference? {
        switch (ours, theirs) {
        case let (.bool(flag), .string(text)) where ["y", "Y", "n", "N"].contains(text):
            return flag == (text.lowercased() == "y") ? .singleLetterBooleans : nil
        case let (.string(text), .number(number)):
            if let base60 = YAML11Lint.sexagesimal(text), sameNumber(base60, number) { return .sexagesimal }
            return nil
        case let (.string(text), .string(marked)) where marked.hasPrefix("!!timestamp "):
            return marked.dropFirst("!!timestamp ".count).hasPrefix(text.prefix(10)) ? .timestamps : nil
        case let (.string(text), .string(marked)) where marked.hasPrefix("!!float "):
            return [".inf", "-.inf", "+.inf", ".nan"].contains(text.lowercased()) ? .infinityAndNaN : nil
        case let (.number(number), .string(text)) where !text.contains(".") && text.lowercased().contains("e"):
            return Double(text).map { sameNumber(number, ScalarResolver.formatFloat($0)) } == true
                ? .exponentWithoutDot : nil
        default:
            return nil
        }
    }

    /// Integers compare exactly by text; anything with a fraction or exponent by its double value.
    static func sameNumber(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let isInteger = { (text: String) in text.allSatisfy { $0.isNumber || $0 == "-" } }
        if isInteger(a), isInteger(b) { return false }
        guard let x = Double(a), let y = Double(b) else { return false }
        return x == y
    }

    // MARK: processes

    struct Output: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    /// Runs a command through `/usr/bin/env`, its output going to temporary files (no pipe can fill up and block).
    static func run(_ arguments: [String]) throws -> Output {
        let result = try runProgramBlocking("/usr/bin/env", arguments)
        return Output(status: result.status, stdout: result.standardOutput, stderr: result.standardError)
    }
}

/// Results written from `concurrentPerform`'s threads, one slot each.
private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<PyYAMLComparisonTests.Output, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<PyYAMLComparisonTests.Output, Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
    }

    func get(_ index: Int) -> Result<PyYAMLComparisonTests.Output, Error> {
        lock.lock()
        defer { lock.unlock() }
        return slots[index] ?? .failure(ModelError(file: "\(index)", line: 1, message: "no result"))
    }
}
