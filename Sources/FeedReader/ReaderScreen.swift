internal import CNcurses
import FeedModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal, through ncurses (wide-character build): drawing the model, reading keys. ncurses
/// restores the terminal on Ctrl-Z (and redraws on return), on SIGINT and SIGTERM, and on resize sends a
/// key; `close` restores it on every other way out.
final class ReaderScreen {
    private let colour: Bool
    private var isOpen = false

    /// Takes the terminal. Fails when there is none or ncurses cannot start.
    init(environment: [String: String]) throws(ReaderError) {
        // Text is UTF-8: with a locale that is not, ncurses would draw every accent as two cells of garbage.
        setlocale(LC_ALL, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_ALL, "C.UTF-8") }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .noTerminal }
        guard initscr() != nil else { throw .noTerminal }
        isOpen = true
        raw()  // Ctrl-C and Ctrl-Z arrive as keys, handled in order with the others
        noecho()
        keypad(feedd_screen(), true)
        curs_set(0)
        colour = environment["NO_COLOR"] == nil && has_colors()
        if colour {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_CYAN), -1)
        }
    }

    deinit { close() }

    func close() {
        guard isOpen else { return }
        isOpen = false
        curs_set(1)
        endwin()
    }

    var lines: Int { Int(feedd_lines()) }
    var columns: Int { Int(feedd_columns()) }

    /// Rows for the list or the page: all but the header and the status bar.
    var bodyHeight: Int { max(1, lines - 2) }

    /// Waits up to `milliseconds` for a key; nil when none came.
    func key(waiting milliseconds: Int32) -> ReaderKey? {
        timeout(milliseconds)
        var character: wint_t = 0
        let result = wget_wch(feedd_screen(), &character)
        if result == ERR { return nil }
        if result == KEY_CODE_YES {
            switch Int32(character) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_NPAGE: return .pageDown
            case KEY_PPAGE: return .pageUp
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize
            default: return nil
            }
        }
        switch character {
        case 3: return .interrupt
        case 26: return .suspend
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)), scalar.value >= 0x20 else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Hands the terminal back to the shell until the process is continued (ncurses' own SIGTSTP handler
    /// restores it, and takes it again on return).
    func suspend() {
        kill(getpid(), SIGTSTP)
    }

    /// Runs `body` with the terminal given back (a program that may use it: xdg-open with a text browser).
    func outside(_ body: () -> Void) {
        def_prog_mode()
        endwin()
        body()
        reset_prog_mode()
        refresh()
    }

    func draw(_ model: ReaderModel, now: Date) {
        erase()
        let width = columns
        put(0, ReaderLayout.header(model, width: width), FEEDD_A_REVERSE | (colour ? feedd_color_pair(1) : 0))
        let height = bodyHeight
        switch model.view {
        case .list:
            if model.items.isEmpty {
                put(1, model.showAll ? " No items." : " No unread items.", FEEDD_A_DIM)
            }
            for row in 0..<height {
                let index = model.top + row
                guard model.items.indices.contains(index) else { break }
                let item = model.items[index]
                var attributes = item.isRead ? FEEDD_A_DIM : FEEDD_A_BOLD
                if index == model.cursor { attributes = FEEDD_A_REVERSE | (item.isRead ? 0 : FEEDD_A_BOLD) }
                put(1 + row, ReaderLayout.row(item, width: width, now: now), attributes)
            }
        case .item:
            for row in 0..<height {
                let index = model.pageTop + row
                guard model.page.indices.contains(index) else { break }
                put(1 + row, ReaderLayout.fit(model.page[index], width), FEEDD_A_NORMAL)
            }
        case .feeds:
            for (index, feed) in model.feeds.enumerated() where index < height {
                put(1 + index, ReaderLayout.feedRow(feed, width: width), index == model.feedCursor ? FEEDD_A_REVERSE : FEEDD_A_NORMAL)
            }
        case .help:
            for (index, line) in ReaderLayout.help.enumerated() where index < height {
                put(1 + index, ReaderLayout.fit("  " + line, width), FEEDD_A_NORMAL)
            }
        }
        put(lines - 1, ReaderLayout.status(model, width: width), model.message != nil ? FEEDD_A_BOLD : FEEDD_A_DIM)
        refresh()
    }

    private func put(_ row: Int, _ text: String, _ attributes: Int32) {
        guard row >= 0, row < lines else { return }
        // The text is terminal-safe already (TerminalSafe); this keeps a control character from any other
        // source off the screen too.
        let safe = TerminalSafe.text(text)
        safe.withCString { feedd_draw(Int32(row), 0, $0, attributes) }
    }
}

/// Why the reader could not start.
public enum ReaderError: Error, CustomStringConvertible {
    case noTerminal

    public var description: String {
        switch self {
        case .noTerminal: "feedctl tui needs a terminal (standard input and output); use feedctl list in scripts"
        }
    }
}
