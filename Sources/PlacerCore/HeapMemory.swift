import Foundation

#if os(Linux)
    import CMalloc
#endif

/// The C heap as glibc's malloc sees it, and giving its free memory back to the kernel.
///
/// Why: glibc's malloc keeps freed memory in its arenas (one per thread that allocated, up to 8 × cores) and returns
/// to the kernel only the top of the main arena (`M_TRIM_THRESHOLD`), so a daemon whose reconcile built and dropped
/// a few hundred MiB of trees on several Swift concurrency threads stays at its peak RSS although its live heap is a
/// fraction of it. `malloc_trim(0)` walks every arena and `madvise(MADV_DONTNEED)`s their free pages (glibc ≥ 2.8;
/// `malloc_trim(3)`), `mallinfo2` (glibc ≥ 2.33; `mallinfo(3)`) says how much is live and how much is free.
/// Elsewhere (macOS, musl) both are no-ops that report nil.
public enum HeapMemory {
    /// What malloc holds, in bytes (`mallinfo2`): `inUse` live allocations (small and mmapped), `free` freed but
    /// kept in the arenas, `mapped` the large allocations served by their own mmap (inside `inUse`).
    public struct Statistics: Sendable, Equatable {
        public var inUse: Int
        public var free: Int
        public var mapped: Int
        /// Bytes malloc obtained from the kernel for its arenas (`arena`, every arena's sbrk/mmap heaps).
        public var arenas: Int

        public init(inUse: Int, free: Int, mapped: Int, arenas: Int) {
            self.inUse = inUse
            self.free = free
            self.mapped = mapped
            self.arenas = arenas
        }
    }

    /// malloc's current figures; nil where there is no glibc.
    public static func statistics() -> Statistics? {
        #if os(Linux)
            let info = mallinfo2()
            return Statistics(
                inUse: Int(info.uordblks) + Int(info.hblkhd), free: Int(info.fordblks), mapped: Int(info.hblkhd),
                arenas: Int(info.arena))
        #else
            return nil
        #endif
    }

    /// Gives every arena's free pages back to the kernel (`malloc_trim(0)`). Costs a walk of the free lists (a few
    /// ms for hundreds of MiB), so call it after a burst of work, not in a hot loop.
    /// - Returns: whether any memory was released (false where there is no glibc).
    @discardableResult
    public static func trim() -> Bool {
        #if os(Linux)
            return malloc_trim(0) == 1
        #else
            return false
        #endif
    }

    /// This process's resident set in bytes (`/proc/self/statm`'s second field × the page size); nil where there is
    /// no procfs. One small read, cheap enough for every reconcile.
    public static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// When to give the heap back after a burst of work: ``trimIfGrown()`` trims (``HeapMemory/trim()``) when the
/// resident set grew by more than `thresholdBytes` since the last trim, so passes that allocated little (an idle
/// reconcile) do not pay for the walk of malloc's free lists. The RSS, not `mallinfo2`'s free bytes, is the signal:
/// trimmed chunks stay on the free lists, so the free figure does not fall after a trim, and a pass that reuses them
/// brings the pages back without changing it.
public struct HeapTrimmer: Sendable {
    /// Growth of the resident set since the last trim that makes the next call trim, in bytes.
    public var thresholdBytes: Int
    /// The resident set right after the last trim (0: none yet, so the first call with a resident set above the
    /// threshold trims).
    public private(set) var residentAfterTrim = 0
    /// Trims done (for tests and logs).
    public private(set) var trims = 0

    /// - Parameter thresholdBytes: growth that triggers a trim (default 16 MiB).
    public init(thresholdBytes: Int = 16 << 20) {
        self.thresholdBytes = thresholdBytes
    }

    /// Trims when the resident set grew by more than ``thresholdBytes`` since the last trim.
    /// - Returns: the resident set before and after the trim, in bytes, when it trimmed; nil when it did not (or
    ///   where there is no procfs).
    @discardableResult
    public mutating func trimIfGrown() -> (before: Int, after: Int)? {
        guard let before = HeapMemory.residentBytes(), before > residentAfterTrim + thresholdBytes else { return nil }
        HeapMemory.trim()
        let after = HeapMemory.residentBytes() ?? before
        residentAfterTrim = after
        trims += 1
        return (before, after)
    }
}
