extension StaffText {
    /// The English words of the outbox's rules and the failures that stay local (a test send to
    /// a suppressed address, a campaign that cannot be composed, a write error that stopped
    /// delivery). Keep the keys in the same order as in the other language.
    static let enRules: [String: String] = [
        "campaign.test_suppressed": "{to} is on the suppression list ({reason}): no test message goes to it; test with another address",
        "campaign.paused.cannot_compose": "cannot compose its messages: {error}",
        "doctor.check.delivery_fault": "delivery writes",
        "doctor.delivery_fault.none": "no write error recorded by outreach serve",
        "doctor.delivery_fault.found": "outreach serve stopped delivery at {time}: {error}",
        "doctor.delivery_fault.fix": "free disk space or fix the database's permissions, then restart outreach serve (which clears this record)",
    ]
}
