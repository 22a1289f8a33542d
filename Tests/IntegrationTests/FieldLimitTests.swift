import Foundation
import Testing

/// A field longer than a person's name or a note is rejected with the row and the field named;
/// the other rows go in (issue 22, point 13).
@Suite struct FieldLimitTests {
    @Test func overLongNamesAndAttributesRejectTheirRowNamingTheField() throws {
        let w = try Workspace()
        let longName = String(repeating: "Nguyễn ", count: 60)  // 420 characters
        let longNote = String(repeating: "x", count: 2001)
        let csv = try w.write("long.csv", """
            email,name,note,consent
            lan@example.vn,Nguyễn Thị Lan,ok,yes
            long@example.vn,\(longName),ok,yes
            note@example.vn,Bình,\(longNote),yes
            fits@example.vn,\(String(repeating: "A", count: 256)),\(String(repeating: "y", count: 2000)),yes

            """)
        let r = try w.outreach("contacts", "import", csv, "--rejects", w.path("rejects.csv"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("row 3: name is 420 characters long; at most 256 are kept"), "\(r.stderr)")
        #expect(r.stderr.contains("row 4: attribute \"note\" is 2001 characters long; at most 2000 are kept"), "\(r.stderr)")
        #expect(r.stdout.contains("rejected                 2"), "\(r.stdout)")
        #expect(try w.show("lan@example.vn") != nil && w.show("fits@example.vn") != nil)
        #expect(try w.show("long@example.vn") == nil && w.show("note@example.vn") == nil)
        let rejects = try String(contentsOfFile: w.path("rejects.csv"), encoding: .utf8)
        #expect(rejects.utf8.count < 2000, "the rejects file quotes the start of an over-long field, not all of it")
    }
}
