package id.migranemas.core

import java.util.Collections
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** syncWithRelay against the real relay binary (target/debug/migran-relay, built by
 *  scripts/test-bindings.sh; its path comes from bindings/kotlin/pom.xml). */
class RelaySyncTest {
    private class Recorder : RelaySyncListener {
        val calls: MutableList<Triple<RelaySyncStage, UInt, UInt>> = Collections.synchronizedList(mutableListOf())

        override fun onProgress(stage: RelaySyncStage, done: UInt, total: UInt) {
            calls.add(Triple(stage, done, total))
        }
    }

    private fun team(): Pair<Vault, Vault> {
        val officer = newVault()
        val cadre = newVault()
        officer.teamCreate(TeamRole.OFFICER)
        val request = cadre.teamJoinRequest()
        cadre.teamAccept(officer.teamAdmit(request.text, TeamRole.CADRE))
        return officer to cadre
    }

    @Test
    fun `two vaults converge through a relay binary, with progress and typed failures`() {
        TestRelay.start().use { relay ->
            val (officer, cadre) = team()
            officer.use {
                cadre.use {
                    val siti = officer.addPerson(fakePerson("Siti Contoh", 1))
                    val budi = cadre.addPerson(fakePerson("Budi Contoh", 2))

                    // The cadre before the team's first device: not on the relay yet.
                    val early = assertThrows<MigranException.RelayFailed> { cadre.syncWithRelay(relay.url, null) }
                    assertEquals(RelayProblem.TEAM_NOT_REGISTERED, early.problem)
                    assertNotEquals(errorMessage(early, Locale.ID), errorMessage(early, Locale.EN))

                    val recorder = Recorder()
                    val first = officer.syncWithRelay(relay.url, recorder)
                    assertTrue(first.registeredTeam)
                    assertEquals(1u, first.devicesEnrolled)
                    assertEquals(1u, first.bundlesPushed)
                    val stages = recorder.calls.map { it.first }.toSet()
                    assertTrue(RelaySyncStage.ENROLLING in stages && RelaySyncStage.PUSHING in stages, "$stages")

                    val second = cadre.syncWithRelay(relay.url, Recorder())
                    assertEquals(1u, second.bundlesPulled)
                    assertEquals(1u, second.bundlesPushed)
                    officer.syncWithRelay(relay.url, null)
                    assertEquals(officer.syncRegisterDigest(), cadre.syncRegisterDigest())
                    assertEquals("Siti Contoh", cadre.getPerson(siti.id).fullName)
                    assertEquals("Budi Contoh", officer.getPerson(budi.id).fullName)

                    // The officer told the team it holds everything; once the cadre took
                    // that, both are up to date: nothing to send or receive.
                    cadre.syncWithRelay(relay.url, null)
                    val quiet = officer.syncWithRelay(relay.url, null)
                    assertEquals(0u, quiet.bundlesPushed)
                    assertEquals(0u, quiet.bundlesPulled)

                    // Plain HTTP to another machine is refused before anything is sent.
                    val insecure = assertThrows<MigranException.RelayFailed> {
                        officer.syncWithRelay("http://relay.desa-contoh.example", null)
                    }
                    assertEquals(RelayProblem.BAD_ADDRESS, insecure.problem)
                    assertFalse(errorMessage(insecure, Locale.ID).isBlank())

                    // The village report's counts to the district roll-up: accepted, then
                    // replaced by the same village's next report; another village is refused.
                    val period = ReportRequest(from = "2026-01-01", to = "2026-06-30", village = "Desa Contoh Satu", officer = null)
                    val sent = officer.submitDistrictReport(relay.url, "99.01", "99.01.01.2001", period)
                    assertFalse(sent.replaced)
                    assertEquals("99.01.01.2001", sent.villageCode)
                    assertEquals("2026-01-01", sent.periodFrom)
                    assertEquals(officer.villageReport(period).peopleCounted, sent.peopleCounted)
                    assertTrue(officer.submitDistrictReport(relay.url, "99.01", "99.01.01.2001", period).replaced)
                    val wrong = assertThrows<MigranException.RelayFailed> {
                        officer.submitDistrictReport(relay.url, "99.01", "99.01.01.2002", period.copy(village = "Desa Contoh Dua"))
                    }
                    assertEquals(RelayProblem.WRONG_VILLAGE, wrong.problem)
                    assertNotEquals(errorMessage(wrong, Locale.ID), errorMessage(wrong, Locale.EN))
                }
            }
        }
    }
}
