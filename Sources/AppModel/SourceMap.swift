/// Where each node of a loaded YAML document starts, looked up by field path (`spec.services[1].name`).
///
/// The loader records one compact entry per node in document order (parent, label, start mark) instead of a path
/// string per node: building and hashing tens of thousands of path strings cost more than parsing the bytes, and
/// positions are read only to report a finding. A lookup walks the entries once, matching the path's text against
/// each node's label (`key` joined by `.`, `[index]`), so its cost is O(nodes) and it happens only on findings.
/// An alias's entry stands for its anchor's subtree: paths under an alias resolve to the anchored nodes' marks.
public final class SourceMap: Sendable {
    /// How a node hangs from its parent: a mapping key, a sequence index, not on any path (a scalar mapping key,
    /// or a `<<` merge source, whose fields have no position of their own), or at its parent's path without a
    /// position of its own (a collection used as a key: its fields sit under the mapping's path, `[0]` for the
    /// first item of `? [a, b]` at the root, as the node-tree loader recorded them).
    enum Label: Sendable {
        case key(String)
        case index(Int)
        case hidden
        case transparent
    }

    struct Entry: Sendable {
        /// The parent's entry index, `-1` for the root.
        var parent: Int32
        /// For an alias, the entry index of its anchored node in this document (`-1`: not an alias, or an anchor of
        /// an earlier document, whose subtree is not in this map).
        var alias: Int32
        var line: Int32
        var column: Int32
        var label: Label
    }

    /// One entry per node in document order; the root is entry 0.
    let entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// The position of exactly `path`, or `nil` when no node has that path.
    func exactPosition(of path: String) -> SourcePosition? {
        guard let root = entries.first else { return nil }
        if path.isEmpty { return SourcePosition(line: Int(root.line), column: Int(root.column)) }
        // Children lists, in document order.
        let count = entries.count
        var firstChild = [Int32](repeating: -1, count: count)
        var nextSibling = [Int32](repeating: -1, count: count)
        var index = count - 1
        while index > 0 {
            let parent = Int(entries[index].parent)
            if parent >= 0 {
                nextSibling[index] = firstChild[parent]
                firstChild[parent] = Int32(index)
            }
            index -= 1
        }
        let target = Array(path.utf8)
        var found: SourcePosition?
        // Depth-first over nodes whose path is a prefix of `target`; the last exact match in document order wins,
        // as when the positions were a table filled in document order.
        func visit(_ node: Int, matched: Int, depth: Int) {
            guard depth < 10_000 else { return }
            let owner = entries[node].alias >= 0 ? Int(entries[node].alias) : node
            var child = Int(firstChild[owner])
            while child >= 0 {
                if case .transparent = entries[child].label {
                    visit(child, matched: matched, depth: depth + 1)
                } else if let length = match(entries[child].label, at: matched, in: target) {
                    if length == target.count {
                        found = SourcePosition(line: Int(entries[child].line), column: Int(entries[child].column))
                    }
                    visit(child, matched: length, depth: depth + 1)
                }
                child = Int(nextSibling[child])
            }
        }
        visit(0, matched: 0, depth: 0)
        return found
    }

    /// The length of `target` matched after appending `label` to a path that matched `matched` bytes.
    private func match(_ label: Label, at matched: Int, in target: [UInt8]) -> Int? {
        switch label {
        case .hidden, .transparent:
            return nil
        case let .key(key):
            var position = matched
            if matched > 0 {
                guard position < target.count, target[position] == UInt8(ascii: ".") else { return nil }
                position += 1
            }
            for byte in key.utf8 {
                guard position < target.count, target[position] == byte else { return nil }
                position += 1
            }
            return position
        case let .index(value):
            var position = matched
            for byte in "[\(value)]".utf8 {
                guard position < target.count, target[position] == byte else { return nil }
                position += 1
            }
            return position
        }
    }
}
