import FeedModel
import FeedParser
import Testing

struct FeedDateTests {
    @Test(arguments: [
        ("Sun, 08 Nov 2026 00:30:00 +0100", "2026-11-07T23:30:00Z"),
        ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z"),
        ("10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z"),  // no weekday
        ("Mon, 10 Jun 2003 04:00 GMT", "2003-06-10T04:00:00Z"),  // wrong weekday, no seconds
        ("Tue, 10 Jun 03 04:00:00 EST", "2003-06-10T09:00:00Z"),  // two-digit year, named zone
        ("Tue, 10 Jun 2003 04:00:00 PDT", "2003-06-10T11:00:00Z"),
        ("Tue, 10 Jun 2003 04:00:00 CEST", "2003-06-10T02:00:00Z"),
        ("Tue, 10 Jun 2003 04:00:00 UT", "2003-06-10T04:00:00Z"),
        ("Tue, 10 Jun 2003 04:00:00 Z", "2003-06-10T04:00:00Z"),
        ("Tue, 10 Jun 2003 04:00:00 -05:30", "2003-06-10T09:30:00Z"),  // offset with a colon
        ("Tuesday, 10 June 2003 04:00:00 +0000", "2003-06-10T04:00:00Z"),  // full names
        ("tue,10 jun 2003 04:00:00 cest", "2003-06-10T02:00:00Z"),  // lower case, no space after the comma
        ("Tue, 10 Jun 2003 04:00:00 +05", "2003-06-09T23:00:00Z"),  // an offset in hours
        ("Tue,\t10 Jun 2003\n04:00:00 GMT", "2003-06-10T04:00:00Z"),
        ("2026-11-20T08:30:00Z", "2026-11-20T08:30:00Z"),
        ("2026-11-20T08:30:00.123456+02:00", "2026-11-20T06:30:00Z"),
        ("2026-11-20T08:30:00-0500", "2026-11-20T13:30:00Z"),
        ("2026-11-20T08:30+01:00", "2026-11-20T07:30:00Z"),
        ("2026-11-20 08:30:00", "2026-11-20T08:30:00Z"),
        ("2026-11-20", "2026-11-20T00:00:00Z"),  // W3C-DTF partial dates
        ("2026-11", "2026-11-01T00:00:00Z"),
        ("2026", "2026-01-01T00:00:00Z"),
    ])
    func parses(_ text: String, _ expected: String) {
        #expect(FeedDate.parse(text).map(UTCTimestamp.format) == expected)
    }

    @Test(arguments: [
        "", "sometime last week", "Tue, 31 Feb 2026 10:00:00 GMT", "2026-13-01", "32 Jan 2026", "yesterday 10:00",
        "Tue, 10 Jun 2003 04:00:00:00 GMT", "Tue, 10 Jun 2003 04:00:00 +5", "Tue, 10 Jun 2003 04:00:00 GMTX",
        "Tue, 10 Jun 2003 04:00:00 +05:3a",
    ])
    func rejects(_ text: String) {
        #expect(FeedDate.parse(text) == nil)
    }
}
