// Mirrors bindings/kotlin/src/test/.../LabelsTest.kt. Not compiled here (no Swift toolchain).
import XCTest
@testable import MigranCore

final class LabelsTests: XCTestCase {
    func testLabelsComeFromTheCore() {
        XCTAssertEqual(phaseLabel(phase: .preDeparture, locale: .id), "pra-penempatan")
        XCTAssertEqual(sectorLabel(sector: .domesticWork, locale: .id), "pekerja rumah tangga")
        XCTAssertEqual(relationLabel(relation: .parent, locale: .en), "parent")
        XCTAssertEqual(documentKindLabel(kind: .passport, locale: .id), "paspor")
    }
}
