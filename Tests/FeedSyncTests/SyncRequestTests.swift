import Foundation
import Testing

@testable import FeedSync

struct SyncRequestTests {
    @Test func queryAndFormParametersAreReadTogether() {
        let request = SyncRequest(
            method: "post", target: "/reader/api/0/edit-tag?T=tok%3D&output=json",
            body: Data("i=1&i=tag%3Agoogle.com%2C2005%3Areader%2Fitem%2F0a&a=user%2F-%2Fstate%2Fcom.google%2Fread&title=deux+mots".utf8),
            headers: ["content-type": "application/x-www-form-urlencoded; charset=UTF-8"], client: "c")
        #expect(request.method == "POST" && request.path == "/reader/api/0/edit-tag")
        #expect(request.values("i") == ["1", "tag:google.com,2005:reader/item/0a"])
        #expect(request.value("T") == "tok=" && request.value("a") == "user/-/state/com.google/read")
        #expect(request.value("title") == "deux mots" && request.value("missing") == nil)
    }

    @Test func escapedSlashesInThePathAreSlashes() {
        let request = SyncRequest(method: "GET", target: "/reader/api/0/stream/contents/feed%2F42?n=5", headers: [:], client: "c")
        #expect(request.path == "/reader/api/0/stream/contents/feed/42" && request.value("n") == "5")
    }

    @Test func aBodyThatIsNotAFormIsNotReadAsOne() {
        let request = SyncRequest(method: "POST", target: "/x", body: Data("a=1".utf8), headers: ["content-type": "application/json"], client: "c")
        #expect(request.parameters.isEmpty)
    }
}
