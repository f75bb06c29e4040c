// Mirrors bindings/kotlin/src/test/.../FollowTest.kt: the migrant's and the family's own
// phones linked to a cadre's team for one person (issue 18, docs/follow.md). Not compiled
// here (no Swift toolchain on the build machine).
import Foundation
import XCTest
@testable import MigranCore

final class FollowTests: XCTestCase {
    private func newPhone() throws -> Vault {
        try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
    }

    /// A cadre's vault in a team of its own, with Siti leaving for Malaysia and consenting
    /// to share with her family.
    private func cadreWithSiti() throws -> (Vault, String) {
        let cadre = try newPhone()
        _ = try cadre.teamCreate(role: .cadre)
        let siti = try cadre.addPerson(input: fakePerson("Siti Contoh", 1)).id
        _ = try cadre.setJourney(personId: siti, input: JourneyInput(phase: .preDeparture, destinationCountry: "MY", sector: .domesticWork, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: nil, contractEndDate: nil))
        _ = try cadre.addContact(personId: siti, input: ContactInput(name: "Ibu Contoh", relation: .mother, phone: "081299990001", address: nil))
        _ = try cadre.recordConsent(personId: siti, input: consentInput(.shareWithFamily))
        return (cadre, siti)
    }

    private func link(_ cadre: Vault, _ siti: String, _ follower: Vault, _ kind: FollowKind) throws -> String {
        let request = try follower.followRequest()
        XCTAssertTrue(request.text.hasPrefix("MEL1"))
        XCTAssertEqual(try followRequestFingerprint(request: request.text), request.fingerprint)
        let contact = kind == .migrant ? CardContact(name: "Kader Contoh", phone: "081299990002", role: .cadre) : nil
        let package = try cadre.followLink(personId: siti, kind: kind, request: request.text, cadreContact: contact)
        let followed = try follower.followAccept(package: package.text)
        XCTAssertEqual(followed.linkId, package.link.linkId)
        XCTAssertEqual(followed.viewNumber, 1)
        XCTAssertEqual(followed.teamFingerprint, try cadre.syncStatus().team?.fingerprint)
        return package.link.linkId
    }

    private func refusal(_ error: Error) -> SyncRefusal? {
        guard case MigranError.SyncRefused(let reason) = error else { return nil }
        return reason
    }

    func testTheJourneyFromTheRegisterToAnAcknowledgedAlert() throws {
        let (cadre, siti) = try cadreWithSiti()
        let sitiPhone = try newPhone()
        let familyPhone = try newPhone()
        XCTAssertNil(try sitiPhone.deviceRole())
        XCTAssertEqual(try sitiPhone.setDeviceRole(role: .migrant), .migrant)
        _ = try familyPhone.setDeviceRole(role: .family)
        XCTAssertEqual(try cadre.deviceRole(), .cadre)

        let sitiLink = try link(cadre, siti, sitiPhone, .migrant)
        XCTAssertEqual(try sitiPhone.emergencyCard()?.country, "MY")
        XCTAssertEqual(try sitiPhone.followedMigrantView(locale: .id).checklist.firstName, "Siti")

        let familyLink = try link(cadre, siti, familyPhone, .family)
        let before = try familyPhone.followedFamilyView(locale: .id)
        _ = try cadre.setChecklistItem(personId: siti, itemId: "ktp", update: ChecklistItemUpdate(state: .done, by: "Kader Contoh", note: nil, documentId: nil), locale: .id)
        let view = try cadre.followViewExport(linkId: familyLink)
        XCTAssertEqual(try familyPhone.followViewImport(view: view).viewNumber, 2)
        XCTAssertEqual(try familyPhone.followedFamilyView(locale: .id).checklist.done, before.checklist.done + 1)
        XCTAssertThrowsError(try familyPhone.followViewImport(view: view)) {
            XCTAssertEqual(self.refusal($0), .replayed)
        }

        let alert = try sitiPhone.triggerEmergency(kind: .heldAgainstWill, country: nil, location: nil, locale: .id)
        let report = try cadre.followEventsImport(events: try sitiPhone.followEventsExport())
        XCTAssertEqual(report.newAlerts, 1)
        let first = try cadre.agenda(request: AgendaRequest(on: nil, lookAheadDays: 0)).items.first
        XCTAssertEqual(first?.kind, .migrantAlert)
        XCTAssertEqual(first?.recordId, alert.id)
        XCTAssertEqual(try cadre.followAlerts(personId: siti).map { $0.alertId }, [alert.id])

        _ = try cadre.acknowledgeFollowAlert(alertId: alert.id, by: "Kader Contoh")
        _ = try sitiPhone.followViewImport(view: try cadre.followViewExport(linkId: sitiLink))
        XCTAssertEqual(try sitiPhone.emergencyLog().first { $0.id == alert.id }?.acknowledgedBy, "Kader Contoh")
        XCTAssertEqual(try sitiPhone.followedMigrantView(locale: .en).acknowledgements.map { $0.alertId }, [alert.id])
    }

    func testConsentWithdrawnEndsTheFamilyLinkAndALostPhoneIsEndedByHand() throws {
        let (cadre, siti) = try cadreWithSiti()
        let familyPhone = try newPhone()
        let sitiPhone = try newPhone()
        let familyLink = try link(cadre, siti, familyPhone, .family)
        let sitiLink = try link(cadre, siti, sitiPhone, .migrant)
        _ = try cadre.recordConsent(personId: siti, input: consentInput(.shareWithFamily, given: false))
        XCTAssertThrowsError(try cadre.followViewExport(linkId: familyLink)) {
            XCTAssertEqual(self.refusal($0), .linkEnded)
        }
        let links = try cadre.followLinks(personId: siti)
        XCTAssertEqual(links.first { $0.linkId == familyLink }?.endReason, .consentWithdrawn)

        _ = try sitiPhone.triggerEmergency(kind: .medical, country: nil, location: nil, locale: .id)
        let events = try sitiPhone.followEventsExport()
        XCTAssertEqual(try cadre.endFollowLink(linkId: sitiLink, reason: .phoneLost).endReason, .phoneLost)
        XCTAssertThrowsError(try cadre.followEventsImport(events: events)) {
            XCTAssertEqual(self.refusal($0), .linkEnded)
        }

        try familyPhone.forgetFollowedLink()
        XCTAssertThrowsError(try familyPhone.followedLink()) {
            XCTAssertEqual(self.refusal($0), .notFollowing)
        }
    }
}
