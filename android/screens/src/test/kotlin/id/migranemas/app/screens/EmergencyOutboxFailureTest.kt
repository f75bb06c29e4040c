package id.migranemas.app.screens

import id.migranemas.core.EmergencyAlert
import id.migranemas.core.EmergencyKind
import id.migranemas.core.EmergencyPlan
import id.migranemas.core.GeoLocation
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.NoHandle
import id.migranemas.core.StorageProblem
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The emergency screen when the alert cannot be kept in the outbox (a full disk, a
 * storage fault): the numbers must still appear (issue 22: no test reached this branch
 * before). The core cannot be made to fail that one write through the bindings, so the
 * vault here is uniffi's test double ([NoHandle]) whose `triggerEmergency` fails, with
 * every plan asked of the real core behind it.
 */
class EmergencyOutboxFailureTest {
    /** A vault whose outbox cannot be written; its plans come from [real] unless [planFails]. */
    private class OutboxCannotBeWritten(
        private val real: Vault,
        private val planFails: MigranException? = null,
    ) : Vault(NoHandle) {
        var triggers = 0
        val plansAsked = mutableListOf<GeoLocation?>()

        override fun triggerEmergency(kind: EmergencyKind, country: String?, location: GeoLocation?, locale: Locale): EmergencyAlert {
            triggers++
            throw MigranException.Storage(StorageProblem.DISK_FULL)
        }

        override fun emergencyPlan(kind: EmergencyKind, country: String?, location: GeoLocation?, locale: Locale): EmergencyPlan {
            plansAsked += location
            planFails?.let { throw it }
            return real.emergencyPlan(kind, country, location, locale)
        }
    }

    private fun lockedWithCard(): Vault = testVault().also {
        it.setEmergencyCard(fakeHongKongCard())
        it.lock()
    }

    private fun numbers(plan: EmergencyPlan) = plan.actions.map { it.channel to it.number }

    @Test
    fun `when the outbox cannot be written the plan is shown with the reason, in both languages`() =
        lockedWithCard().use { real ->
            val messages = listOf(Locale.ID, Locale.EN).map { locale ->
                val vault = OutboxCannotBeWritten(real)
                val button = EmergencyPresenter(vault, locale)
                val shown = button.press(EmergencyKind.VIOLENCE)

                assertEquals(1, vault.triggers)
                assertEquals(numbers(real.emergencyPlan(EmergencyKind.VIOLENCE, null, null, locale)), shown.rows.map { it.channel to it.number })
                assertTrue(shown.rows.any { it.label == "Ibu Contoh" }, "the card's family contact is in the plan")
                assertEquals(errorMessage(MigranException.Storage(StorageProblem.DISK_FULL), locale), shown.message)
                // Nothing was kept: no alert to update or hand to the phone, and the
                // screen's timer asks the vault nothing (the double would throw).
                assertNull(shown.alertId)
                assertFalse(shown.locationUpdateDue)
                assertEquals(shown, button.checkLocationUpdate())
                assertEquals(shown, button.handedToPhone(0u))
                shown.message
            }
            assertEquals(2, messages.toSet().size, "the reason in each language: $messages")
        }

    @Test
    fun `a location the core refuses is dropped from the fallback plan too`() = lockedWithCard().use { real ->
        val fromTheFuture = GeoLocation(22.3193, 114.1694, System.currentTimeMillis() + 60 * 60_000L)
        val vault = OutboxCannotBeWritten(real)
        val shown = EmergencyPresenter(vault, Locale.EN) { fromTheFuture }.press(EmergencyKind.MEDICAL)

        assertEquals(listOf(fromTheFuture, null), vault.plansAsked, "asked with the location, then without it")
        assertEquals(numbers(real.emergencyPlan(EmergencyKind.MEDICAL, null, null, Locale.EN)), shown.rows.map { it.channel to it.number })
        assertEquals(errorMessage(MigranException.Storage(StorageProblem.DISK_FULL), Locale.EN), shown.message)
    }

    @Test
    fun `when no plan can be made either the screen says why instead of showing nothing`() =
        lockedWithCard().use { real ->
            val planFailure = MigranException.Storage(StorageProblem.CORRUPT)
            val vault = OutboxCannotBeWritten(real, planFails = planFailure)
            val shown = EmergencyPresenter(vault, Locale.ID).press(EmergencyKind.OTHER)

            assertTrue(shown.rows.isEmpty())
            assertNull(shown.alertId)
            assertEquals(errorMessage(planFailure, Locale.ID), shown.message)
            assertTrue(shown.message!!.isNotBlank())
        }
}
