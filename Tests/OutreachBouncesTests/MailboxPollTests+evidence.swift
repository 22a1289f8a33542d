import Foundation
@testable import OutreachBounces
@testable import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing

/// Defect 14: the evidence decides the consequence. The List-Unsubscribe mailto token is in every
/// forwarded copy of an invitation, so a report that carries only that token may unsubscribe the
/// person (which they can undo) but never make a complaint or a hard bounce.
extension MailboxPollTests {
    /// The mailto address in `contact`'s List-Unsubscribe: genuine, of purpose unsubscribe.
    func unsubscribeAddress(_ contact: Contact) -> String {
        String(returnAddress.unsubscribeMailto(contactID: contact.id!, campaignID: campaignID).dropFirst("mailto:".count).prefix { $0 != "?" })
    }

    /// Our return address for `contact` with one character of its token changed.
    func forgedReturnAddress(_ contact: Contact) -> String {
        var forged = Array(returnAddress.envelopeSender(contactID: contact.id!, campaignID: campaignID))
        forged[10] = forged[10] == "a" ? "b" : "a"
        return String(forged)
    }

    /// The header of an invitation as a report returns it, with `returnPath` and `messageID` as
    /// given and the List-Unsubscribe of `contact`.
    func returnedInvitation(_ contact: Contact, returnPath: String? = nil, messageID: String = "<inv.forwarded.1@mail.example.net>") -> String {
        """
        \(returnPath.map { "Return-Path: <\($0)>\n" } ?? "")From: songoaivu@cantho.gov.vn
        To: \(contact.email)
        Subject: Thu moi
        Message-ID: \(messageID)
        List-Unsubscribe: <https://moi.cantho.gov.vn/u/x>,
         <mailto:\(unsubscribeAddress(contact))?subject=unsubscribe>
        List-Unsubscribe-Post: List-Unsubscribe=One-Click
        """
    }

    /// An ARF abuse report (RFC 5965) sent to `to`, returning `original` as text/rfc822-headers.
    func abuseReport(to: String, original: String, originalMailFrom: String? = nil) -> String {
        """
        From: Feedback Loop <fbl@isp.example.net>
        To: \(to)
        Subject: Abuse report for cantho.gov.vn
        Message-ID: <fbl.\(UUID().uuidString)@isp.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="R"

        --R
        Content-Type: text/plain

        A subscriber marked a message as spam.
        --R
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: ExampleISP-FBL/1.4
        Version: 1
        \(originalMailFrom.map { "Original-Mail-From: <\($0)>\n" } ?? "")Original-Rcpt-To: <reporter@isp.example.net>

        --R
        Content-Type: text/rfc822-headers

        \(original)
        --R--
        """
    }

    /// A DSN (RFC 3464) that `recipient` failed with `status`, sent to `to`, returning `original`.
    func deliveryReport(to: String, recipient: String, status: String, original: String) -> String {
        """
        From: MAILER-DAEMON@relay.example (Mail Delivery System)
        To: \(to)
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <dsn.\(UUID().uuidString)@relay.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Your message could not be delivered.
        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example

        Final-Recipient: rfc822; \(recipient)
        Action: \(status.hasPrefix("4") ? "delayed" : "failed")
        Status: \(status)
        Diagnostic-Code: smtp; 550 \(status) mailbox unavailable

        --B
        Content-Type: text/rfc822-headers

        \(original)
        --B--
        """
    }

    /// The person's own opt-in lifts what an unsubscribe token alone could do.
    func optsInAgain(_ contact: Contact) async throws -> Bool {
        try await register.confirmOptIn(contact, evidence: "confirm link")
    }

    @Test func anAbuseReportWithOnlyTheListUnsubscribeTokenIsAnUnsubscribeThePersonCanLift() async throws {
        mailbox.add(abuseReport(to: "bounces@cantho.gov.vn", original: returnedInvitation(lan)))
        #expect(try poll().kinds == [.unsubscribe: 1])
        #expect(try suppression(lan) == "unsubscribed")
        #expect(try register.bounces().last.map { ($0.kind, $0.contact) }! == ("unsubscribe", lan.email))
        #expect(try await optsInAgain(lan))
        #expect(try suppression(lan) == nil)
    }

    @Test func anAbuseReportToAForgedReturnAddressWithAGenuineListUnsubscribeIsAnUnsubscribe() async throws {
        mailbox.add(abuseReport(to: forgedReturnAddress(lan), original: returnedInvitation(lan)))
        #expect(try poll().kinds == [.unsubscribe: 1])
        #expect(try suppression(lan) == "unsubscribed")
        #expect(try await optsInAgain(lan))
    }

    @Test func anAbuseReportWithOurMessageIDIsAComplaintNoOptInLifts() async throws {
        let token = returnAddress.signer.addressToken(.bounce, contactID: lan.id!, campaignID: campaignID)
        mailbox.add(abuseReport(to: "bounces@cantho.gov.vn", original: returnedInvitation(lan, messageID: "<\(token).9f2@cantho.gov.vn>")))
        #expect(try poll().kinds == [.complaint: 1])
        #expect(try suppression(lan) == "complaint")
        #expect(try await optsInAgain(lan) == false)
        #expect(try suppression(lan) == "complaint")
    }

    @Test func anAbuseReportNamingOurReturnAddressAsTheOriginalSenderIsAComplaint() throws {
        let verp = returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID)
        mailbox.add(abuseReport(to: "fbl@cantho.gov.vn", original: returnedInvitation(lan, returnPath: verp), originalMailFrom: verp))
        #expect(try poll().kinds == [.complaint: 1])
        #expect(try suppression(lan) == "complaint")
    }

    @Test func aHardBounceWithOnlyTheListUnsubscribeTokenIsAnUnsubscribeNotAHardBounce() async throws {
        mailbox.add(deliveryReport(to: "bounces@cantho.gov.vn", recipient: lan.email, status: "5.1.1", original: returnedInvitation(lan)))
        #expect(try poll().kinds == [.unsubscribe: 1])
        #expect(try suppression(lan) == "unsubscribed")
        #expect(try await optsInAgain(lan))
    }

    @Test func aHardBounceToAForgedReturnAddressWithAGenuineListUnsubscribeIsAnUnsubscribe() throws {
        mailbox.add(deliveryReport(to: forgedReturnAddress(john), recipient: john.email, status: "5.1.1", original: returnedInvitation(john)))
        #expect(try poll().kinds == [.unsubscribe: 1])
        #expect(try suppression(john) == "unsubscribed")
    }

    @Test func softBouncesWithOnlyTheListUnsubscribeTokenCountTowardsNothing() throws {
        for _ in 0..<Bounce.softBounceLimit.bounces {
            mailbox.add(deliveryReport(to: "bounces@cantho.gov.vn", recipient: lan.email, status: "4.2.2", original: returnedInvitation(lan)))
        }
        #expect(try poll().kinds == [.other: 3])
        #expect(try suppression(lan) == nil)
    }

    @Test func aHardBounceToOurReturnAddressStillSuppressesEvenWithAnotherPersonsListUnsubscribe() throws {
        // The return address is the proof; a List-Unsubscribe of someone else in the copy changes nothing.
        mailbox.add(deliveryReport(to: returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID), recipient: lan.email,
                                   status: "5.1.1", original: returnedInvitation(john)))
        #expect(try poll().kinds == [.hard: 1])
        #expect(try suppression(lan) == "hard-bounce")
        #expect(try suppression(john) == nil)
    }
}

/// The evidence table on its own: what each kind becomes on proof and on an unsubscribe token.
@Suite struct ReportEvidenceTests {
    let claim = LinkClaim(purpose: .unsubscribe, contactID: 7, campaignID: 3)
    let proof = LinkClaim(purpose: .bounce, contactID: 8, campaignID: 3)

    @Test func proofLetsEveryKindStand() throws {
        let evidence = try #require(ReportEvidence([claim, proof], messageID: nil))
        #expect(evidence.contactID == 8 && evidence.matchedBy == "token")
        for kind in Bounce.Kind.allCases { #expect(evidence.allowed(kind) == kind) }
    }

    @Test func theMessageIDTokenIsProofBeforeAnUnsubscribeToken() throws {
        let evidence = try #require(ReportEvidence([claim], messageID: proof))
        #expect(evidence.matchedBy == "message-id" && evidence.allowed(.complaint) == .complaint)
    }

    @Test func anUnsubscribeTokenAloneCountsAtMostAsAnUnsubscribe() throws {
        let evidence = try #require(ReportEvidence([claim], messageID: LinkClaim(purpose: .unsubscribe, contactID: 8, campaignID: 3)))
        #expect(evidence.matchedBy == "list-unsubscribe" && evidence.contactID == 7)
        let expected: [Bounce.Kind: Bounce.Kind] = [.hard: .unsubscribe, .complaint: .unsubscribe, .soft: .other, .policy: .policy,
                                                    .autoReply: .autoReply, .unsubscribe: .unsubscribe, .other: .other,
                                                    .unmatched: .unmatched, .unreadable: .unreadable]
        for kind in Bounce.Kind.allCases { #expect(evidence.allowed(kind) == expected[kind], "\(kind)") }
    }

    @Test func noGenuineTokenIsNoEvidence() {
        #expect(ReportEvidence([], messageID: nil) == nil)
    }
}
