package id.migranemas.app.screens

import id.migranemas.core.AgendaKind
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.DeviceRole
import id.migranemas.core.FollowKind
import id.migranemas.core.ItemState
import id.migranemas.core.LinkEndReason
import id.migranemas.core.Locale
import id.migranemas.core.SyncRefusal
import id.migranemas.core.TeamRole
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The role question, the follower's linking screen, the cadre's "link a phone" screen and the two follower homes (issue 18), over the real core. */
class FollowScreensTest {
    @Test
    fun `the role chosen at set-up picks the home, and the core refuses a team phone becoming a family's`() {
        assertEquals(Home.CHOOSE_ROLE, homeFor(null))
        assertEquals(Home.REGISTER, homeFor(DeviceRole.OFFICER))
        testVault().use { v ->
            val roles = DeviceRolePresenter(v, Locale.ID)
            assertEquals(Home.CHOOSE_ROLE, roles.load().home)
            assertEquals(Home.FAMILY, roles.choose(DeviceRole.FAMILY).home)
            assertEquals(Home.MIGRANT, roles.choose(DeviceRole.MIGRANT).home)
            assertEquals(DeviceRole.MIGRANT, DeviceRolePresenter(v, Locale.ID).load().role)
        }
        cadreVault().use { v ->
            v.teamCreate(TeamRole.CADRE)
            val roles = DeviceRolePresenter(v, Locale.EN)
            assertEquals(Home.REGISTER, roles.load().home)
            val refused = roles.choose(DeviceRole.FAMILY)
            assertEquals("role", refused.refusal!!.field)
            assertEquals(DeviceRole.CADRE, refused.role, "the role held stays")
            assertEquals(Home.REGISTER, refused.home)
        }
    }

    @Test
    fun `the cadre compares the request's fingerprint, links a family phone, which shows the team's fingerprint`() = cadreVault().use { cadre ->
        testVault().use { family ->
            val siti = cadre.register("Siti Contoh", 21)
            cadre.preDeparture(siti)
            val screen = LinkPhonePresenter(cadre, Locale.ID, siti)
            assertTrue(screen.load().needsTeam)
            assertTrue(screen.startTeam().links.isEmpty())
            assertFalse(screen.state.needsTeam)
            assertEquals(TeamRole.CADRE, cadre.syncStatus().team!!.role)

            DeviceRolePresenter(family, Locale.ID).choose(DeviceRole.FAMILY)
            val follower = FollowerLinkPresenter(family, Locale.ID)
            val request = follower.load().request!!
            assertNull(follower.state.followed)
            assertEquals(request.fingerprint, screen.requestTyped("  ${request.text}\n").requestFingerprint)
            assertNotNull(screen.requestTyped("MEL1 not a request").refusal)

            // Without Siti's consent to share with her family the core says no, in the screen's words.
            val form = LinkPhoneForm(request.text, FollowKind.FAMILY)
            val noConsent = screen.link(form)
            assertNotNull(noConsent.refusal!!.reason)
            assertNull(noConsent.packageText)
            cadre.consentTo(siti, ConsentPurpose.SHARE_WITH_FAMILY)
            val linked = screen.link(form)
            assertNull(linked.refusal)
            assertTrue(linked.packageText!!.startsWith("MEK1"))
            assertEquals(FollowKind.FAMILY, linked.running.single().kind)

            // A damaged package is refused and the request stays on screen for another try.
            val damaged = follower.accept(linked.packageText!!.dropLast(8))
            assertNotNull(damaged.refusal)
            assertEquals(request, damaged.request)
            val accepted = follower.accept("\n" + linked.packageText + "\n")
            assertNull(accepted.refusal)
            assertEquals(cadre.syncStatus().team!!.fingerprint, accepted.followed!!.teamFingerprint)
            // Opened again, the screen shows the link, not a new request.
            assertEquals(accepted.followed, FollowerLinkPresenter(family, Locale.ID).load().followed)
        }
    }

    @Test
    fun `the family home shows progress in plain words, takes updates, and a link ended with a reason sends nothing more`() = cadreVault().use { cadre ->
        testVault().use { family ->
            val siti = cadre.register("Siti Contoh", 22)
            cadre.preDeparture(siti)
            cadre.consentTo(siti, ConsentPurpose.SHARE_WITH_FAMILY)
            val links = LinkPhonePresenter(cadre, Locale.ID, siti).also { it.startTeam() }
            DeviceRolePresenter(family, Locale.ID).choose(DeviceRole.FAMILY)
            val home = FamilyHomePresenter(family, Locale.ID)
            assertTrue(home.load().notLinked)
            val request = FollowerLinkPresenter(family, Locale.ID).load().request!!
            FollowerLinkPresenter(family, Locale.ID).accept(links.link(LinkPhoneForm(request.text, FollowKind.FAMILY)).packageText!!)

            val first = home.load()
            assertFalse(first.notLinked)
            assertEquals("Siti", first.view!!.checklist.firstName)
            assertTrue(first.view!!.checklist.nextSteps.isNotEmpty())
            assertEquals(0, first.percentDone)
            assertEquals(1uL, first.view!!.link.viewNumber)

            assertNull(ChecklistPresenter(cadre, Locale.ID, siti).mark("ktp", ItemState.DONE).refusal)
            val linkId = links.state.running.single().linkId
            val update = links.sendUpdate(linkId).viewText!!
            val after = home.receiveUpdate(update)
            assertNull(after.refusal)
            assertEquals(first.view!!.checklist.done + 1u, after.view!!.checklist.done)
            assertTrue(after.percentDone > 0)
            assertEquals("#2 · ${after.view!!.link.viewMadeAt.take(10)}", after.view!!.link.lastUpdate())
            // The same text again is refused as a replay; what the home showed stays.
            val replayed = home.receiveUpdate(update)
            assertEquals(SyncRefusal.REPLAYED, replayed.refusal!!.sync)
            assertEquals(after.view, replayed.view)

            val ended = links.end(linkId, LinkEndReason.PHONE_LOST)
            assertTrue(ended.running.isEmpty())
            assertEquals(LinkEndReason.PHONE_LOST, ended.links.single().endReason)
            val refused = links.sendUpdate(linkId)
            assertEquals(SyncRefusal.LINK_ENDED, refused.refusal!!.sync)
            assertNull(refused.viewText)
        }
    }

    @Test
    fun `the migrant home shows the team's checklist and card, and a family phone's home cannot send events`() = cadreVault().use { cadre ->
        testVault().use { mine ->
            val siti = cadre.register("Siti Contoh", 23)
            cadre.preDeparture(siti)
            val links = LinkPhonePresenter(cadre, Locale.EN, siti).also { it.startTeam() }
            DeviceRolePresenter(mine, Locale.EN).choose(DeviceRole.MIGRANT)
            val home = MigrantHomePresenter(mine, Locale.EN)
            assertTrue(home.load().notLinked)
            // Before linking there is nothing to send; the core says why.
            assertEquals(SyncRefusal.NOT_FOLLOWING, home.sendToCadre().refusal!!.sync)

            val request = FollowerLinkPresenter(mine, Locale.EN).load().request!!
            val form = LinkPhoneForm(request.text, FollowKind.MIGRANT, cadreName = "Kader Contoh", cadrePhone = "081299990002")
            FollowerLinkPresenter(mine, Locale.EN).accept(links.link(form).packageText!!)
            val shown = home.load()
            assertEquals("HK", shown.view!!.destinationCountry)
            assertEquals("Kader Contoh", shown.view!!.card!!.contacts.last().name)
            assertEquals("Siti Contoh", mine.emergencyCard()!!.fullName)
            val outgoing = home.sendToCadre().outgoingText!!
            assertEquals(0u, links.receiveEvents(outgoing).eventsReport!!.newAlerts)
            val garbage = links.receiveEvents("hello")
            assertEquals(SyncRefusal.FORMAT, garbage.refusal!!.sync)
            assertFalse(garbage.refusal!!.message.isBlank())
        }
    }

    @Test
    fun `an officer's phone starts its team as the officer's`() = cadreVault().use { officer ->
        val siti = officer.register("Siti Contoh", 24)
        DeviceRolePresenter(officer, Locale.ID).choose(DeviceRole.OFFICER)
        assertNull(LinkPhonePresenter(officer, Locale.ID, siti).startTeam().refusal)
        assertEquals(TeamRole.OFFICER, officer.syncStatus().team!!.role)
        assertEquals(Home.REGISTER, DeviceRolePresenter(officer, Locale.ID).load().home)
    }

    @Test
    fun `the exchange text is the core's file unchanged`() {
        val file = "{\"sealed\":\"00ff\"}".toByteArray()
        assertEquals(file.toList(), FollowExchange.fromText("  " + FollowExchange.toText(file) + "\n").toList())
    }

    @Test
    fun `agenda emergencies are marked`() {
        assertTrue(AgendaKind.MIGRANT_ALERT.isEmergency())
        assertTrue(AgendaKind.MISSED_CHECK_IN.isEmergency())
        assertTrue(AgendaKind.entries.filter { it.isEmergency() }.size == 2)
    }
}
