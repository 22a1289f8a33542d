import ArgumentParser
import Foundation
import OutreachCampaigns
import OutreachDelivery
import OutreachModel
import OutreachRegister

extension CampaignCommand {
    struct Test: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "test", abstract: StaffText.say("help.campaigncommand.test.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Option(help: staffHelp("help.campaigncommand.test.to")) var to: String
        @Option(name: .customLong("as"), help: staffHelp("help.campaigncommand.test.as")) var person: String?
        @Option(help: staffHelp("help.campaigncommand.test.language")) var language: String?

        func validate() throws {
            if let language, !Self.languages.contains(language) {
                throw ValidationError(StaffText.say("test.bad_language", ["text": language, "languages": Self.languages.joined(separator: ", ")]))
            }
        }

        /// The languages recipients read.
        static let languages = ["vi", "en", "fr", "ko", "ja", "zh"]

        func run() async throws {
            let (settings, register) = try await global.register()
            let address: EmailAddress
            do { address = try EmailAddress(to) } catch { throw ValidationError(StaffText.say("test.bad_to", ["text": to, "problem": error])) }
            let result = try await TestMessage(register: register, settings: settings).send(slug, to: address, as: person, language: language)
            guard result.word == "sent" else {
                throw CampaignError.testNotSent(to: address.value, reply: result.reply ?? result.word)
            }
            let reply = result.reply ?? StaffText.say("test.accepted")
            if let person {
                print(StaffText.say("test.sent_as", ["to": address.value, "person": person, "language": result.message.language, "reply": reply]))
            } else {
                print(StaffText.say("test.sent", ["to": address.value, "language": result.message.language, "reply": reply]))
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "pause", abstract: StaffText.say("help.campaigncommand.pause.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            stateSaid(try CampaignLifecycle(register: register).pause(slug))
        }
    }

    struct Resume: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "resume", abstract: StaffText.say("help.campaigncommand.resume.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            stateSaid(try CampaignLifecycle(register: register).resume(slug))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "cancel", abstract: StaffText.say("help.campaigncommand.cancel.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, n) = try CampaignLifecycle(register: register).cancel(slug)
            print(StaffText.say("control.cancelled", ["slug": c.slug, "n": n]))
        }
    }

    struct Retry: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "retry", abstract: StaffText.say("help.campaigncommand.retry.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Flag(help: staffHelp("help.campaigncommand.retry.unconfirmed")) var unconfirmed = false
        func run() async throws {
            let (_, register) = try await global.register()
            let n = try CampaignLifecycle(register: register).retry(slug, unconfirmed: unconfirmed)
            let c = try register.campaign(slug)
            print(StaffText.say("retry.done", ["slug": slug, "n": n, "status": StaffText.say("campaign.status." + c.status.rawValue)]))
        }
    }

    struct RSVPs: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "rsvps", abstract: StaffText.say("help.campaigncommand.rsvps.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        @Option(help: staffHelp("help.campaigncommand.rsvps.format")) var format: Format = .csv
        func run() async throws {
            let (settings, register) = try await global.register()
            let clock = settings.officeClock
            var list = try register.rsvps(slug).map(RSVPEntry.init)
            let totals = (invited: list.count, yes: list.filter { $0.answer == "yes" }.count, no: list.filter { $0.answer == "no" }.count,
                          guests: list.filter { $0.answer == "yes" }.map(\.guests).reduce(0, +))
            if format == .json {
                for i in list.indices { list[i].answeredAt = list[i].answeredAt.flatMap(Timestamp.date).map(clock.iso) ?? list[i].answeredAt }
                print(try jsonText(list))
            } else {
                // UTF-8 with BOM, so Excel reads the names right.
                print("\u{FEFF}email,name,language,answer,guests,seat,answered_at")
                for r in list {
                    let answered = r.answeredAt.map { Timestamp.date($0).map(clock.show) ?? $0 } ?? ""
                    print([r.email, r.name, r.language ?? "", r.answer, "\(r.guests)", r.seat ?? "", answered].map(csvField).joined(separator: ","))
                }
            }
            // The totals go to standard error: the file on standard output stays one row per person.
            printError(StaffText.say("rsvps.totals", ["invited": totals.invited, "yes": totals.yes, "guests": totals.guests, "no": totals.no,
                                                      "none": totals.invited - totals.yes - totals.no]))
        }
    }
}

/// Prints the campaign's state after `pause` or `resume`, in the staff's language.
private func stateSaid(_ c: Campaign) {
    print(StaffText.say("control.state", ["slug": c.slug, "status": StaffText.say("campaign.status." + c.status.rawValue)]))
}
