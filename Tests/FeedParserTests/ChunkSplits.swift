import FeedModel
import FeedParser
import Foundation

/// A document handed to the parser in two chunks, cut at `offset`: how curl may deliver it.
func parsedInTwoChunks(_ data: Data, at offset: Int, url: URL? = nil) throws -> ParsedFeed {
    let parser = StreamingFeedParser(url: url)
    parser.append(data.prefix(offset))
    parser.append(data.suffix(from: offset))
    return try parser.finish()
}
