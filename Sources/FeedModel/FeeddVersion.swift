/// The version feedd reports in its User-Agent and `--version`.
public enum FeeddVersion {
    public static let current = "0.1.0"
    public static let userAgent = "feedd/\(current) (+https://github.com/feedd/feedd)"
}
