package id.migranemas.core

import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
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
    private class Relay(val process: Process, val url: String) : AutoCloseable {
        override fun close() {
            process.destroy()
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
        }
    }

    /** The relay on SQLite in a temporary folder, on a port the system picks. */
    private fun startRelay(): Relay {
        val bin = System.getProperty("migran.relay.bin")
            ?: error("migran.relay.bin is not set: run through bindings/pom.xml")
        check(Files.isExecutable(java.nio.file.Path.of(bin))) { "$bin missing: cargo build -p migran-relay" }
        val data = Files.createTempDirectory("migran-relay-follow")
        val process = ProcessBuilder(bin, "--data", data.toString(), "--listen", "127.0.0.1:0")
            .redirectErrorStream(true)
            .start()
        val output = process.inputStream.bufferedReader()
        val url: String
        while (true) {
            val line = output.readLine() ?: error("the relay stopped before listening")
            if (line.contains("listening on ")) {
                url = line.substringAfter("listening on ").trim()
                break
            }
        }
        thread(isDaemon = true) { output.forEachLine { } }
        return Relay(process, url)
    }

    @Test
    fun `a family phone follows through a relay binary until the link is ended`() {
        startRelay().use { relay ->
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
