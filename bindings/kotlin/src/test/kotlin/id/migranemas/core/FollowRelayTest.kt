package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Follow links through the real relay binary (issue 18, docs/relay.md "Follow links"):
 *  a family phone takes the cadre's view, and is refused with a typed LinkEnded once the
 *  cadre ended the link. */
class FollowRelayTest {
    @Test
    fun `a family phone follows through a relay binary until the link is ended`() {
        TestRelay.start().use { relay ->
            newVault().use { cadre ->
                newVault().use { family ->
                    cadre.teamCreate(TeamRole.CADRE)
                    val siti = cadre.addPerson(fakePerson("Siti Contoh", 1))
                    cadre.recordConsent(siti.id, consent(ConsentPurpose.SHARE_WITH_FAMILY))
                    cadre.syncWithRelay(relay.url, null)
                    family.setDeviceRole(DeviceRole.FAMILY)

                    // Not following anyone yet, and a bad address: typed, nothing sent.
                    val none = assertThrows<MigranException.SyncRefused> { family.followedSyncWithRelay(relay.url) }
                    assertEquals(SyncRefusal.NOT_FOLLOWING, none.reason)
                    val insecure = assertThrows<MigranException.RelayFailed> {
                        family.followedSyncWithRelay("http://relay.desa-contoh.example")
                    }
                    assertEquals(RelayProblem.BAD_ADDRESS, insecure.problem)

                    val request = family.followRequest()
                    val pkg = cadre.followLink(siti.id, FollowKind.FAMILY, request.text, null)
                    family.followAccept(pkg.text)
                    val served = cadre.followSyncWithRelay(relay.url)
                    assertEquals(1u, served.linksRegistered)
                    assertEquals(1u, served.viewsPushed)
                    val synced = family.followedSyncWithRelay(relay.url)
                    assertTrue(synced.viewReceived)
                    assertFalse(synced.eventsPushed)
                    assertEquals(2uL, synced.link.viewNumber)
                    assertEquals("Siti", family.followedFamilyView(Locale.ID).checklist.firstName)

                    cadre.endFollowLink(pkg.link.linkId, LinkEndReason.NO_LONGER_NEEDED)
                    assertEquals(1u, cadre.followSyncWithRelay(relay.url).linksClosed)
                    val ended = assertThrows<MigranException.SyncRefused> { family.followedSyncWithRelay(relay.url) }
                    assertEquals(SyncRefusal.LINK_ENDED, ended.reason)
                    assertNotEquals(errorMessage(ended, Locale.ID), errorMessage(ended, Locale.EN))
                    // The view held stays until the phone's owner forgets the link.
                    assertEquals(2uL, family.followedLink().viewNumber)
                }
            }
        }
    }
}
