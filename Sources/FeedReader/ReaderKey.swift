/// A key the reader acts on, decoded from the terminal's input.
public enum ReaderKey: Equatable, Sendable {
    case character(Character)
    case up, down, pageUp, pageDown, home, end
    case enter, escape, backspace
    /// Ctrl-C: quit from anywhere, the terminal restored.
    case interrupt
    /// Ctrl-Z: suspend to the shell.
    case suspend
    case resize
}
