package id.migranemas.app.screens

import id.migranemas.core.ContactInput
import id.migranemas.core.JourneyInput
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.PageRequest
import id.migranemas.core.PersonInput
import id.migranemas.core.errorMessage
import id.migranemas.core.Phase
import id.migranemas.core.Relation
import id.migranemas.core.Sector
import id.migranemas.core.phaseLabel
import id.migranemas.core.relationLabel
import id.migranemas.core.sectorLabel
import id.migranemas.core.Sex
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import id.migranemas.core.newDeviceSecret
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneOffset

/** The app's screen logic over the real core, as a cadre would go through it. */
class ScreensTest {
    private val pin = SCREEN_PIN

    private fun vault(freeAttempts: UInt = 5u): Vault = testVault(freeAttempts)

    private fun form(name: String, n: Int) = fakePersonForm(name, n)

    @Test
    fun `unlock screen shows the core's wrong-PIN and lockout messages in Indonesian`() = vault(freeAttempts = 2u).use { v ->
        v.lock()
        val unlock = UnlockPresenter(v, Locale.ID)
        assertFalse(unlock.state.unlocked)
        val wrong = unlock.submit("000000")
        assertEquals(1, wrong.attemptsLeft)
        assertTrue(wrong.message!!.startsWith("PIN salah"), wrong.message)
        unlock.submit("000001")
        val locked = unlock.submit(pin)
        assertEquals(30L, locked.retryAfterSeconds)
        assertTrue(locked.message!!.contains("30 detik"), locked.message)
        assertFalse(locked.unlocked)
    }

    @Test
    fun `unlock screen opens with the right PIN, in English too`() = vault().use { v ->
        v.lock()
        val unlock = UnlockPresenter(v, Locale.EN)
        assertTrue(unlock.submit("000000").message!!.startsWith("Wrong PIN"))
        assertTrue(unlock.submit(pin).unlocked)
        assertNull(unlock.state.message)
    }

    @Test
    fun `add person names the refused field, then saves`() = vault().use { v ->
        val add = AddPersonPresenter(v, Locale.ID)
        val refused = add.submit(form("Siti Contoh", 1).copy(nik = "123")) as AddPersonResult.Refused
        assertEquals("nik", refused.field)
        assertTrue(refused.message.contains("NIK"), refused.message)
        val saved = add.submit(form("Siti Contoh", 1)) as AddPersonResult.Saved
        val duplicate = add.submit(form("Siti Kembar", 1)) as AddPersonResult.Refused
        assertEquals("nik", duplicate.field)

        val detail = PersonDetailPresenter(v, Locale.ID).load(saved.personId)
        assertEquals("Siti Contoh", detail.person!!.fullName)
        assertEquals("+6281200000001", detail.person!!.phone)
        assertTrue(detail.contacts.isEmpty())
        assertNull(detail.journey)
        assertNull(detail.journeyLine)

        v.addContact(saved.personId, ContactInput("Ibu Contoh", Relation.PARENT, "081299990001", null))
        v.setJourney(saved.personId, JourneyInput(Phase.PRE_DEPARTURE, "TW", Sector.MANUFACTURING, null, null, null, null, null, null))
        val labelled = PersonDetailPresenter(v, Locale.ID).load(saved.personId)
        assertEquals(listOf("Ibu Contoh (${relationLabel(Relation.PARENT, Locale.ID)}) +6281299990001"), labelled.contactLines)
        assertEquals("${phaseLabel(Phase.PRE_DEPARTURE, Locale.ID)} · TW · ${sectorLabel(Sector.MANUFACTURING, Locale.ID)}", labelled.journeyLine)
        assertFalse(labelled.journeyLine!!.contains("PRE_DEPARTURE"))
    }

    @Test
    fun `person list pages and searches`() = vault().use { v ->
        val add = AddPersonPresenter(v, Locale.ID)
        (1..7).forEach { add.submit(form("Warga Contoh $it", it)) }
        add.submit(form("Siti Aminah", 8))
        val list = PersonListPresenter(v, Locale.ID, pageSize = 3u)
        assertEquals(3, list.refresh().rows.size)
        assertTrue(list.state.canLoadMore)
        list.loadMore()
        list.loadMore()
        assertEquals(8, list.state.rows.size)
        assertFalse(list.state.canLoadMore)
        assertEquals(listOf("Siti Aminah"), list.search("aminah").rows.map { it.name })
        assertEquals(3, list.search("  ").rows.size)
    }

    @Test
    fun `detail screen erases on request and then reports the person gone`() = vault().use { v ->
        val saved = AddPersonPresenter(v, Locale.EN).submit(form("Budi Contoh", 2)) as AddPersonResult.Saved
        val detail = PersonDetailPresenter(v, Locale.EN)
        assertTrue(detail.erase(saved.personId).gone)
        val after = detail.load(saved.personId)
        assertTrue(after.gone)
        assertNotNull(after.message)
    }

    @Test
    fun `a locked vault gives the list a message instead of a crash`() = vault().use { v ->
        v.lock()
        val list = PersonListPresenter(v, Locale.EN)
        assertTrue(list.refresh().message!!.contains("locked"))
    }

    @Test
    fun `a damaged vault file gives the list the core's message and no row, never damaged data`() {
        val dir = Files.createTempDirectory("migran-screens")
        val secret = newDeviceSecret()
        val settings = VaultSettings(kdfIterations = 10_000u, freeAttempts = 5u, eraseAfterFailures = null)
        Vault.create(dir.toString(), pin, secret, settings).use { v ->
            v.importPersons((1..300).map { form("Warga Contoh $it", it).let { f -> PersonInput(f.fullName, f.nik, f.birthDate, f.sex, f.phone, null, f.village) } })
        }
        // One bit flipped in each page of the second half of the file, where the records are.
        val file = dir.resolve("vault.db")
        val bytes = Files.readAllBytes(file)
        val pages = bytes.size / 4096
        for (page in pages / 2 until pages) bytes[page * 4096 + 2048] = (bytes[page * 4096 + 2048].toInt() xor 0x20).toByte()
        Files.write(file, bytes)

        Vault.open(dir.toString(), secret).use { v ->
            assertTrue(UnlockPresenter(v, Locale.ID).submit(pin).unlocked)
            // What the core says about this damage, typed: a damaged file or altered records.
            val damage = assertThrows<MigranException> { v.listPersons(PageRequest(0u, 1000u), false) }
            assertTrue(damage is MigranException.Storage || damage is MigranException.Tampered, "$damage")
            val list = PersonListPresenter(v, Locale.ID, pageSize = 1000u)
            val shown = list.refresh()
            assertEquals(errorMessage(damage, Locale.ID), shown.message)
            assertTrue(shown.rows.isEmpty(), "${shown.rows.size} rows")
            assertEquals(0, shown.total)
        }
    }

    @Test
    fun `agenda shows what the core says is due, in the screen's language`() = vault().use { v ->
        // The person is registered on the core's own day (UTC); every other date in this
        // test is counted from that day, so it means the same whenever it runs.
        val registered = LocalDate.now(ZoneOffset.UTC)
        val saved = AddPersonPresenter(v, Locale.ID).submit(form("Siti Contoh", 3)) as AddPersonResult.Saved
        val departed = registered.minusDays(12).toString()
        v.setJourney(saved.personId, JourneyInput(Phase.PRE_DEPARTURE, "TW", Sector.MANUFACTURING, null, null, null, null, departed, null))
        val today = AgendaPresenter(v, Locale.ID).load(registered.toString())
        assertNull(today.message)
        assertEquals(registered.toString(), today.day)
        val missing = today.rows.single()
        assertEquals(saved.personId, missing.personId)
        assertEquals("Siti Contoh", missing.personName)
        assertTrue(missing.text.contains("belum lengkap"), missing.text)
        assertTrue(missing.overdue, "the departure date has passed")
        assertTrue(AgendaPresenter(v, Locale.EN).load(registered.toString()).rows.single().text.contains("missing"))
        // Two months on, the home visit (every 30 days in pre-departure) is due as well.
        val twoMonthsOn = registered.plusDays(58).toString()
        val later = AgendaPresenter(v, Locale.ID).load(twoMonthsOn)
        assertEquals(twoMonthsOn, later.day)
        assertTrue(later.rows.any { it.text.startsWith("Kunjungan rumah") }, later.rows.toString())
        v.lock()
        assertTrue(AgendaPresenter(v, Locale.EN).load().message!!.contains("locked"))
    }

    @Test
    fun `the emergency button works locked, local police first, and the outbox learns what was handed over`() = vault().use { v ->
        v.setEmergencyCard(fakeHongKongCard())
        v.lock()
        val button = EmergencyPresenter(v, Locale.ID)
        val pressed = button.press(id.migranemas.core.EmergencyKind.VIOLENCE)
        assertNull(pressed.message)
        assertNotNull(pressed.alertId)
        assertEquals("999", pressed.rows.first().number)
        assertEquals(id.migranemas.core.ActionChannel.CALL, pressed.rows.first().channel)
        assertEquals("", pressed.rows.first().message, "a call has no text")
        val sms = pressed.rows.first { it.channel == id.migranemas.core.ActionChannel.SMS }
        assertTrue(sms.message.startsWith("DARURAT PMI"), sms.message)
        assertTrue(v.pendingEmergencyActions().any { it.action.position == 0u })
        button.handedToPhone(0u)
        assertTrue(v.pendingEmergencyActions().none { it.action.position == 0u })
        assertTrue(EmergencyPresenter(v, Locale.EN).press(id.migranemas.core.EmergencyKind.MEDICAL).rows.isNotEmpty())
    }
}
