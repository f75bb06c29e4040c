package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The duress PIN through the bindings (issue 16): `setDuressPin` and `removeDuressPin` with
 * their typed errors, and what an app sees when the duress PIN is typed at unlock: the same
 * answer as the real PIN, an empty register, and the alert in the outbox. Nothing exported
 * tells the app which PIN was typed (docs/security.md, "The duress PIN"); the core's
 * tests check the files and the decoy (core/tests/duress_pin.rs).
 */
class DuressPinTest {
    private val duressPin = "580241"
    private val card = EmergencyCard(
        fullName = "Siti Contoh",
        passportNumber = "C0000001",
        country = "HK",
        city = null,
        employerName = null,
        employerAddress = "Flat 1, Jalan Contoh",
        contacts = listOf(
            CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY),
            CardContact("Kader Contoh", "081299990002", CardContactRole.CADRE),
        ),
    )

    @Test
    fun `the duress PIN unlocks like the real one into an empty register and queues the alert`(): Unit =
        newVault().use { vault ->
            vault.addPerson(fakePerson("Siti Contoh", 1))
            vault.setEmergencyCard(card)
            vault.setDuressPin(PIN, duressPin)
            vault.lock()

            vault.unlock(duressPin) // returns as a real unlock does: nothing to tell apart
            assertTrue(vault.isUnlocked())
            assertEquals(0u, vault.listPersons(ALL, true).total)
            val log = vault.emergencyLog()
            assertEquals(1, log.size)
            assertEquals(EmergencyKind.HELD_AGAINST_WILL, log[0].plan.kind)
            assertTrue(log[0].plan.actions.all { it.channel != ActionChannel.CALL }, "texts only")
            assertEquals(0u, vault.status().failedAttempts)

            vault.lock()
            vault.unlock(PIN)
            assertEquals(1u, vault.listPersons(ALL, true).total)
        }

    @Test
    fun `setting is refused locked, with a wrong real PIN, or with a PIN the policy refuses`(): Unit =
        newVault().use { vault ->
            val same = assertThrows<MigranException.Invalid> { vault.setDuressPin(PIN, PIN) }
            assertEquals("duress_pin", same.field)
            assertEquals(InvalidReason.INCONSISTENT, same.reason)
            val weak = assertThrows<MigranException.Invalid> { vault.setDuressPin(PIN, "123456") }
            assertEquals(InvalidReason.WEAK, weak.reason)
            assertThrows<MigranException.WrongPin> { vault.setDuressPin("975310", duressPin) }
            assertEquals(1u, vault.status().failedAttempts)
            vault.lock()
            assertThrows<MigranException.Locked> { vault.setDuressPin(PIN, duressPin) }
            assertThrows<MigranException.Locked> { vault.removeDuressPin(PIN) }
            assertThrows<MigranException.WrongPin> { vault.unlock(duressPin) }
        }

    @Test
    fun `removing it makes the duress PIN a wrong PIN again`(): Unit = newVault().use { vault ->
        vault.setDuressPin(PIN, duressPin)
        vault.removeDuressPin(PIN)
        vault.removeDuressPin(PIN) // none set: not an error
        vault.lock()
        assertThrows<MigranException.WrongPin> { vault.unlock(duressPin) }
        vault.unlock(PIN)
    }

    @Test
    fun `a check-in answered with the duress PIN looks answered and queues the alert`(): Unit =
        newVault().use { vault ->
            vault.setEmergencyCard(card)
            vault.setDuressPin(PIN, duressPin)
            vault.setCheckIn(CheckInRequest(CheckInSchedule.Every(minutes = 24u * 60u), 60u, EmergencyKind.VIOLENCE))
            vault.lock()
            assertEquals(CheckInState.WAITING, vault.checkInDone(duressPin).state)
            val perAlert = vault.emergencyOutboxSummary().pendingActions
            assertTrue(perAlert > 0u, "the duress alert is queued")
            assertEquals(CheckInState.OFF, vault.cancelCheckIn(duressPin).state)
            assertEquals(2u * perAlert, vault.emergencyOutboxSummary().pendingActions)
        }
}
