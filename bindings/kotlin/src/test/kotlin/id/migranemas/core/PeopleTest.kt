package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class PeopleTest {
    @Test
    fun `a cadre registers, updates, archives and erases a person`(): Unit = newVault().use { vault ->
        val siti = vault.addPerson(fakePerson("Siti Contoh", 1))
        assertEquals("+6281200000001", siti.phone)
        assertEquals(siti, vault.getPerson(siti.id))
        val renamed = vault.updatePerson(siti.id, fakePerson("Siti Contoh Baru", 1))
        assertEquals("Siti Contoh Baru", renamed.fullName)
        assertTrue(vault.setPersonArchived(siti.id, true).archived)
        assertEquals(0u, vault.listPersons(PageRequest(0u, 10u), false).total)
        assertEquals(1u, vault.listPersons(PageRequest(0u, 10u), true).total)
        vault.erasePerson(siti.id)
        val gone = assertThrows<MigranException.NotFound> { vault.getPerson(siti.id) }
        assertEquals(RecordKind.PERSON, gone.kind)
    }

    @Test
    fun `lists come in pages`(): Unit = newVault().use { vault ->
        vault.importPersons((0 until 25).map { fakePerson("Warga Contoh $it", it) })
        val first = vault.listPersons(PageRequest(0u, 10u), false)
        assertEquals(25u, first.total)
        assertEquals(10, first.items.size)
        assertEquals(10u, first.nextOffset)
        val last = vault.listPersons(PageRequest(20u, 10u), false)
        assertEquals(5, last.items.size)
        assertNull(last.nextOffset)
        assertThrows<MigranException.Invalid> { vault.listPersons(PageRequest(0u, 0u), false) }
    }

    @Test
    fun `an import names the refused row and stores nothing`(): Unit = newVault().use { vault ->
        val batch = (1..3).map { fakePerson("Warga Contoh $it", it) }.toMutableList()
        batch[1] = batch[1].copy(nik = "12")
        val refused = assertThrows<MigranException.Invalid> { vault.importPersons(batch) }
        assertEquals("2.nik", refused.field)
        assertTrue(errorMessage(refused, Locale.EN).contains("row 2"))
        assertEquals(0u, vault.listPersons(PageRequest(0u, 10u), true).total)
    }

    @Test
    fun `people are found by NIK, phone and passport, and searched by name`(): Unit = newVault().use { vault ->
        val siti = vault.addPerson(fakePerson("Siti Aminah Contoh", 1))
        vault.addPerson(fakePerson("Budi Contoh", 2))
        vault.addDocument(siti.id, DocumentInput(DocumentKind.PASSPORT, "C 1234567", "2025-01-02", "2035-01-01"))
        for (lookup in listOf(
            Lookup.Nik("3201 0000 0000 0001"),
            Lookup.Phone("0812-0000-0001"),
            Lookup.Passport("c1234567"),
        )) {
            assertEquals(listOf(siti.id), vault.findPersons(lookup).map { it.id }, "$lookup")
        }
        assertEquals(listOf("Siti Aminah Contoh"), vault.searchPersons("AMINAH", 10u).map { it.fullName })
        val duplicate = assertThrows<MigranException.Duplicate> { vault.addPerson(fakePerson("Kembar", 1)) }
        assertEquals("nik", duplicate.field)
    }

    @Test
    fun `contacts, journey and documents hang off the person`(): Unit = newVault().use { vault ->
        val siti = vault.addPerson(fakePerson("Siti Contoh", 1))
        val mother = vault.addContact(siti.id, ContactInput("Ibu Contoh", Relation.PARENT, "081299990001", null))
        assertEquals(listOf(mother), vault.listContacts(siti.id))
        assertNull(vault.getJourney(siti.id))
        val journey = vault.setJourney(
            siti.id,
            JourneyInput(
                phase = Phase.PRE_DEPARTURE, destinationCountry = "tw", sector = Sector.MANUFACTURING,
                employerName = "Contoh Electronics", employerAddress = null, agencyName = "PT Contoh",
                agencyLicence = "KEP-000", departureDate = "2027-03-01", contractEndDate = "2030-02-28",
            ),
        )
        assertEquals("TW", journey.destinationCountry)
        assertEquals(journey, vault.getJourney(siti.id))
        val ktp = vault.addDocument(siti.id, DocumentInput(DocumentKind.KTP, "3201000000000001", null, null))
        assertEquals(listOf(ktp), vault.listDocuments(siti.id))
        vault.removeDocument(ktp.id)
        vault.removeContact(mother.id)
        assertTrue(vault.listDocuments(siti.id).isEmpty())
        assertTrue(vault.listContacts(siti.id).isEmpty())
        val badCountry = assertThrows<MigranException.Invalid> {
            vault.setJourney(siti.id, JourneyInput(null, "XX", null, null, null, null, null, null, null))
        }
        assertEquals("destination_country", badCountry.field)
        assertEquals(InvalidReason.UNKNOWN_COUNTRY, badCountry.reason)
    }
}
