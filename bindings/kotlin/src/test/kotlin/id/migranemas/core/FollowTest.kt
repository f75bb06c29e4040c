package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Follow links through the bindings (issue 18, docs/decisions/0013): the migrant's and the
 * family's own phones linked to the cadre's team for one person. Three real vaults; the
 * views and events move as the bytes the apps move as files.
 */
class FollowTest {
    private val cadreContact = CardContact("Kader Contoh", "081299990002", CardContactRole.CADRE)

    /** A cadre's vault in a team of its own, with Siti registered, leaving for Malaysia and
     *  consenting to share with her family. */
    private fun cadreWithSiti(): Pair<Vault, String> {
        val cadre = newVault()
        cadre.setActor(CADRE)
        cadre.teamCreate(TeamRole.CADRE)
        val siti = cadre.addPerson(fakePerson("Siti Contoh", 1)).id
        cadre.setJourney(siti, JourneyInput(Phase.PRE_DEPARTURE, "MY", Sector.DOMESTIC_WORK, null, null, null, null, futureDay(), null))
        cadre.addContact(siti, ContactInput("Ibu Contoh", Relation.MOTHER, "081299990001", null))
        cadre.recordConsent(siti, consent(ConsentPurpose.SHARE_WITH_FAMILY))
        return cadre to siti
    }

    /** The follower shows its request, the cadre compares the fingerprint and answers with the
     *  package, the follower accepts it and shows the team's fingerprint. */
    private fun link(cadre: Vault, siti: String, follower: Vault, kind: FollowKind): String {
        val request = follower.followRequest()
        assertTrue(request.text.startsWith("MEL1"), request.text)
        assertEquals(request.fingerprint, followRequestFingerprint(request.text))
        val contact = if (kind == FollowKind.MIGRANT) cadreContact else null
        val pkg = cadre.followLink(siti, kind, request.text, contact)
        assertTrue(pkg.text.startsWith("MEK1"))
        val followed = follower.followAccept(pkg.text)
        assertEquals(pkg.link.linkId, followed.linkId)
        assertEquals(kind, followed.kind)
        assertEquals(1uL, followed.viewNumber)
        assertEquals(cadre.syncStatus().team!!.fingerprint, followed.teamFingerprint)
        return pkg.link.linkId
    }

    private fun todaysAgenda(cadre: Vault) = cadre.agenda(AgendaRequest(on = null, lookAheadDays = 0u)).items

    @Test
    fun `the journey from the cadre's register to an acknowledged alert on Siti's phone`() {
        val (cadre, siti) = cadreWithSiti()
        cadre.use {
            newVault().use { sitiPhone ->
                newVault().use { familyPhone ->
                    assertNull(sitiPhone.deviceRole())
                    assertEquals(DeviceRole.MIGRANT, sitiPhone.setDeviceRole(DeviceRole.MIGRANT))
                    familyPhone.setDeviceRole(DeviceRole.FAMILY)
                    assertEquals(DeviceRole.CADRE, cadre.deviceRole())

                    // Siti's package puts her card on her button at once.
                    val sitiLink = link(cadre, siti, sitiPhone, FollowKind.MIGRANT)
                    val card = sitiPhone.emergencyCard()!!
                    assertEquals("Siti Contoh", card.fullName)
                    assertEquals("MY", card.country)
                    assertTrue(card.contacts.any { it.role == CardContactRole.CADRE && it.phone.endsWith("81299990002") })
                    val mine = sitiPhone.followedMigrantView(Locale.ID)
                    assertEquals("Siti", mine.checklist.firstName)
                    assertEquals("MY", mine.destinationCountry)

                    // The family links; the cadre ticks an item; the next view shows it.
                    val familyLink = link(cadre, siti, familyPhone, FollowKind.FAMILY)
                    val before = familyPhone.followedFamilyView(Locale.ID)
                    cadre.setChecklistItem(siti, "ktp", ChecklistItemUpdate(ItemState.DONE, "Kader Contoh", "catatan rahasia", null), Locale.ID)
                    val view: ByteArray = cadre.followViewExport(familyLink)
                    assertEquals(2uL, familyPhone.followViewImport(view).viewNumber)
                    val after = familyPhone.followedFamilyView(Locale.ID)
                    assertEquals(before.checklist.done + 1u, after.checklist.done)
                    assertTrue(after.alerts.isEmpty())
                    assertFalse(after.toString().contains("catatan rahasia"))
                    // The same view again is a replay.
                    val replayed = assertThrows<MigranException.SyncRefused> { familyPhone.followViewImport(view) }
                    assertEquals(SyncRefusal.REPLAYED, replayed.reason)

                    // Siti presses the button; her events file puts the alert first in the agenda.
                    val alert = sitiPhone.triggerEmergency(EmergencyKind.HELD_AGAINST_WILL, null, null, Locale.ID)
                    val report = cadre.followEventsImport(sitiPhone.followEventsExport())
                    assertEquals(1u, report.newAlerts)
                    val first = todaysAgenda(cadre).first()
                    assertEquals(AgendaKind.MIGRANT_ALERT, first.kind)
                    assertEquals(siti, first.personId)
                    assertEquals(alert.id, first.recordId)
                    assertEquals(alert.id, cadre.followAlerts(siti).single().alertId)

                    // The family is told an alert was raised, and nothing of what it said.
                    familyPhone.followViewImport(cadre.followViewExport(familyLink))
                    val notice = familyPhone.followedFamilyView(Locale.ID).alerts.single()
                    assertEquals(EmergencyKind.HELD_AGAINST_WILL, notice.kind)
                    assertFalse(notice.acknowledged)

                    // The cadre acknowledges: gone from the agenda, in Siti's log after her next view.
                    val answered = cadre.acknowledgeFollowAlert(alert.id, "Kader Contoh")
                    assertEquals("Kader Contoh", answered.acknowledgedBy)
                    assertTrue(todaysAgenda(cadre).none { it.kind == AgendaKind.MIGRANT_ALERT })
                    sitiPhone.followViewImport(cadre.followViewExport(sitiLink))
                    val log = sitiPhone.emergencyLog().first { it.id == alert.id }
                    assertEquals("Kader Contoh", log.acknowledgedBy)
                    assertNotNull(log.acknowledgedAt)
                    assertEquals(alert.id, sitiPhone.followedMigrantView(Locale.EN).acknowledgements.single().alertId)
                }
            }
        }
    }

    @Test
    fun `consent withdrawn ends the family link and the next view is refused`() {
        val (cadre, siti) = cadreWithSiti()
        cadre.use {
            newVault().use { familyPhone ->
                familyPhone.setDeviceRole(DeviceRole.FAMILY)
                val familyLink = link(cadre, siti, familyPhone, FollowKind.FAMILY)
                cadre.recordConsent(siti, consent(ConsentPurpose.SHARE_WITH_FAMILY, given = false))
                val refused = assertThrows<MigranException.SyncRefused> { cadre.followViewExport(familyLink) }
                assertEquals(SyncRefusal.LINK_ENDED, refused.reason)
                assertFalse(errorMessage(refused, Locale.ID).isBlank())
                val ended = cadre.followLinks(siti).single()
                assertEquals(LinkEndReason.CONSENT_WITHDRAWN, ended.endReason)
                assertNotNull(ended.endedAt)
                // The phone keeps its last view until its owner forgets it.
                assertEquals(1uL, familyPhone.followedLink().viewNumber)
                familyPhone.forgetFollowedLink()
                val none = assertThrows<MigranException.SyncRefused> { familyPhone.followedLink() }
                assertEquals(SyncRefusal.NOT_FOLLOWING, none.reason)
            }
        }
    }

    @Test
    fun `a lost phone's link is ended by hand and its events and views are refused`() {
        val (cadre, siti) = cadreWithSiti()
        cadre.use {
            newVault().use { sitiPhone ->
                sitiPhone.setDeviceRole(DeviceRole.MIGRANT)
                val linkId = link(cadre, siti, sitiPhone, FollowKind.MIGRANT)
                sitiPhone.triggerEmergency(EmergencyKind.MEDICAL, null, null, Locale.ID)
                val events = sitiPhone.followEventsExport()
                val ended = cadre.endFollowLink(linkId, LinkEndReason.PHONE_LOST)
                assertEquals(LinkEndReason.PHONE_LOST, ended.endReason)
                assertNotNull(ended.endedAt)
                val refused = assertThrows<MigranException.SyncRefused> { cadre.followEventsImport(events) }
                assertEquals(SyncRefusal.LINK_ENDED, refused.reason)
                assertTrue(cadre.followAlerts(null).isEmpty())
                assertEquals(
                    SyncRefusal.LINK_ENDED,
                    assertThrows<MigranException.SyncRefused> { cadre.followViewExport(linkId) }.reason,
                )
            }
        }
    }

    @Test
    fun `a family phone refuses a migrant's package and sends no events`() {
        val (cadre, siti) = cadreWithSiti()
        cadre.use {
            newVault().use { familyPhone ->
                familyPhone.setDeviceRole(DeviceRole.FAMILY)
                val request = familyPhone.followRequest()
                val pkg = cadre.followLink(siti, FollowKind.MIGRANT, request.text, null)
                val wrong = assertThrows<MigranException.SyncRefused> { familyPhone.followAccept(pkg.text) }
                assertEquals(SyncRefusal.WRONG_LINK_KIND, wrong.reason)
                link(cadre, siti, familyPhone, FollowKind.FAMILY)
                assertEquals(
                    SyncRefusal.WRONG_LINK_KIND,
                    assertThrows<MigranException.SyncRefused> { familyPhone.followEventsExport() }.reason,
                )
                assertEquals(
                    SyncRefusal.ALREADY_FOLLOWING,
                    assertThrows<MigranException.SyncRefused> { familyPhone.followRequest() }.reason,
                )
            }
        }
    }
}
