import OutreachLinks
import OutreachModel
import OutreachRegister

/// What a message from the bounce mailbox means for the people we wrote to: which message it is
/// about, what kind of bounce (`Bounce.kind(status:action:)`, the same policy as refusals while
/// sending), and how much the evidence lets it change (`ReportEvidence`).
/// A report we cannot tie to a message of ours changes nothing: anyone can mail the bounce
/// address a fake report.
public struct BounceVerdicts: Sendable {
    public let returnAddress: ReturnAddress

    public init(returnAddress: ReturnAddress) {
        self.returnAddress = returnAddress
    }

    /// The verdicts on one report (one per row of `bounces`; always at least one).
    package func verdicts(_ report: BounceReport) -> [Bounce] {
        let subject = report.subject.map { String($0.prefix(200)) }
        // The token in the address the report was delivered to, then in the returned original.
        let delivered = report.deliveredTo.compactMap(returnAddress.claim(in:))
        let returned = report.originalAddresses.compactMap(returnAddress.claim(in:))
        let evidence = ReportEvidence(delivered + returned, messageID: report.originalMessageID.flatMap(returnAddress.claim(inMessageID:)))
        switch report.kind {
        case .message:
            if let claim = delivered.first(where: { $0.purpose == .unsubscribe }) {
                return [Bounce(source: .mailbox, kind: .unsubscribe, diagnostic: "mail to the unsubscribe address from \(report.from ?? "an unnamed sender")",
                               contactId: claim.contactID, campaignId: claim.campaignID, matchedBy: "token")]
            }
            return [Bounce(source: .mailbox, kind: .unmatched, diagnostic: subject, recipient: report.from)]
        case .autoReply:
            return [Bounce(source: .mailbox, kind: .autoReply, diagnostic: subject, recipient: report.from,
                           contactId: evidence?.contactID, campaignId: evidence?.campaignID, matchedBy: evidence?.matchedBy)]
        case .complaint:
            let type = report.feedbackType ?? "abuse"
            guard let evidence else {
                return [Bounce(source: .mailbox, kind: .unmatched, action: type, diagnostic: subject)]
            }
            return [Bounce(source: .mailbox, kind: evidence.allowed(type == "not-spam" ? .other : .complaint), action: type, diagnostic: subject,
                           contactId: evidence.contactID, campaignId: evidence.campaignID, matchedBy: evidence.matchedBy)]
        case .deliveryStatus, .plainBounce:
            // Our messages have one recipient: the report's failure, else its delay, else its first line.
            let line = report.recipients.first { $0.action == "failed" } ?? report.recipients.first { $0.action == "delayed" }
                ?? report.recipients.first
            let action = line?.action ?? (report.kind == .plainBounce ? "failed" : nil)
            let diagnostic = line?.diagnosticCode ?? subject
            guard let evidence else {
                return [Bounce(source: .mailbox, kind: .unmatched, status: line?.status, action: action, diagnostic: diagnostic,
                               recipient: line?.finalRecipient)]
            }
            return [Bounce(source: .mailbox, kind: evidence.allowed(Bounce.kind(status: line?.status, action: action)), status: line?.status,
                           action: action, diagnostic: diagnostic, recipient: line?.finalRecipient,
                           contactId: evidence.contactID, campaignId: evidence.campaignID, matchedBy: evidence.matchedBy)]
        }
    }
}
