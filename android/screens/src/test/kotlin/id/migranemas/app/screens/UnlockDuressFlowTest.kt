package id.migranemas.app.screens

import id.migranemas.core.Locale
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The duress flow through the unlock screen as it is (issue 16): UnlockPresenter given the
 * duress PIN answers as for the real PIN, the register screen shows nobody, and the
 * outbox holds the alert for the card's family and cadre.
 */
class UnlockDuressFlowTest {
    private val duressPin = "580241"

    @Test
    fun `UnlockPresenter given the duress PIN opens an empty register and the outbox holds the alert`() =
        cadreVault().use { v ->
            v.register("Siti Contoh", 1)
            v.setEmergencyCard(fakeHongKongCard(withCadre = true))
            assertTrue(DuressPinPresenter(v, Locale.ID).set(SCREEN_PIN, duressPin, duressPin).saved)
            v.lock()
            assertEquals(0u, v.emergencyOutboxSummary().pendingActions)

            val real = UnlockPresenter(v, Locale.ID)
            val afterDuress = real.submit(duressPin)
            assertEquals(UnlockState(unlocked = true), afterDuress, "the same state as a real unlock")
            assertEquals(0, PersonListPresenter(v, Locale.ID).refresh().rows.size, "an empty register")
            val alerts = v.emergencyLog()
            assertEquals(1, alerts.size, "the alert is in the outbox")
            val reached = alerts[0].plan.actions.map { it.label }.toSet()
            assertEquals(setOf("Ibu Contoh", "Kader Contoh"), reached)
            assertTrue(v.emergencyOutboxSummary().pendingActions > 0u)

            v.lock()
            assertEquals(UnlockState(unlocked = true), UnlockPresenter(v, Locale.ID).submit(SCREEN_PIN))
            assertEquals(1, PersonListPresenter(v, Locale.ID).refresh().rows.size, "the real register again")
        }
}
