/// FNV-1a, 64 bits, as 16 hex digits: stable across runs and platforms (unlike `Hasher`), for file names and ids.
public enum StableHash {
    public static func hex(_ text: String) -> String {
        hex(of: value(text))
    }

    /// FNV-1a with a finaliser (MurmurHash3's `fmix64`), as 16 hex digits. FNV-1a alone barely moves its top
    /// bits when only the last bytes of the text differ (`…/post-1`, `…/post-2`), so its hex digits share
    /// long prefixes; mixed, every input bit reaches every digit, and a prefix a person types stays short.
    public static func mixedHex(_ text: String) -> String {
        var hash = value(text)
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hex(of: hash)
    }

    /// The hash as a number: `hex` is its 16 digits.
    public static func value(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            return hash
        }
    }

    private static func hex(of hash: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { digits in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: hash >> (60 - 4 * UInt64(index))) & 0xF
                digits[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 16
        }
    }
}
