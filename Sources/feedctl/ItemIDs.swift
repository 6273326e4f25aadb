import ArgumentParser

/// The item ids a command acts on: full ids or the short ids `feedctl list` shows, at least one.
struct ItemIDs: ParsableArguments {
    @Argument(help: "Item ids or short ids.")
    var ids: [String] = []

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give at least one item id") }
    }
}
