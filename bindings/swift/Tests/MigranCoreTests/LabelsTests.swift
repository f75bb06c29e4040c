// Mirrors bindings/kotlin/src/test/.../LabelsTest.kt. Not compiled here (no Swift toolchain).
import XCTest
@testable import MigranCore

final class LabelsTests: XCTestCase {
    func testLabelsComeFromTheCore() {
        XCTAssertEqual(phaseLabel(phase: .preDeparture, locale: .id), "pra-penempatan")
        XCTAssertEqual(sectorLabel(sector: .domesticWork, locale: .id), "pekerja rumah tangga")
        XCTAssertEqual(relationLabel(relation: .parent, locale: .en), "parent")
        XCTAssertEqual(relationLabel(relation: .mother, locale: .id), "ibu")
        XCTAssertEqual(documentKindLabel(kind: .passport, locale: .id), "paspor")
    }

    func testTheCadresRecordsAreNamedInBothLanguages() {
        XCTAssertEqual(caseTypeLabel(caseType: .traffickingSuspicion, locale: .id), "dugaan TPPO")
        XCTAssertEqual(caseStatusLabel(status: .inProgress, locale: .en), "in progress")
        XCTAssertEqual(agencyLabel(agency: .kbri, locale: .id), "KBRI/KJRI")
        XCTAssertEqual(visitTopicLabel(topic: .redFlags, locale: .en), "trafficking red flags")
        XCTAssertEqual(returnReasonLabel(reason: .deported, locale: .id), "dideportasi")
        XCTAssertEqual(reintegrationNeedLabel(need: .psychosocial, locale: .id), "psikososial")
        XCTAssertEqual(serviceKindLabel(kind: .legalAid, locale: .en), "legal aid")
        XCTAssertEqual(consentPurposeLabel(purpose: .shareWithFamily, locale: .id), "berbagi dengan keluarga")
        XCTAssertEqual(consentStateLabel(state: .withdrawn, locale: .en), "withdrawn")
    }
}
