// Mirrors bindings/kotlin/src/test/.../EducationTest.kt. Not compiled on the project's CI
// machine (no Swift toolchain there); run `swift test` after scripts/build-bindings.sh.
import Foundation
import XCTest
@testable import MigranCore

/// The repository's root: this file sits in bindings/swift/Tests/MigranCoreTests.
func repoRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

func hexBytes(_ text: String) -> Data {
    let chars = Array(text.trimmingCharacters(in: .whitespacesAndNewlines))
    return Data(stride(from: 0, to: chars.count, by: 2).compactMap { UInt8(String(chars[$0..<$0 + 2]), radix: 16) })
}

func samplePack() throws -> (Data, Data) {
    let dir = repoRoot().appendingPathComponent("core/content/agencies")
    let pack = try Data(contentsOf: dir.appendingPathComponent("sample.json"))
    let signature = hexBytes(try String(contentsOf: dir.appendingPathComponent("sample.json.sig"), encoding: .utf8))
    return (pack, signature)
}

final class EducationTests: XCTestCase {
    func testLessonsAreReadWithTheDirectorysNumbersAndSpoken() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        vault.lock()
        let lessons = try vault.lessons(locale: .id)
        XCTAssertGreaterThanOrEqual(lessons.count, 16)
        let hk = try XCTUnwrap(lessons.first { $0.country == "HK" })
        let lesson = try vault.lesson(lessonId: hk.id, locale: .en)
        XCTAssertTrue(lesson.contacts.contains { $0.directoryId == "kjri-hongkong-hotline" && $0.number == "+852 5242 2240" })
        XCTAssertTrue(lesson.statements.allSatisfy { $0.needsSource || $0.sourceDate != nil })
        let spoken = try vault.lessonSpeech(lessonId: hk.id, locale: .id)
        XCTAssertTrue(spoken.contains("Konsulat Jenderal Republik Indonesia"), spoken)
        XCTAssertFalse(spoken.contains("KJRI"))
        assertNotFound(try vault.lesson(lessonId: "no-such-lesson", locale: .id), kind: .contentPack)
        let info = try vault.lessonPackInfo()
        XCTAssertFalse(info.installed)
        XCTAssertThrowsError(try vault.installLessonPack(pack: Data("{\"kind\":\"lessons\"}".utf8), signature: Data(count: 64))) {
            guard case MigranError.PackRejected(reason: .signature) = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try vault.lessonPackInfo(), info)
    }

    func testAnyTextComesOutSpeakable() throws {
        XCTAssertEqual(
            try speakableText(text: "Hubungi KBRI: +62 812 9007 0027", locale: .id),
            "Hubungi Kedutaan Besar Republik Indonesia: plus enam dua, delapan satu dua, sembilan nol nol tujuh, nol nol dua tujuh"
        )
        XCTAssertEqual(try speakableText(text: "18 years", locale: .en), "eighteen years")
    }

    func testRecruiterCheckLooksAgenciesUpOfflineAndFlagsARevokedOne() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        XCTAssertNil(try vault.agencyRegistryInfo())
        XCTAssertEqual(try vault.checkAgency(query: "PT Contoh Penempatan", locale: .id).standing, .noRegistry)
        let (pack, signature) = try samplePack()
        let info = try vault.installAgencyPack(pack: pack, signature: signature)
        XCTAssertTrue(info.sample)
        XCTAssertEqual(try vault.agencyRegistryInfo(), info)
        XCTAssertEqual(try vault.checkAgency(query: "pt contoh penempatan", locale: .id).standing, .active)
        XCTAssertEqual(try vault.checkAgency(query: "KEP-0003/CONTOH/2026", locale: .en).standing, .revoked)
        XCTAssertEqual(try vault.checkAgency(query: "PT Tidak Ada Contoh", locale: .id).standing, .unknown)
    }

    func testASessionsAttendanceReachesTheRecordTheAgendaAndTheReport() throws {
        let vault = try Vault.create(dir: tempDir(), pin: pin, deviceSecret: try newDeviceSecret(), settings: fastSettings())
        let ani = try vault.addPerson(input: fakePerson("Siti Contoh", 1)).id
        let budi = try vault.addPerson(input: fakePerson("Budi Contoh", 2)).id
        for id in [ani, budi] {
            _ = try vault.recordConsent(personId: id, input: ConsentInput(purpose: .reporting, given: true, date: nil, note: nil))
            _ = try vault.setJourney(personId: id, input: JourneyInput(phase: .preDeparture, destinationCountry: "MY", sector: nil, employerName: nil, employerAddress: nil, agencyName: nil, agencyLicence: nil, departureDate: nil, contractEndDate: nil))
        }
        let session = try vault.addInfoSession(input: InfoSessionInput(
            date: try vault.agenda(request: AgendaRequest(on: nil, lookAheadDays: 0)).on, place: "Balai Desa Contoh", topics: ["costs", "check-recruiter", "costs"],
            facilitators: [Facilitator(name: "Petugas Contoh", organisation: .bp3mi)],
            attendees: [ani], guests: [GuestCount(sex: .female, ageGroup: .adult, count: 4)],
            followUps: ["Kunjungi keluarga Budi"]
        ))
        XCTAssertEqual(session.topics, ["costs", "check-recruiter"])
        XCTAssertEqual(try vault.infoSession(sessionId: session.id), session)
        XCTAssertEqual(try vault.listInfoSessions(from: nil, to: nil), [session])
        XCTAssertEqual(try vault.personEducation(personId: ani).lessons, ["check-recruiter", "costs"])
        XCTAssertTrue(try vault.personEducation(personId: budi).sessions.isEmpty)
        // The checklist's orientation item, and only it, links to what the person learnt.
        let orientation = try vault.checklist(personId: ani, locale: .id).items.filter { $0.education != nil }
        XCTAssertEqual(orientation.map { $0.id }, ["pre_departure_orientation"])
        XCTAssertEqual(orientation.first?.education, try vault.personEducation(personId: ani))
        XCTAssertEqual(orientation.first?.education?.sessions.map { $0.sessionId }, [session.id])
        let invited = try vault.agenda(request: AgendaRequest(on: nil, lookAheadDays: 0)).items.filter { $0.kind == .inviteToSession }
        XCTAssertEqual(invited.map { $0.personId }, [budi])
        let report = try vault.villageReport(request: ReportRequest(from: nil, to: nil, village: nil, officer: nil))
        XCTAssertEqual(report.sessionsInPeriod, 1)
        XCTAssertEqual(report.sessionAttendance.map { $0.count }, [1, 4])
        assertInvalid(try vault.addInfoSession(input: InfoSessionInput(
            date: session.date, place: session.place, topics: ["no-such-lesson"], facilitators: session.facilitators,
            attendees: [], guests: [], followUps: []
        )), field: "topics")
    }
}
