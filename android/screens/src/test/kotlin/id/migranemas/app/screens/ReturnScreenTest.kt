package id.migranemas.app.screens

import id.migranemas.core.ConsentPurpose
import id.migranemas.core.JourneyInput
import id.migranemas.core.Locale
import id.migranemas.core.NotAllowedReason
import id.migranemas.core.Phase
import id.migranemas.core.ReintegrationNeed
import id.migranemas.core.ReturnReason
import id.migranemas.core.Sector
import id.migranemas.core.ServiceKind
import id.migranemas.core.reintegrationNeedLabel
import id.migranemas.core.serviceKindLabel
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class ReturnScreenTest {
    @Test
    fun `a return moves the journey on, its plan and services are listed`() = cadreVault().use { v ->
        val siti = v.register("Siti Contoh", 71)
        v.setJourney(siti, JourneyInput(Phase.ABROAD, "MY", Sector.DOMESTIC_WORK, null, null, null, null, "2025-03-01", null))
        val returns = ReturnPresenter(v, Locale.ID, siti)
        assertTrue(returns.load().returns.isEmpty())
        v.withdrawRegistration(siti)
        val refused = returns.recordReturn("2026-04-20", ReturnReason.EARLY_RETURN, setOf(ReintegrationNeed.ECONOMIC))
        assertEquals(NotAllowedReason.ConsentWithdrawn(ConsentPurpose.REGISTRATION), refused.refusal!!.reason)

        v.consentTo(siti, ConsentPurpose.REGISTRATION)
        val back = returns.recordReturn("2026-04-20", ReturnReason.EARLY_RETURN, setOf(ReintegrationNeed.ECONOMIC), "Sehat", "Pelatihan usaha", "2026-05-15")
        assertNull(back.refusal)
        val line = back.returns.single()
        assertEquals(listOf(reintegrationNeedLabel(ReintegrationNeed.ECONOMIC, Locale.ID)), line.needs)
        assertEquals("2026-05-15", line.nextFollowUpOn)
        assertEquals(Phase.RETURNED, v.getJourney(siti)!!.phase)

        assertEquals("date", returns.addService(line.id, ServiceKind.TRAINING, "2026-04-01").refusal!!.field)
        val served = returns.addService(line.id, ServiceKind.TRAINING, "2026-05-02", "BLK Contoh")
        assertTrue(served.returns.single().services.single().contains(serviceKindLabel(ServiceKind.TRAINING, Locale.ID)))
        val early = returns.updatePlan(line.id, setOf(ReintegrationNeed.LEGAL), "Bantuan hukum", "2026-04-01")
        assertEquals("next_follow_up_on", early.refusal!!.field)
        val planned = returns.updatePlan(line.id, setOf(ReintegrationNeed.LEGAL), "Bantuan hukum", "2026-06-01")
        assertEquals("Bantuan hukum", planned.returns.single().plan)
        assertEquals("return_date", returns.recordReturn(today().plusDays(2).toString(), ReturnReason.EARLY_RETURN, emptySet()).refusal!!.field)
        v.lock()
        assertTrue(returns.load().refusal!!.locked)
    }
}
