import Foundation
import Testing
@testable import OutreachModel

/// Issue 23's staff words exist in both languages, with the same places to fill.
@Suite struct SafeOpsTextTests {
    func places(_ text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    @Test func everyMessageIsInVietnameseAndEnglishWithTheSameArguments() {
        #expect(Set(SafeOpsText.en.keys) == Set(SafeOpsText.vi.keys))
        for (key, english) in SafeOpsText.en {
            #expect(places(english) == places(SafeOpsText.vi[key] ?? ""), "\(key)")
        }
    }
}
