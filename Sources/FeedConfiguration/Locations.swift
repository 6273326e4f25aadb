import Foundation

/// Where the configuration and the state directory are, the same way for feedd and feedctl.
public enum Locations {
    /// `--config PATH`, then `$FEEDD_CONFIG`, then `$XDG_CONFIG_HOME/feedd/config.yaml`
    /// (or `~/.config/feedd/config.yaml`), then `/etc/feedd/config.yaml`. The first two must exist if given;
    /// of the others the first that exists is used.
    public static func configPath(explicit: String?, environment: [String: String]) throws(ConfigError) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = environment["FEEDD_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        var candidates: [String] = []
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            candidates.append(xdg + "/feedd/config.yaml")
        } else if let home = environment["HOME"], !home.isEmpty {
            candidates.append(home + "/.config/feedd/config.yaml")
        }
        candidates.append("/etc/feedd/config.yaml")
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw ConfigError(
                path: candidates.joined(separator: ", "), line: nil,
                message: "no configuration found; pass --config PATH or set FEEDD_CONFIG")
        }
        return found
    }

    /// `state_dir` from the config, then `$STATE_DIRECTORY` (systemd's `StateDirectory=`), then
    /// `$XDG_STATE_HOME/feedd` (or `~/.local/state/feedd`).
    public static func stateDirectory(config: Configuration, environment: [String: String]) -> URL {
        if let configured = config.stateDirectory { return configured }
        if let systemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !systemd.isEmpty {
            return URL(fileURLWithPath: String(systemd), isDirectory: true)
        }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("feedd", isDirectory: true)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/state/feedd", isDirectory: true)
    }

    /// The configuration file to use, read and validated, and the state directory it points to.
    public static func resolve(explicit: String?, environment: [String: String]) throws(ConfigError)
        -> (path: String, configuration: Configuration, stateDirectory: URL)
    {
        let path = try configPath(explicit: explicit, environment: environment)
        let configuration = try Configuration.load(path: path)
        return (path, configuration, stateDirectory(config: configuration, environment: environment))
    }
}
