/// What a person types after `--search`, as an FTS5 query: every word required and matched by its
/// beginning (`kube` finds Kubernetes), `"a phrase"` in quotes matched whole, `-word` or `-"a phrase"`
/// excluded. Case and accents are ignored by the index's tokenizer (`unicode61 remove_diacritics 2`), so the
/// query keeps them as typed.
public struct SearchQuery: Sendable, Equatable {
    /// A word (matched as a prefix) or a phrase (matched whole).
    public enum Term: Sendable, Equatable {
        case word(String)
        case phrase(String)
    }

    public var required: [Term]
    public var excluded: [Term]

    /// Nil when the text holds no term at all (only spaces, dashes or quotes).
    public init?(_ text: String) {
        var required: [Term] = []
        var excluded: [Term] = []
        var rest = Substring(text)
        while let start = rest.firstIndex(where: { !$0.isWhitespace }) {
            rest = rest[start...]
            var negated = false
            if rest.first == "-", rest.count > 1 {
                negated = true
                rest = rest.dropFirst()
            }
            let term: Term?
            if rest.first == "\"" {
                let body = rest.dropFirst()
                let end = body.firstIndex(of: "\"") ?? body.endIndex
                let phrase = body[..<end].split(whereSeparator: \.isWhitespace).joined(separator: " ")
                term = phrase.isEmpty ? nil : .phrase(phrase)
                rest = end < body.endIndex ? body[body.index(after: end)...] : body[end...]
            } else {
                let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
                let word = String(rest[..<end]).filter { $0 != "\"" }
                term = word.isEmpty || word.allSatisfy({ $0 == "-" }) ? nil : .word(word)
                rest = rest[end...]
            }
            if let term {
                if negated { excluded.append(term) } else { required.append(term) }
            }
        }
        guard !required.isEmpty || !excluded.isEmpty else { return nil }
        self.required = required
        self.excluded = excluded
    }

    /// The FTS5 MATCH expression of the required terms with the excluded ones taken out; nil when nothing
    /// is required (the caller then takes every item but those `exclusion` matches).
    public var expression: String? {
        guard !required.isEmpty else { return nil }
        let positive = required.map(Self.fts).joined(separator: " AND ")
        guard !excluded.isEmpty else { return positive }
        return "(" + positive + ") NOT (" + excluded.map(Self.fts).joined(separator: " OR ") + ")"
    }

    /// The excluded terms as one FTS5 expression (any of them); nil when none.
    public var exclusion: String? {
        excluded.isEmpty ? nil : excluded.map(Self.fts).joined(separator: " OR ")
    }

    /// A term as an FTS5 string: quoted (so no character of it is FTS5 syntax), a word with `*` after it.
    static func fts(_ term: Term) -> String {
        switch term {
        case .word(let word): "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"
        case .phrase(let phrase): "\"" + phrase.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
