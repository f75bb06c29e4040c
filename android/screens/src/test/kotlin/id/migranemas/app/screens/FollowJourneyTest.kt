package id.migranemas.app.screens

import id.migranemas.core.ConsentPurpose
import id.migranemas.core.DeviceRole
import id.migranemas.core.EmergencyKind
import id.migranemas.core.FollowKind
import id.migranemas.core.ItemState
import id.migranemas.core.Locale
import id.migranemas.core.SyncRefusal
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Issue 18's journey through the presenters only, over three real vaults: the cadre's
 * phone, Siti's own phone and her family's phone. Every file moves as the text the apps
 * share (`FollowExchange`).
 */
class FollowJourneyTest {
    @Test
    fun `cadre, migrant and family phones from registration to an acknowledged alert`() = cadreVault().use { cadre ->
        testVault().use { sitiPhone ->
            testVault().use { familyPhone ->
                // The cadre's phone: role, Siti registered, her consent to share with family.
                assertEquals(Home.REGISTER, DeviceRolePresenter(cadre, Locale.ID).choose(DeviceRole.CADRE).home)
                val siti = cadre.register("Siti Contoh", 31)
                cadre.preDeparture(siti)
                cadre.consentTo(siti, ConsentPurpose.SHARE_WITH_FAMILY)
                val links = LinkPhonePresenter(cadre, Locale.ID, siti)
                links.load()
                if (links.state.needsTeam) links.startTeam()

                // Siti's phone and the family's phone choose their roles and link.
                assertEquals(Home.MIGRANT, DeviceRolePresenter(sitiPhone, Locale.ID).choose(DeviceRole.MIGRANT).home)
                assertEquals(Home.FAMILY, DeviceRolePresenter(familyPhone, Locale.ID).choose(DeviceRole.FAMILY).home)
                for ((phone, kind) in listOf(sitiPhone to FollowKind.MIGRANT, familyPhone to FollowKind.FAMILY)) {
                    val follower = FollowerLinkPresenter(phone, Locale.ID)
                    val request = follower.load().request!!
                    assertEquals(request.fingerprint, links.requestTyped(request.text).requestFingerprint)
                    val pkg = links.link(LinkPhoneForm(request.text, kind, "Kader Contoh", "081299990002")).packageText!!
                    assertEquals(cadre.syncStatus().team!!.fingerprint, follower.accept(pkg).followed!!.teamFingerprint)
                }
                val sitiLink = links.state.running.first { it.kind == FollowKind.MIGRANT }.linkId
                val familyLink = links.state.running.first { it.kind == FollowKind.FAMILY }.linkId

                // The cadre ticks the KTP; the family receives the update and sees it done.
                val family = FamilyHomePresenter(familyPhone, Locale.ID)
                val before = family.load().view!!.checklist.done
                assertNull(ChecklistPresenter(cadre, Locale.ID, siti).mark("ktp", ItemState.DONE).refusal)
                val after = family.receiveUpdate(links.sendUpdate(familyLink).viewText!!)
                assertEquals(before + 1u, after.view!!.checklist.done)
                assertEquals(0, after.unansweredAlerts)

                // Siti presses the button and sends to the cadre; her alert leads the agenda, marked.
                val pressed = EmergencyPresenter(sitiPhone, Locale.ID).press(EmergencyKind.HELD_AGAINST_WILL)
                val alertId = pressed.alertId!!
                val migrant = MigrantHomePresenter(sitiPhone, Locale.ID)
                assertEquals(1u, links.receiveEvents(migrant.sendToCadre().outgoingText!!).eventsReport!!.newAlerts)
                assertEquals(alertId, links.state.unanswered.single().alertId)
                val agenda = AgendaPresenter(cadre, Locale.ID, lookAheadDays = 0u).load()
                val first = agenda.rows.first()
                assertTrue(first.emergency, "$first")
                assertEquals(siti, first.personId)
                assertTrue(first.text.contains("DARURAT"), first.text)

                // The family is told that an alert was raised, not what it said.
                val told = family.receiveUpdate(links.sendUpdate(familyLink).viewText!!)
                assertEquals(1, told.unansweredAlerts)
                assertEquals(EmergencyKind.HELD_AGAINST_WILL, told.view!!.alerts.single().kind)

                // The cadre acknowledges; Siti's log and home show it after her next update.
                val acknowledged = links.acknowledge(alertId)
                assertNull(acknowledged.refusal)
                assertTrue(acknowledged.unanswered.isEmpty())
                assertFalse(AgendaPresenter(cadre, Locale.ID, lookAheadDays = 0u).load().rows.any { it.emergency })
                val home = migrant.receiveUpdate(links.sendUpdate(sitiLink).viewText!!)
                assertEquals(alertId, home.view!!.acknowledgements.single().alertId)
                assertEquals("Kader Contoh", sitiPhone.emergencyLog().first { it.id == alertId }.acknowledgedBy)

                // Siti withdraws her consent to share with family: the family gets nothing more.
                assertTrue(ConsentPresenter(cadre, Locale.ID, siti).withdraw(ConsentPurpose.SHARE_WITH_FAMILY).refusal == null)
                assertEquals(SyncRefusal.LINK_ENDED, links.sendUpdate(familyLink).refusal!!.sync)
                assertNull(links.sendUpdate(sitiLink).refusal, "Siti's own link does not hang on it")
            }
        }
    }
}
