import OutreachModel

/// An event's merge fields (`{{event.title}}`, `{{event.date}}`…) as invitations and pages show them.
public enum EventFields {
    /// The event's merge fields in `language`, from its schedule (no locale data is loaded unless
    /// the schedule lacks `language`).
    public static func fields(_ event: Event, language: String) -> [String: String] {
        let langs = [language, "en"]
        var schedule = event.resolvedSchedule
        if schedule.startDay[language] == nil, let made = try? event.makeSchedule(languages: [language]) {
            schedule = made
        }
        var fields: [String: String] = [
            "title": Event.text(event.title, langs) ?? "",
            "date": schedule.startDay[language] ?? "",
            "time": "\(schedule.start.clock) – \(schedule.end.clock)",
            "time_zone": event.timeZone,
            "venue": Event.text(event.venue, langs) ?? "",
            "organizer_name": Event.text(event.organizerName, langs) ?? "",
            "organizer_email": event.organizerEmail,
        ]
        fields["description"] = Event.text(event.description, langs)
        fields["address"] = Event.text(event.address, langs)
        fields["dress_code"] = Event.text(event.dressCode, langs)
        fields["map_url"] = event.mapURL
        fields["phone"] = event.phone
        if let deadline = schedule.rsvpDeadline {
            fields["rsvp_deadline"] = "\(schedule.deadlineDay[language] ?? "") \(deadline.clock)"
        }
        return fields
    }
}
