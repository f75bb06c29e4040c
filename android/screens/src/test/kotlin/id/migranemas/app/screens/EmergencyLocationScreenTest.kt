package id.migranemas.app.screens

import id.migranemas.core.ActionChannel
import id.migranemas.core.EmergencyKind
import id.migranemas.core.GeoLocation
import id.migranemas.core.Locale
import id.migranemas.core.LocationUpdateStatus
import id.migranemas.core.Vault
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The emergency screen passes the phone's last known location (issue 16), over the real
 * core. The core's clock cannot be moved through the bindings, so the ten-minute update
 * is checked as the core's countdown here (and crossed in core/tests/emergency_location.rs).
 */
class EmergencyLocationScreenTest {
    /** A location provider the test controls, counting how often the screen asked it. */
    private class FakeLocation(var fix: GeoLocation?) : LocationProvider {
        var asked = 0
        override fun lastKnown(): GeoLocation? {
            asked++
            return fix
        }
    }

    private fun hongKong(minutesAgo: Long, latitude: Double = 22.3193) =
        GeoLocation(latitude, 114.1694, System.currentTimeMillis() - minutesAgo * 60_000L)

    private fun lockedWithCard(): Vault = testVault().also {
        it.setEmergencyCard(fakeHongKongCard(withCadre = true))
        it.lock()
    }

    @Test
    fun `the press carries the last known location and its age, and the next update waits ten minutes`() =
        lockedWithCard().use { v ->
            val phone = FakeLocation(hongKong(minutesAgo = 3))
            val button = EmergencyPresenter(v, Locale.ID, phone)
            assertEquals(0, phone.asked, "no location (and so no permission) before the first press")
            val pressed = button.press(EmergencyKind.VIOLENCE)
            assertEquals(1, phone.asked)
            assertNotNull(pressed.alertId)
            assertTrue(pressed.locationSent)
            val family = pressed.rows.first { it.label == "Ibu Contoh" }
            assertTrue(family.message.contains("Lokasi 3 mnt lalu: https://maps.google.com/?q=22.31930,114.16940"), family.message)
            assertFalse(pressed.locationUpdateDue)
            assertTrue(pressed.nextLocationUpdateInSeconds!! in 590L..600L, "${pressed.nextLocationUpdateInSeconds}")
            assertEquals(
                LocationUpdateStatus.NOT_YET,
                v.locationUpdateOffer(pressed.alertId!!).status,
            )
        }

    @Test
    fun `without a location the plan goes out at once and the first update is offered as soon as one is known`() =
        lockedWithCard().use { v ->
            val phone = FakeLocation(null)
            val button = EmergencyPresenter(v, Locale.ID, phone)
            val pressed = button.press(EmergencyKind.HELD_AGAINST_WILL)
            assertNotNull(pressed.alertId)
            assertFalse(pressed.locationSent)
            assertTrue(pressed.rows.isNotEmpty())
            assertTrue(pressed.rows.none { it.message.contains("maps.google.com") })
            assertTrue(pressed.locationUpdateDue, "no location went out: the first update is due at once")
            // Still none known: nothing is sent, the offer stays.
            assertTrue(button.sendLocationUpdate().updateRows.isEmpty())
            assertTrue(button.state.locationUpdateDue)

            phone.fix = hongKong(minutesAgo = 0, latitude = 22.2800)
            val sent = button.sendLocationUpdate()
            assertTrue(sent.updateRows.isNotEmpty())
            assertTrue(sent.updateRows.none { it.channel == ActionChannel.CALL })
            val family = sent.updateRows.first { it.label == "Ibu Contoh" }
            assertTrue(family.message.contains("lokasi baru"), family.message)
            assertTrue(family.message.contains("baru saja: https://maps.google.com/?q=22.28000,114.16940"), family.message)
            assertFalse(sent.locationUpdateDue)
            assertTrue(sent.nextLocationUpdateInSeconds!! in 590L..600L)

            val stopped = button.stopLocationUpdates()
            assertTrue(stopped.locationUpdatesEnded)
            assertNull(button.checkLocationUpdate().nextLocationUpdateInSeconds)
            assertEquals(LocationUpdateStatus.STOPPED, v.locationUpdateOffer(pressed.alertId!!).status)
        }

    @Test
    fun `a location the core refuses is left out, never holding the plan back`() = lockedWithCard().use { v ->
        val fromTheFuture = FakeLocation(hongKong(minutesAgo = -60))
        val pressed = EmergencyPresenter(v, Locale.EN, fromTheFuture).press(EmergencyKind.MEDICAL)
        assertNull(pressed.message)
        assertNotNull(pressed.alertId)
        assertFalse(pressed.locationSent)
        assertTrue(pressed.rows.isNotEmpty())

        val broken = LocationProvider { throw IllegalStateException("location service gone") }
        val alsoPressed = EmergencyPresenter(v, Locale.EN, broken).press(EmergencyKind.MEDICAL)
        assertNotNull(alsoPressed.alertId)
        assertTrue(alsoPressed.rows.isNotEmpty())
    }

    @Test
    fun `an acknowledged alert ends the updates on the screen`() = lockedWithCard().use { v ->
        val button = EmergencyPresenter(v, Locale.ID, FakeLocation(hongKong(minutesAgo = 1)))
        val alertId = button.press(EmergencyKind.OTHER).alertId!!
        v.acknowledgeEmergency(alertId, "Kader Contoh")
        val checked = button.checkLocationUpdate()
        assertTrue(checked.locationUpdatesEnded)
        assertFalse(checked.locationUpdateDue)
    }
}
