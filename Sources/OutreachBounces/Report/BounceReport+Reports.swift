import Foundation

// Reading the machine-readable parts of delivery reports and complaints, and the original message
// they return.
extension BounceReport {
    /// Content types that carry the returned original message or its header.
    static let originalTypes: Set<String> = ["message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers"]

    /// RFC 3464 §2.1: the first block is about the message, each later block about one recipient.
    mutating func readDeliveryStatus(_ part: MIMEEntity, in message: MIMEEntity) {
        kind = .deliveryStatus
        let blocks = HeaderFields.parseBlocks(part.decodedBody[...])
        // A block is about a recipient when it names one; some senders omit the per-message block.
        let perRecipient = blocks.enumerated().filter { index, block in
            index > 0 || block.first("final-recipient") != nil || block.first("original-recipient") != nil
        }.map(\.element)
        recipients = perRecipient.map { block in
            RecipientStatus(action: block.first("action").flatMap(DeliveryStatusFields.action),
                            status: block.first("status").flatMap(DeliveryStatusFields.status),
                            finalRecipient: block.first("final-recipient").flatMap(DeliveryStatusFields.address),
                            originalRecipient: block.first("original-recipient").flatMap(DeliveryStatusFields.address),
                            diagnosticCode: block.first("diagnostic-code").flatMap(DeliveryStatusFields.untyped),
                            remoteMTA: block.first("remote-mta").flatMap(DeliveryStatusFields.untyped))
        }
        addOriginal(from: message)
    }

    /// RFC 5965 §3.1: one block of fields about the reported message.
    mutating func readFeedbackReport(_ part: MIMEEntity, in message: MIMEEntity) {
        kind = .complaint
        let fields = HeaderFields.parseBlocks(part.decodedBody[...]).first ?? HeaderFields()
        feedbackType = fields.text("feedback-type")?.lowercased()
        addOriginal(from: message)
        for field in fields.all("original-mail-from") + fields.all("original-rcpt-to") {
            addOriginalAddresses(AddressList.addresses(in: field.text))
        }
    }

    /// Takes the Message-ID, Return-Path and List-Unsubscribe addresses of the returned original, if any.
    mutating func addOriginal(from message: MIMEEntity) {
        if let original = Self.originalHeader(in: message) { addOriginal(original) }
    }

    mutating func addOriginal(_ original: HeaderFields) {
        if originalMessageID == nil, let id = original.text("message-id")?.insideAngleBrackets, !id.isEmpty {
            originalMessageID = id
        }
        for field in original.all("return-path") { addOriginalAddresses(AddressList.addresses(in: field.text)) }
        for field in original.all("list-unsubscribe") {
            addOriginalAddresses(AddressList.mailtoAddresses(inListUnsubscribe: field.text))
        }
    }

    private mutating func addOriginalAddresses(_ addresses: [String]) {
        for address in addresses {
            let lower = address.lowercased()
            if !originalAddresses.contains(where: { $0.lowercased() == lower }) { originalAddresses.append(address) }
        }
    }

    /// The header of the original message a report or bounce returns, from the first part holding
    /// it (not looking inside enclosed messages: the original's own parts are not the report's).
    static func originalHeader(in message: MIMEEntity) -> HeaderFields? {
        guard let part = message.children.isEmpty ? nil : message.first(where: { originalTypes.contains($0.contentType.mimeType) }) else {
            return nil
        }
        if let enclosed = part.children.first { return enclosed.header }
        let header = HeaderFields.parse(part.decodedBody[...], from: 0).header
        return header.fields.isEmpty ? nil : header
    }
}
