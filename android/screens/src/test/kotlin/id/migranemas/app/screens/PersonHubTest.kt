package id.migranemas.app.screens

import id.migranemas.core.CaseType
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.ConsentState
import id.migranemas.core.DocumentInput
import id.migranemas.core.DocumentKind
import id.migranemas.core.Locale
import id.migranemas.core.Reporter
import id.migranemas.core.caseStatusLabel
import id.migranemas.core.CaseStatus
import id.migranemas.core.consentPurposeLabel
import id.migranemas.core.consentStateLabel
import id.migranemas.core.documentKindLabel
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The person's page as the hub of a home visit. */
class PersonHubTest {
    @Test
    fun `the hub shows consents, documents and cases named by the core, and leads to the registration consent first`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 11)
        val hub = PersonDetailPresenter(v, Locale.ID)
        // The register records the registration consent with the person; the rest is not asked yet.
        val fresh = hub.load(siti)
        assertTrue(fresh.registrationConsentGiven)
        assertEquals(ConsentPurpose.entries.toSet(), fresh.consents.map { it.purpose }.toSet())
        assertEquals(
            "${consentPurposeLabel(ConsentPurpose.REPORTING, Locale.ID)}: ${consentStateLabel(ConsentState.NOT_ASKED, Locale.ID)}",
            fresh.consents.first { it.purpose == ConsentPurpose.REPORTING }.text,
        )
        assertTrue(fresh.cases.isEmpty())
        v.withdrawRegistration(siti)
        val withdrawn = hub.load(siti)
        assertFalse(withdrawn.registrationConsentGiven)
        assertEquals(ConsentState.WITHDRAWN, withdrawn.consents.first { it.purpose == ConsentPurpose.REGISTRATION }.state)

        v.consentTo(siti, ConsentPurpose.REGISTRATION)
        v.addDocument(siti, DocumentInput(DocumentKind.PASSPORT, "C 1234567", "2025-01-02", "2035-01-01"))
        val case = CasePresenter(v, Locale.ID).open(siti, CaseType.UNPAID_WAGES, "Gaji belum dibayar", Reporter.FAMILY)
        assertNull(case.refusal)

        val full = hub.load(siti)
        assertTrue(full.registrationConsentGiven)
        assertTrue(full.consents.first { it.purpose == ConsentPurpose.REGISTRATION }.text.contains(today().toString()))
        assertEquals(listOf("${documentKindLabel(DocumentKind.PASSPORT, Locale.ID)} C1234567 → 2035-01-01"), full.documentLines)
        assertEquals(case.caseId, full.cases.single().caseId)
        assertTrue(full.cases.single().text.contains(caseStatusLabel(CaseStatus.OPEN, Locale.ID)), full.cases.single().text)
    }

    @Test
    fun `a locked vault sends the hub back to the unlock screen with the core's message`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 12)
        v.lock()
        val locked = PersonDetailPresenter(v, Locale.EN).load(siti)
        assertTrue(locked.locked)
        assertFalse(locked.gone)
        assertTrue(locked.message!!.contains("locked"), locked.message)
        assertNull(locked.person)
    }
}
