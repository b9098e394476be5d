import CYaml
import Foundation

/// How many nodes a YAML text's aliases stand for, counted from libyaml's events before any tree is built.
///
/// Yams' composer checks each mapping for duplicate keys by hashing them, and a key that is an alias is hashed
/// through every node it stands for: a few hundred bytes of nested aliases used as keys (a "billion laughs" with
/// alias keys) kept the composer busy for 16–21 s (fuzz, kubeconfig target) before ``ConfigNode``'s own bound was
/// reached. Counting at the event level refuses such a text first, in time linear in its size.
///
/// Source: libyaml's event API (yaml.h, `yaml_parser_parse`); go-yaml refuses the same documents as "excessive
/// aliasing".
enum AliasExpansion {
    /// Throws when the aliases of `text` stand for more than `budget` nodes in all (each alias counts the nodes of
    /// its anchored value, aliases inside that value included). Syntax errors are left to the composer, which
    /// reports them in its own words: the scan stops at the first one.
    /// - Throws: ``KubeconfigError/syntax(line:message:)`` at the alias that passes the budget.
    static func check(_ text: String, budget: Int) throws {
        var parser = yaml_parser_t()
        var event = yaml_event_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var weights: [String: Int] = [:]  // anchor → nodes its value stands for
            var open: [(anchor: String?, start: Int)] = []  // collections around the current event
            var nodes = 0  // nodes so far, aliases counted at their anchored value's weight
            var expanded = 0  // nodes that aliases stood for
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    nodes += 1
                    if let anchor = event.data.scalar.anchor { weights[String(cString: anchor)] = 1 }
                case YAML_SEQUENCE_START_EVENT:
                    open.append((event.data.sequence_start.anchor.map { String(cString: $0) }, nodes))
                    nodes += 1
                case YAML_MAPPING_START_EVENT:
                    open.append((event.data.mapping_start.anchor.map { String(cString: $0) }, nodes))
                    nodes += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let collection = open.popLast() else { return }
                    if let anchor = collection.anchor { weights[anchor] = nodes - collection.start }
                case YAML_ALIAS_EVENT:
                    // An undefined alias is the composer's error to report.
                    let weight = event.data.alias.anchor.flatMap { weights[String(cString: $0)] } ?? 1
                    nodes += weight
                    expanded += weight
                    if expanded > budget {
                        throw KubeconfigError.syntax(
                            line: Int(event.start_mark.line) + 1,
                            message:
                                "the document expands to too many nodes through anchors and aliases (excessive aliasing)"
                        )
                    }
                default:
                    break
                }
            }
        }
    }
}
