import Foundation
import Testing

@testable import FeedSync

struct FeverNumbersTests {
    @Test func numbersGrowInTheOrderGivenAndLastTheLifeOfTheStore() throws {
        let folder = try SessionStoreTests.folder()
        let numbers = FeverNumbers(stateDirectory: folder)
        #expect(try numbers.numbers(assigning: ["ffff000000000000", "0000000000000001"]) == ["ffff000000000000": 1, "0000000000000001": 2])
        // Known ones keep theirs; a new one gets the next, whatever its hex.
        let more = try numbers.numbers(assigning: ["0000000000000001", "0000000000000000"])
        #expect(more["0000000000000001"] == 2 && more["0000000000000000"] == 3)
        // Another process (a restarted feedd) reads the same numbers.
        let again = FeverNumbers(stateDirectory: folder)
        #expect(try again.id(of: 3) == "0000000000000000")
        #expect(try again.id(of: 4) == nil)
        #expect(try again.id(of: 0) == nil)
    }

    @Test func aLineACrashCutShortIsDroppedBeforeTheNextAppend() throws {
        let folder = try SessionStoreTests.folder()
        let numbers = FeverNumbers(stateDirectory: folder)
        _ = try numbers.numbers(assigning: ["aaaaaaaaaaaaaaaa"])
        let handle = try #require(FileHandle(forWritingAtPath: numbers.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("bbbbbbbb".utf8))
        try handle.close()
        let fresh = FeverNumbers(stateDirectory: folder)
        #expect(try fresh.numbers(assigning: []) == ["aaaaaaaaaaaaaaaa": 1])
        #expect(try fresh.numbers(assigning: ["cccccccccccccccc"])["cccccccccccccccc"] == 2)
        #expect(try String(contentsOfFile: numbers.path, encoding: .utf8) == "aaaaaaaaaaaaaaaa\ncccccccccccccccc\n")
    }
}
