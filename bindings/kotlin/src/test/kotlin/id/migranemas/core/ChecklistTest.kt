package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ChecklistTest {
    private fun done(by: String? = "Kader Contoh", note: String? = null) = ChecklistItemUpdate(ItemState.DONE, by, note, null)

    @Test
    fun `a family follows the checklist the cadre fills in`(): Unit = newVault().use { vault ->
        val siti = vault.addPerson(fakePerson("Siti Contoh", 2))
        vault.setJourney(
            siti.id,
            JourneyInput(Phase.PRE_DEPARTURE, "HK", Sector.CAREGIVING, null, null, null, null, "2027-03-01", "2029-02-28"),
        )
        assertEquals(2u, vault.checklistPackVersion())
        val view = vault.checklist(siti.id, Locale.ID)
        assertTrue(view.items.any { it.id == "passport" })
        assertTrue(view.items.first { it.id == "husband_permission" }.conditionUnknown)

        // A step that needs others is refused with the item and what it still needs, typed.
        val refused = assertThrows<MigranException.NotAllowed> {
            vault.setChecklistItem(siti.id, "work_visa", done(), Locale.ID)
        }
        assertEquals(NotAllowedReason.ChecklistDependency("work_visa", listOf("passport", "work_agreement")), refused.reason)
        assertEquals(
            "Not allowed: step 'work_visa' cannot be done yet: first finish passport, work_agreement.",
            errorMessage(refused, Locale.EN),
        )
        assertEquals(ItemState.NOT_STARTED, vault.checklist(siti.id, Locale.ID).items.first { it.id == "work_visa" }.state)

        val married = vault.setMaritalStatus(siti.id, MaritalStatus.MARRIED, Locale.EN)
        assertTrue(married.items.none { it.id == "parent_permission" })
        val after = vault.setChecklistItem(siti.id, "ktp", done(note = "secret note"), Locale.EN)
        assertEquals(1u, after.summary.done)

        // What the family sees needs Siti's consent to share with her family.
        val withoutConsent = assertThrows<MigranException.NotAllowed> { vault.familyChecklist(siti.id, Locale.ID) }
        assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.SHARE_WITH_FAMILY), withoutConsent.reason)
        vault.recordConsent(siti.id, ConsentInput(purpose = ConsentPurpose.SHARE_WITH_FAMILY, given = true, date = null, note = null))
        val family = vault.familyChecklist(siti.id, Locale.ID)
        assertEquals("Siti", family.firstName)
        assertEquals(1u, family.done)
        assertFalse(family.toString().contains("secret note"))
        assertFalse(family.toString().contains("3201000000000002"))
    }
}
