import AppModel
import Dashboard
import Foundation
import OCMClient

/// The parsers Placer exposes to untrusted or hand-written bytes, as fuzz targets with their invariants.
///
/// Each target feeds one input to a parser's public entry point and checks what must hold for every input:
/// it returns (no crash, which libFuzzer sees, and no hang, which its `-timeout` sees), and every error it throws
/// is the parser's own error type naming where the input is wrong:
/// - `yaml`: ``YAMLLoader/load(_:file:)``; errors are ``ModelError`` naming the file and a line ≥ 1.
/// - `codecoapp`: the YAML loader then ``CodecoAppParser/parse(_:directoryName:sourceDigest:warnings:)`` on
///   every mapping document; errors and warnings are ``ModelError`` naming the file and a line ≥ 1.
/// - `kubeconfig`: ``Kubeconfig/init(parsing:context:baseDirectory:)``; errors are ``KubeconfigError``, a
///   syntax error carries a line ≥ 1.
/// - `webhook`: ``PushEvent/parse(provider:body:)`` for GitHub, GitLab and Gitea, then ``WebhookFilter`` on
///   what parses and ``WebhookVerifier`` on the input's first line as the signature; errors are
///   ``PushEventError`` with a short reason that names a field and never quotes the body.
///
/// `placer-fuzz` (built with `-sanitize=fuzzer`, `scripts/fuzz.sh`) drives these under libFuzzer; the
/// regression tests replay `fuzz/regressions/<target>/` through ``check(_:)`` as plain unit tests.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case yaml
    case codecoapp
    case kubeconfig
    case webhook

    /// The file name errors must name (the YAML and CodecoApp targets).
    static let yamlFile = "apps/fuzz/app.yaml"

    /// Runs one input through the target.
    /// - Parameter data: the input's bytes.
    /// - Returns: nil when every invariant holds, else what was violated (one line).
    public func check(_ data: Data) -> String? {
        switch self {
        case .yaml: Self.checkYAML(data)
        case .codecoapp: Self.checkCodecoApp(data)
        case .kubeconfig: Self.checkKubeconfig(data)
        case .webhook: Self.checkWebhook(data)
        }
    }

    static func checkYAML(_ data: Data) -> String? {
        do {
            let documents = try YAMLLoader.load(data, file: yamlFile)
            for document in documents {
                for lint in document.lints {
                    if let violation = located(lint) { return "lint: \(violation)" }
                }
            }
            return nil
        } catch let error as ModelError {
            return located(error)
        } catch {
            return "YAMLLoader threw \(type(of: error)) without file and line: \(error)"
        }
    }

    static func checkCodecoApp(_ data: Data) -> String? {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLLoader.load(data, file: yamlFile)
        } catch let error as ModelError {
            return located(error)
        } catch {
            return "YAMLLoader threw \(type(of: error)) without file and line: \(error)"
        }
        for document in documents {
            guard case .object = document.value else { continue }
            var warnings: [ModelError] = []
            do {
                _ = try CodecoAppParser.parse(
                    document, directoryName: "fuzz", sourceDigest: "0", warnings: &warnings)
            } catch let error as ModelError {
                if let violation = located(error) { return violation }
            } catch {
                return "CodecoAppParser threw \(type(of: error)) without file and line: \(error)"
            }
            for warning in warnings {
                if let violation = located(warning) { return "warning: \(violation)" }
            }
        }
        return nil
    }

    /// An empty folder for relative file references, so an input cannot name the fuzzer's own files by
    /// accident (absolute paths still resolve, as for kubectl).
    static let kubeconfigDirectory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("placer-fuzz-kubeconfig").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func checkKubeconfig(_ data: Data) -> String? {
        do {
            _ = try Kubeconfig(parsing: data, baseDirectory: kubeconfigDirectory)
            return nil
        } catch let error as KubeconfigError {
            switch error {
            case .syntax(let line, _) where line < 1: return "kubeconfig syntax error without a line: \(error)"
            case .invalidFile(_, let line, _) where line < 1: return "kubeconfig file error without a line: \(error)"
            default: break
            }
            return error.description.isEmpty ? "kubeconfig error without a description" : nil
        } catch {
            return "Kubeconfig threw \(type(of: error)), not a KubeconfigError: \(error)"
        }
    }

    static let webhookSecret = try! WebhookSecret("fuzz-secret")
    static let webhookFilter = WebhookFilter(branch: "main")

    static func checkWebhook(_ data: Data) -> String? {
        let firstLine = data.prefix(while: { $0 != UInt8(ascii: "\n") }).prefix(256)
        let header = String(decoding: firstLine, as: UTF8.self)
        for provider in WebhookProvider.allCases {
            let verifier = WebhookVerifier(provider: provider, secret: webhookSecret)
            _ = verifier.isAuthentic(authentication: header, body: data)
            do {
                let push = try PushEvent.parse(provider: provider, body: data)
                _ = webhookFilter.decide(push)
            } catch {
                let text = error.description
                guard text.hasPrefix("malformed push payload: "), text.count > 24 else {
                    return "\(provider.name): unclear payload error: \(text)"
                }
                // The reason names a field path made of the decoder's known keys and indices: it stays short
                // and never quotes the body.
                guard text.count <= 200 else {
                    return "\(provider.name): payload error of \(text.count) characters"
                }
            }
        }
        return nil
    }

    /// nil when the error names ``yamlFile`` and a line ≥ 1, else the violation.
    static func located(_ error: ModelError) -> String? {
        guard error.file == yamlFile else { return "error names file \(error.file), not \(yamlFile): \(error)" }
        guard error.line >= 1 else { return "error without a line: \(error)" }
        guard !error.message.isEmpty else { return "error without a message at line \(error.line)" }
        return nil
    }
}
