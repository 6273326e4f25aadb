extension Duration {
    /// Whole milliseconds, for `duration_ms` in the log.
    var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
