/// A request the catalog cannot satisfy, said in one line.
public struct CatalogError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}
