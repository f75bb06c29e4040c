package id.migranemas.app.screens

import id.migranemas.core.Agency
import id.migranemas.core.CaseStatus
import id.migranemas.core.CaseType
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.Locale
import id.migranemas.core.NotAllowedReason
import id.migranemas.core.Reporter
import id.migranemas.core.agencyLabel
import id.migranemas.core.caseNextStatuses
import id.migranemas.core.caseStatusLabel
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CaseScreenTest {
    @Test
    fun `only the moves the workflow allows are buttons, and each move and referral lands in the timeline`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 61)
        val cases = CasePresenter(v, Locale.EN)
        v.withdrawRegistration(siti)
        val noConsent = cases.open(siti, CaseType.DOCUMENT_SEIZED, "Paspor ditahan", Reporter.FAMILY)
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), noConsent.refusal!!.reason)
        assertNull(noConsent.caseId)

        v.consentTo(siti, ConsentPurpose.REGISTRATION)
        val opened = cases.open(siti, CaseType.DOCUMENT_SEIZED, "Paspor ditahan", Reporter.FAMILY, "2026-03-01")
        assertEquals(CaseStatus.OPEN, opened.status)
        assertEquals(caseNextStatuses(CaseStatus.OPEN), opened.buttons.map { it.to })
        assertEquals(opened.buttons.map { caseStatusLabel(it.to, Locale.EN) }, opened.buttons.map { it.label })
        assertEquals(1, opened.timeline.size)

        // A move the workflow forbids (no button for it) is refused by the core, typed.
        val illegal = cases.move(CaseStatus.RESOLVED)
        assertEquals(NotAllowedReason.CaseTransition(CaseStatus.OPEN, CaseStatus.RESOLVED), illegal.refusal!!.reason)
        assertEquals("Not allowed: a case cannot go from 'open' to 'resolved'.", illegal.refusal!!.message)
        assertEquals(CaseStatus.OPEN, illegal.status)

        // Referral needs the consent to share with agencies.
        val noShare = cases.refer(Agency.DISNAKER, "Disnaker Kabupaten Contoh", date = "2026-03-03")
        assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.SHARE_WITH_AGENCIES), noShare.refusal!!.reason)
        v.consentTo(siti, ConsentPurpose.SHARE_WITH_AGENCIES)
        val referred = cases.refer(Agency.DISNAKER, "Disnaker Kabupaten Contoh", note = "Berkas diantar", date = "2026-03-03")
        assertNull(referred.refusal)
        assertEquals(CaseStatus.REFERRED, referred.status)
        assertEquals(caseNextStatuses(CaseStatus.REFERRED), referred.buttons.map { it.to })
        assertTrue(referred.referrals.single().contains(agencyLabel(Agency.DISNAKER, Locale.EN)), referred.referrals.single())
        assertTrue(referred.timeline.any { it.contains("Disnaker Kabupaten Contoh") }, "${referred.timeline}")

        val progress = cases.move(CaseStatus.IN_PROGRESS, date = "2026-03-05")
        assertEquals(CaseStatus.IN_PROGRESS, progress.status)
        assertTrue(progress.timeline.last().contains("→"), progress.timeline.last())
        val noted = cases.addNote("Kader menelepon agen")
        assertTrue(noted.timeline.last().contains("Kader menelepon agen"))
        assertEquals("note", cases.addNote("  ").refusal!!.field)
        assertEquals(CasePresenter(v, Locale.EN).load(opened.caseId!!).timeline, noted.timeline)
        v.lock()
        assertTrue(cases.move(CaseStatus.RESOLVED).refusal!!.locked)
    }
}
