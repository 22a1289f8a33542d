import OutreachDelivery
import OutreachModel

extension Doctor {
    /// Whether `outreach serve` stopped delivery on a write error that is not "busy" (a full disk,
    /// a read-only file): read from the record the daemon leaves next to the database.
    static func deliveryFault(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.delivery_fault")) {
            guard let fault = DeliveryFaultRecord.read(database: settings.databasePath) else {
                return .ok(StaffText.say("doctor.delivery_fault.none"))
            }
            return .wrong(StaffText.say("doctor.delivery_fault.found", ["time": fault.at, "error": OutsideText.cleaned(fault.error)]),
                          fix: StaffText.say("doctor.delivery_fault.fix"))
        }
    }
}
