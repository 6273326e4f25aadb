import Synchronization

/// Random numbers without a system call each, for values that only need to be unpredictable from outside
/// the process (schedule jitter, the parser's marker token): the system gives one 64-bit seed per process,
/// then each number is a shared counter, stepped by the golden-ratio increment and mixed by SplitMix64's
/// finaliser. `SystemRandomNumberGenerator` costs a `getrandom` call per number, three per fetched feed.
/// Not for secrets: anyone who sees enough outputs can work out the ones that follow.
public struct ProcessRandom: RandomNumberGenerator {
    private static let seed: UInt64 = {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    public init() {}

    public mutating func next() -> UInt64 {
        var mixed = Self.seed &+ Self.counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
