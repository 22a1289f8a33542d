import Foundation
@testable import OutreachCompose
import OutreachLinks
import OutreachModel
import Testing

/// An event's schedule is worked out when the file is read and frozen into the campaign; what
/// recipients read from it must be what the time-zone and locale data say.
@Suite struct EventScheduleTests {
    static func event(start: String, end: String, deadline: String?, zone: String) throws -> Event {
        try Event.parse("""
            title: { vi: "Lễ hội", en: "Festival" }
            start: "\(start)"
            end: "\(end)"
            time_zone: \(zone)
            \(deadline.map { "rsvp_deadline: \"\($0)\"" } ?? "")
            venue: { vi: "Bến Ninh Kiều", en: "Ninh Kiều Wharf" }
            organizer_name: { vi: "Sở Ngoại vụ", en: "Department of Foreign Affairs" }
            organizer_email: songoaivu@cantho.gov.vn
            """, file: "test.yaml")
    }

    /// A campaign created before schedules were stored has none in its snapshot.
    static func withoutSchedule(_ event: Event) throws -> Event {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as! [String: Any]
        #expect(old.removeValue(forKey: "schedule") != nil)
        return try JSONDecoder().decode(Event.self, from: JSONSerialization.data(withJSONObject: old))
    }

    @Test func storedScheduleGivesTheSameFieldsAsTheLocaleData() throws {
        for zone in ["Asia/Ho_Chi_Minh", "Europe/Paris", "America/New_York"] {
            let event = try Self.event(start: "2027-03-27T18:00", end: "2027-03-28T09:30", deadline: "2027-03-20T17:00", zone: zone)
            let old = try Self.withoutSchedule(event)
            #expect(old.schedule == nil)
            for language in Event.writtenLanguages + ["de"] {
                #expect(EventFields.fields(event, language: language) == EventFields.fields(old, language: language), "\(zone) \(language)")
            }
        }
        let paris = try Self.event(start: "2027-03-27T18:00", end: "2027-03-28T09:30", deadline: "2027-03-20T17:00", zone: "Europe/Paris")
        let fields = EventFields.fields(paris, language: "en")
        // Daylight saving starts in the night: the end is at +02:00, the start at +01:00.
        #expect(fields["time"] == "18:00 – 09:30")
        #expect(fields["date"] == "Saturday, March 27, 2027")
        #expect(fields["rsvp_deadline"] == "Saturday, March 20, 2027 17:00")
        #expect(paris.schedule?.start.offset == 3600 && paris.schedule?.end.offset == 7200)
        #expect(EventFields.fields(paris, language: "vi")["date"]?.contains("2027") == true)
    }

    @Test func calendarsNameAFixedZoneAndWriteOthersInUTC() throws {
        let saigon = try Self.event(start: "2027-01-30T18:00", end: "2027-01-30T21:00", deadline: nil, zone: "Asia/Ho_Chi_Minh")
        let text = ICalendar.publish(event: saigon, uid: "u", languages: ["en"], stampText: "S")
        #expect(text.contains("TZOFFSETTO:+0700\r\n"))
        #expect(text.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20270130T180000\r\n"))
        #expect(text.contains("DTEND;TZID=Asia/Ho_Chi_Minh:20270130T210000\r\n"))
        #expect(ICalendar.publish(event: try Self.withoutSchedule(saigon), uid: "u", languages: ["en"], stampText: "S") == text)

        let paris = try Self.event(start: "2027-07-14T21:00", end: "2027-07-14T23:30", deadline: nil, zone: "Europe/Paris")
        let summer = ICalendar.publish(event: paris, uid: "u", languages: ["en"], stampText: "S")
        #expect(!summer.contains("VTIMEZONE"))
        #expect(summer.contains("DTSTART:20270714T190000Z\r\n"))
        #expect(summer.contains("DTEND:20270714T213000Z\r\n"))

        let kathmandu = try Self.event(start: "2027-01-30T18:00", end: "2027-01-30T21:00", deadline: nil, zone: "Asia/Kathmandu")
        #expect(ICalendar.publish(event: kathmandu, uid: "u", languages: ["en"], stampText: "S").contains("TZOFFSETTO:+0545\r\n"))
        let noronha = try Self.event(start: "2027-01-30T18:00", end: "2027-01-30T21:00", deadline: nil, zone: "America/Noronha")
        #expect(ICalendar.publish(event: noronha, uid: "u", languages: ["en"], stampText: "S").contains("TZOFFSETTO:-0200\r\n"))
    }

    @Test func calendarTimesInUTCFollowTheCalendar() {
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 1_798_761_599.9)) == "20261231T235959Z")
        #expect(ICalendar.utc(Date(timeIntervalSince1970: 1_709_208_000)) == "20240229T120000Z")
    }
}
