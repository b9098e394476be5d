import Foundation
import Testing

@testable import PlacerCore

/// glibc's malloc through ``HeapMemory``: its figures follow real allocations, and a trim after freeing many small
/// blocks gives their pages back (the daemon's RSS after a large reconcile).
@Suite(.serialized) struct HeapMemoryTests {
    /// 64 MiB in 1 KiB blocks, touched so they are resident.
    static func allocate() -> [UnsafeMutableRawPointer] {
        (0..<65_536).map { _ in
            let block = malloc(1024)!
            memset(block, 0x5A, 1024)
            return block
        }
    }

    @Test func statisticsCountLiveBlocksAndFreedOnesApart() throws {
        let before = try #require(HeapMemory.statistics())
        let blocks = Self.allocate()
        let live = try #require(HeapMemory.statistics())
        #expect(live.inUse - before.inUse >= 60 << 20, "\(before) → \(live)")
        for block in blocks { free(block) }
        let freed = try #require(HeapMemory.statistics())
        #expect(live.inUse - freed.inUse >= 60 << 20, "\(live) → \(freed)")
    }

    @Test func aTrimAfterFreeingGivesThePagesBackAndAnIdleOneDoesNotTrim() throws {
        var trimmer = HeapTrimmer(thresholdBytes: 16 << 20)
        trimmer.trimIfGrown()  // start from a trimmed heap
        let baseline = try #require(HeapMemory.residentBytes())
        let blocks = Self.allocate()
        let grown = try #require(HeapMemory.residentBytes())
        #expect(grown - baseline >= 48 << 20, "RSS \(baseline >> 20) → \(grown >> 20) MiB")
        // Keep one block in 64 so the freed memory is not one chunk at the top of the heap that free() would give
        // back by itself: what is left are holes, as after a reconcile.
        for (index, block) in blocks.enumerated() where index % 64 != 0 { free(block) }
        let trim = trimmer.trimIfGrown()
        let trimmed = try #require(trim, "the RSS grew by more than the threshold")
        #expect(trimmed.before - trimmed.after >= 32 << 20, "RSS \(trimmed.before >> 20) → \(trimmed.after >> 20) MiB")
        // Nothing grew since: no second trim.
        let again = trimmer.trimIfGrown()
        #expect(again == nil)
        #expect(trimmer.trims == 2)
        for (index, block) in blocks.enumerated() where index % 64 == 0 { free(block) }
    }
}
