@testable import FeedIndex
import Testing

struct SearchQueryTests {
    @Test(arguments: [
        ("kube", "\"kube\"*"),
        ("Swift  linux", "\"Swift\"* AND \"linux\"*"),
        ("\"a phrase\" word", "\"a phrase\" AND \"word\"*"),
        ("rust -nightly", "(\"rust\"*) NOT (\"nightly\"*)"),
        ("rust -\"release candidate\" -beta", "(\"rust\"*) NOT (\"release candidate\" OR \"beta\"*)"),
        ("say\"what", "\"saywhat\"*"),
        ("AND OR NOT", "\"AND\"* AND \"OR\"* AND \"NOT\"*"),  // words, never operators
        ("c++ -", "\"c++\"*"),  // a lone dash is no term
        ("\"unterminated phrase", "\"unterminated phrase\""),
    ])
    func queriesBecomeFTS5Expressions(_ text: String, _ expected: String) throws {
        #expect(try #require(SearchQuery(text)).expression == expected)
    }

    @Test func onlyExclusionsLeaveNoExpression() throws {
        let query = try #require(SearchQuery("-sponsored -\"paid post\""))
        #expect(query.expression == nil)
        #expect(query.exclusion == "\"sponsored\"* OR \"paid post\"")
    }

    @Test(arguments: ["", "   ", "\"\"", "- -", "\" \""])
    func nothingToLookForIsNoQuery(_ text: String) {
        #expect(SearchQuery(text) == nil)
    }
}
