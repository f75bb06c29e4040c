package id.migranemas.app.screens

import id.migranemas.core.ConsentPurpose
import id.migranemas.core.DocumentInput
import id.migranemas.core.DocumentKind
import id.migranemas.core.ItemState
import id.migranemas.core.Locale
import id.migranemas.core.MaritalStatus
import id.migranemas.core.NotAllowedReason
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class ChecklistScreenTest {
    private fun ChecklistState.row(id: String) = groups.flatMap { it.rows }.first { it.id == id }

    @Test
    fun `the checklist groups the core's items, shows what a step waits for, and is marked done with a document`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 21)
        v.preDeparture(siti)
        val checklist = ChecklistPresenter(v, Locale.EN, siti)
        val shown = checklist.load()
        assertNull(shown.refusal)
        assertEquals(shown.total, shown.groups.sumOf { it.rows.size })
        assertEquals(shown.groups.size, shown.groups.map { it.kind }.distinct().size, "one group per kind")
        assertEquals(0, shown.done)
        val visa = shown.row("work_visa")
        assertTrue(visa.waitsFor.isNotEmpty())
        assertTrue(visa.waitsFor.none { it == "passport" }, "titles, not ids: ${visa.waitsFor}")
        assertTrue(visa.waitsFor.contains(shown.row("passport").title))
        assertTrue(shown.row("husband_permission").conditionUnknown)

        // Writing needs the registration consent: withdrawn, the core's refusal, typed, list kept.
        v.withdrawRegistration(siti)
        val noConsent = checklist.mark("ktp", ItemState.DONE)
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), noConsent.refusal!!.reason)
        assertTrue(noConsent.refusal!!.message.contains("withdrawn consent"), noConsent.refusal!!.message)
        assertEquals(shown.groups, noConsent.groups)

        v.consentTo(siti, ConsentPurpose.REGISTRATION)
        // A step before what it needs: the dependency, typed, and the core's sentence.
        val early = checklist.mark("work_visa", ItemState.DONE)
        assertEquals(NotAllowedReason.ChecklistDependency("work_visa", listOf("passport", "work_agreement")), early.refusal!!.reason)
        assertTrue(early.refusal!!.message.contains("first finish"), early.refusal!!.message)
        assertEquals(ItemState.NOT_STARTED, early.row("work_visa").state)

        // Done with the person's KTP as proof; a document of nobody's is refused.
        val ktp = v.addDocument(siti, DocumentInput(DocumentKind.KTP, "3201000000000021", null, null))
        val wrongDocument = checklist.mark("ktp", ItemState.DONE, documentId = "nobody")
        assertNotNull(wrongDocument.refusal)
        val done = checklist.mark("ktp", ItemState.DONE, note = "Fotokopi dibawa", documentId = ktp.id)
        assertNull(done.refusal)
        assertEquals(1, done.done)
        assertEquals(ItemState.DONE, done.row("ktp").state)
        assertEquals(ktp.id, done.row("ktp").documentId)

        // Marital status decides which permission applies.
        val married = checklist.setMaritalStatus(MaritalStatus.MARRIED)
        assertEquals(MaritalStatus.MARRIED, married.maritalStatus)
        assertTrue(married.groups.flatMap { it.rows }.none { it.id == "parent_permission" })
        assertFalse(married.row("husband_permission").conditionUnknown)

        v.lock()
        val locked = checklist.load()
        assertTrue(locked.refusal!!.locked)
        assertEquals(married.groups, locked.groups, "the list stays, with the message on top")
    }

    @Test
    fun `warnings and due dates come from the core, red first`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 22)
        // Leaving in ten days with nothing done: the core warns, red.
        v.setJourney(siti, id.migranemas.core.JourneyInput(id.migranemas.core.Phase.PRE_DEPARTURE, "HK", id.migranemas.core.Sector.MANUFACTURING, null, null, null, null, today().plusDays(10).toString(), null))
        val shown = ChecklistPresenter(v, Locale.ID, siti).load()
        assertTrue(shown.redWarnings > 0, "$shown")
        assertTrue(shown.warnings.isNotEmpty())
        assertTrue(shown.groups.flatMap { it.rows }.any { it.dueDate != null })
    }

    @Test
    fun `the family view needs the consent to share with the family, and shows no private note`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 23)
        v.preDeparture(siti)
        ChecklistPresenter(v, Locale.ID, siti).mark("ktp", ItemState.DONE, note = "catatan rahasia")
        val family = FamilyChecklistPresenter(v, Locale.ID)
        val refused = family.load(siti)
        assertNull(refused.view)
        assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.SHARE_WITH_FAMILY), refused.refusal!!.reason)
        v.consentTo(siti, ConsentPurpose.SHARE_WITH_FAMILY)
        val shown = family.load(siti).view!!
        assertEquals("Siti", shown.firstName)
        assertEquals(1u, shown.done)
        assertFalse(shown.toString().contains("catatan rahasia"))
        ConsentPresenter(v, Locale.ID, siti).withdraw(ConsentPurpose.SHARE_WITH_FAMILY)
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.SHARE_WITH_FAMILY), family.load(siti).refusal!!.reason)
        assertNotNull(family.load("nobody").refusal!!.message)
    }
}
