package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Issue 15's content over the real core: dated directory, legal blocks, lawful bases. */
class ContentTest {
    private fun journey(country: String, sector: Sector) =
        JourneyInput(Phase.PRE_DEPARTURE, country, sector, null, null, null, null, "2027-03-01", null)

    @Test
    fun `every directory number has its source date and the old ones are to be verified`(): Unit = newVault().use { vault ->
        vault.lock()
        val entries = vault.directoryEntries(Locale.EN)
        assertTrue(entries.any { it.id == "kbri-seoul" && it.role == DirectoryRole.MISSION && it.country == "KR" })
        assertTrue(entries.first { it.id == "kbri-riyadh" }.verify)
        // "To be verified" means the source is older than the directory's 730 days on the
        // core's day: counted here, so the test means the same whenever it runs (a fixed
        // `false` for kbri-ankara expired once its source turned two years old).
        val today = java.time.LocalDate.parse(todayUtc())
        for (entry in entries) {
            val source = entry.sourceDate ?: continue
            val date = runCatching { java.time.LocalDate.parse(source) }.getOrNull()
            val old = date == null || java.time.temporal.ChronoUnit.DAYS.between(date, today) > 730
            assertEquals(old, entry.verify, "${entry.id}, source $source")
        }
        assertEquals("0800-1000", entries.single { it.role == DirectoryRole.DOMESTIC_HOTLINE }.number)
        for (entry in entries) {
            assertTrue(entry.sourceDate != null || entry.role == DirectoryRole.LOCAL_EMERGENCY, entry.id)
        }
        assertEquals(3u, vault.directoryInfo().version)
    }

    @Test
    fun `a 17-year-old domestic worker to Saudi Arabia is blocked until the facts change`(): Unit = newVault().use { vault ->
        val dewi = vault.addPerson(fakePerson("Dewi Contoh", 2).copy(birthDate = "2009-06-01"))
        vault.setJourney(dewi.id, journey("SA", Sector.DOMESTIC_WORK))
        val view = vault.checklist(dewi.id, Locale.EN)
        assertEquals(listOf("age_not_yet_18", "single_channel_check"), view.summary.legalBlocks)
        assertFalse(view.summary.ready)
        assertEquals(WarningKind.LEGAL_BLOCK, view.warnings.first().kind)
        val refused = assertThrows<MigranException.NotAllowed> {
            vault.setChecklistItem(dewi.id, "age_not_yet_18", ChecklistItemUpdate(ItemState.DONE, null, null, null), Locale.ID)
        }
        assertEquals(NotAllowedReason.LegalBlock("age_not_yet_18"), refused.reason)
        // Only the recorded official channel clears the Saudi block; the age block stays.
        val channel = vault.setPlacementFacts(dewi.id, PlacementFacts(feeCharged = null, officialChannel = true), Locale.EN)
        assertEquals(listOf("age_not_yet_18"), channel.summary.legalBlocks)
        assertEquals(true, channel.placement.officialChannel)
    }

    @Test
    fun `a child's consent comes from a parent and an emergency referral needs a reason`(): Unit = newVault().use { vault ->
        // Sixteen on the core's day, whenever the test runs (a fixed 2010 birth date made
        // her an adult, and the test fail, from 2028).
        val sixteen = java.time.LocalDate.parse(todayUtc()).minusYears(16).toString()
        val child = vault.addPerson(fakePerson("Dewi Contoh", 4).copy(birthDate = sixteen))
        val refused = assertThrows<MigranException.NotAllowed> {
            vault.recordConsent(child.id, consent(ConsentPurpose.SHARE_WITH_FAMILY))
        }
        assertEquals(NotAllowedReason.GuardianConsentRequired, refused.reason)
        val mother = ConsentGiver("Ibu Contoh", GuardianRelationship.PARENT)
        val record = vault.recordGuardianConsent(child.id, consent(ConsentPurpose.SHARE_WITH_FAMILY), mother)
        assertEquals(mother, record.givenBy)

        val siti = vault.addPerson(fakePerson("Siti Contoh", 6))
        val case = vault.openCase(siti.id, CaseInput(CaseType.TRAFFICKING_SUSPICION, "Disekap", Reporter.FAMILY, null))
        val referral = ReferralInput(Agency.KBRI, null, null, null)
        val noReason = assertThrows<MigranException.NotAllowed> { vault.referCaseInEmergency(case.id, referral, "") }
        assertEquals(NotAllowedReason.ConsentMissing(ConsentPurpose.SHARE_WITH_AGENCIES), noReason.reason)
        assertEquals(CaseStatus.REFERRED, vault.referCaseInEmergency(case.id, referral, "Disekap majikan").status)
        val processing = vault.processingRecords(siti.id).single()
        assertEquals(LawfulBasis.VITAL_INTEREST, processing.basis)
        assertNull(processing.personToldOn)
        assertTrue(vault.recordPersonTold(processing.id, null).personToldOn != null)

        val register = lawfulBasis(ConsentPurpose.REGISTRATION, Locale.EN)
        assertEquals(listOf(LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK), register.bases)
        assertTrue(register.articles.contains("UU 18/2017 Pasal 42"))
    }
}
