package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class EmergencyTest {
    private val card = EmergencyCard(
        fullName = "Siti Contoh",
        passportNumber = "C0000001",
        country = "HK",
        city = "Kowloon",
        employerName = "Keluarga Contoh",
        employerAddress = "Flat 1, Jalan Contoh",
        contacts = listOf(
            CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY),
            CardContact("Kader Contoh", "081299990002", CardContactRole.CADRE),
        ),
    )

    @Test
    fun `the button works when no vault opens at all`() {
        val dir = java.nio.file.Files.createTempDirectory("migran-broken")
        java.nio.file.Files.write(dir.resolve("locked.db"), ByteArray(4096) { 0x5a })
        assertThrows<MigranException> { Vault.open(dir.toString(), newDeviceSecret()) }
        val plan = emergencyPlanWithoutVault(EmergencyKind.HELD_AGAINST_WILL, "HK", null, Locale.EN)
        assertTrue(plan.cardUnreadable)
        assertTrue(plan.actions.any { it.recipient == Recipient.MISSION })
        assertTrue(plan.actions.any { it.recipient == Recipient.NATIONAL_HOTLINE })
        assertThrows<MigranException.Invalid> {
            emergencyPlanWithoutVault(EmergencyKind.OTHER, null, GeoLocation(91.0, 0.0), Locale.ID)
        }
    }

    @Test
    fun `the button works on a locked vault and puts local police first for violence`(): Unit = newVault().use { vault ->
        vault.setEmergencyCard(card)
        vault.lock()
        assertEquals("+6281299990001", vault.emergencyCard()!!.contacts[0].phone)
        val plan = vault.emergencyPlan(EmergencyKind.VIOLENCE, null, GeoLocation(22.3193, 114.1694), Locale.ID)
        assertEquals("HK", plan.country)
        assertEquals(Recipient.LOCAL_EMERGENCY, plan.actions[0].recipient)
        assertEquals("999", plan.actions[0].number)
        assertEquals(Recipient.MISSION, plan.actions[1].recipient)
        assertTrue(plan.actions.any { it.channel == ActionChannel.WHATS_APP && it.recipient == Recipient.NATIONAL_HOTLINE })
        assertTrue(plan.actions.any { it.channel == ActionChannel.SMS && it.recipient == Recipient.CADRE })
        assertTrue(plan.messageId.startsWith("DARURAT PMI"), plan.messageId)
        assertTrue(plan.smsId.fitsOneSms)
        assertEquals(SmsEncoding.GSM7, smsSize(plan.messageId).encoding)
        assertEquals(SmsEncoding.UCS2, smsSize("Siti Ŝontoh").encoding)

        val unknown = vault.emergencyPlan(EmergencyKind.UNPAID_WAGES, "FR", null, Locale.EN)
        assertEquals(Recipient.NATIONAL_HOTLINE, unknown.actions[0].recipient)
        assertThrows<MigranException.Locked> { vault.setEmergencyCard(card) }
        vault.unlock(PIN)
        vault.clearEmergencyCard()
        assertNull(vault.emergencyCard())
    }

    @Test
    fun `a trigger is kept in the outbox across a restart until it is done or acknowledged`() {
        val dir = tempVaultDir()
        val secret = newDeviceSecret()
        val alertId = newVault(dir, secret).use { vault ->
            vault.setEmergencyCard(card)
            vault.lock()
            val alert = vault.triggerEmergency(EmergencyKind.PASSPORT_TAKEN, "MY", null, Locale.ID)
            val state = vault.recordEmergencyAction(alert.id, 0u, ActionStatus.HANDED_TO_OS)
            assertEquals(ActionStatus.HANDED_TO_OS, state.status)
            assertEquals(1u, state.attempts)
            alert.id
        }
        Vault.open(dir.toString(), secret).use { vault ->
            val pending = vault.pendingEmergencyActions()
            assertTrue(pending.isNotEmpty())
            assertTrue(pending.none { it.action.position == 0u })
            assertTrue(pending.all { it.alertId == alertId })
            val acknowledged = vault.acknowledgeEmergency(alertId, "Kader Contoh")
            assertEquals("Kader Contoh", acknowledged.acknowledgedBy)
            assertTrue(vault.pendingEmergencyActions().isEmpty())
            assertEquals(1, vault.emergencyLog().size)
        }
    }

    @Test
    fun `the emergency card needs the device secret, a typed refusal without it`(): Unit =
        newVault(secret = null).use { vault ->
            val refused = assertThrows<MigranException.NotAllowed> { vault.setEmergencyCard(card) }
            assertEquals(NotAllowedReason.DeviceSecretRequired, refused.reason)
            assertEquals("Not allowed: the emergency card needs the device key.", errorMessage(refused, Locale.EN))
            val unread = assertThrows<MigranException.NotAllowed> { vault.emergencyCard() }
            assertEquals(NotAllowedReason.DeviceSecretRequired, unread.reason)
        }

    @Test
    fun `discreet mode needs the PIN to show the log, the pending actions and to acknowledge`(): Unit =
        newVault().use { vault ->
            assertFalse(vault.emergencySettings().discreet)
            vault.setEmergencySettings(EmergencySettings(discreet = true))
            vault.lock()
            val alert = vault.triggerEmergency(EmergencyKind.OTHER, "TW", null, Locale.ID)
            assertThrows<MigranException.Locked> { vault.emergencyLog() }
            assertThrows<MigranException.Locked> { vault.pendingEmergencyActions() }
            assertThrows<MigranException.Locked> { vault.acknowledgeEmergency(alert.id, "Kader Contoh") }
            // What the locked button may show: counts only.
            vault.recordEmergencyAction(alert.id, 0u, ActionStatus.FAILED)
            val summary = vault.emergencyOutboxSummary()
            assertEquals(alert.plan.actions.size.toUInt(), summary.pendingActions)
            assertTrue(summary.anyFailed)
            vault.unlock(PIN)
            assertEquals(1, vault.emergencyLog().size)
            assertEquals(summary.pendingActions.toInt(), vault.pendingEmergencyActions().size)
        }

    @Test
    fun `a forged directory pack is refused and the shipped one stays`(): Unit = newVault().use { vault ->
        val before = vault.directoryInfo()
        assertFalse(before.installed)
        assertTrue("MY" in before.countries)
        val forged = """{"kind":"emergency-directory","version":99,"verify_after_days":1,"national":[],"countries":{}}"""
        val refused = assertThrows<MigranException.PackRejected> {
            vault.installDirectoryPack(forged.toByteArray(), ByteArray(64))
        }
        assertEquals(PackRejectReason.SIGNATURE, refused.reason)
        assertTrue(errorMessage(refused, Locale.EN).contains("signature"))
        assertEquals(before, vault.directoryInfo())
    }
}
