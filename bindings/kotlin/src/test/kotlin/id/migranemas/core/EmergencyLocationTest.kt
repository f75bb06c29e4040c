package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The location in the emergency button through the bindings (issue 16): the age of the fix
 * in the messages and the location-update schedule. The core's clock cannot be moved from
 * here (the bindings take no clock), so the ten-minute crossing itself is tested in the
 * core (core/tests/emergency_location.rs); these check what each export gives an app.
 */
class EmergencyLocationTest {
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

    /** Hong Kong, taken [minutesAgo] minutes before now on the JVM's clock (the phone's). */
    private fun fix(minutesAgo: Long) = GeoLocation(
        22.3193,
        114.1694,
        System.currentTimeMillis() - minutesAgo * 60_000L,
    )

    @Test
    fun `the messages carry the map link and the age of the fix, in one SMS`(): Unit = newVault().use { vault ->
        vault.setEmergencyCard(card)
        vault.lock()
        val plan = vault.emergencyPlan(EmergencyKind.VIOLENCE, null, fix(5), Locale.ID)
        val link = "https://maps.google.com/?q=22.31930,114.16940"
        assertTrue(plan.messageId.contains("Lokasi 5 mnt lalu: $link"), plan.messageId)
        assertTrue(plan.messageEn.contains("Location 5 min ago: $link"), plan.messageEn)
        assertTrue(plan.smsId.fitsOneSms && plan.smsEn.fitsOneSms)
        // Without a fix time (the field's default), the link alone.
        val plain = vault.emergencyPlan(EmergencyKind.VIOLENCE, null, GeoLocation(22.3193, 114.1694), Locale.ID)
        assertTrue(plain.messageId.contains("Lokasi $link"), plain.messageId)
        // A fix from the future is a typed refusal naming the field.
        val refused = assertThrows<MigranException.Invalid> {
            vault.emergencyPlan(EmergencyKind.OTHER, null, fix(-60), Locale.ID)
        }
        assertEquals("location_fix_time", refused.field)
        assertEquals(InvalidReason.BAD_DATE, refused.reason)
    }

    @Test
    fun `an active alert offers location updates until the owner stops them`(): Unit = newVault().use { vault ->
        vault.setEmergencyCard(card)
        assertEquals(10u, vault.emergencySettings().locationUpdateMinutes)
        vault.lock()
        // Pressed with a location: the next one is due in ten minutes.
        val located = vault.triggerEmergency(EmergencyKind.VIOLENCE, null, fix(1), Locale.ID)
        val waiting = vault.locationUpdateOffer(located.id)
        assertEquals(LocationUpdateStatus.NOT_YET, waiting.status)
        assertTrue(waiting.secondsUntilDue!! in 590uL..600uL, "${waiting.secondsUntilDue}")
        // Pressed without one: the first is due at once.
        val blind = vault.triggerEmergency(EmergencyKind.OTHER, null, null, Locale.ID)
        assertEquals(LocationUpdateStatus.DUE, vault.locationUpdateOffer(blind.id).status)
        val update = vault.recordLocationUpdate(blind.id, fix(0))
        assertTrue(update.messageId.contains("maps.google.com"), update.messageId)
        assertTrue(update.actions.isNotEmpty() && update.actions.none { it.channel == ActionChannel.CALL })
        assertTrue(update.actions.any { it.label == "Ibu Contoh" && it.message == update.messageId })
        assertEquals(LocationUpdateStatus.NOT_YET, update.next.status)

        val stopped = vault.stopLocationUpdates(located.id)
        assertEquals(LocationUpdateStatus.STOPPED, stopped.status)
        assertNull(stopped.dueAt)
        vault.unlock(PIN)
        vault.acknowledgeEmergency(blind.id, "Kader Contoh")
        assertEquals(LocationUpdateStatus.ACKNOWLEDGED, vault.locationUpdateOffer(blind.id).status)
        assertEquals(1u, vault.emergencyLog().first { it.id == blind.id }.locationUpdatesSent)
        vault.setEmergencySettings(EmergencySettings(discreet = false, locationUpdateMinutes = 0u))
        val off = vault.triggerEmergency(EmergencyKind.OTHER, null, null, Locale.ID)
        assertEquals(LocationUpdateStatus.OFF, vault.locationUpdateOffer(off.id).status)
        assertThrows<MigranException.Invalid> {
            vault.setEmergencySettings(EmergencySettings(discreet = false, locationUpdateMinutes = 121u))
        }
    }
}
