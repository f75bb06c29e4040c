package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class SyncTest {
    /** An officer's vault that made a team and a cadre's vault admitted to it. */
    private fun team(): Pair<Vault, Vault> {
        val officer = newVault()
        val cadre = newVault()
        officer.teamCreate(TeamRole.OFFICER)
        val request = cadre.teamJoinRequest()
        assertEquals(request.fingerprint, joinRequestFingerprint(request.text))
        val admission = officer.teamAdmit(request.text, TeamRole.CADRE)
        val joined = cadre.teamAccept(admission)
        assertEquals(officer.syncStatus().team!!.fingerprint, joined.fingerprint)
        return officer to cadre
    }

    @Test
    fun `a cadre joins by the enrolment exchange and receives the register in a bundle`() {
        val (officer, cadre) = team()
        officer.use {
            cadre.use {
                val person = officer.addPerson(fakePerson("Siti Contoh", 1))
                val cadreId = cadre.syncStatus().deviceId
                val report = cadre.syncImport(officer.syncExport(cadreId))
                assertTrue(report.applied > 0u)
                assertEquals("Siti Contoh", cadre.getPerson(person.id).fullName)
                assertEquals(officer.syncRegisterDigest(), cadre.syncRegisterDigest())
                assertEquals(2, cadre.teamDevices().size)
                // The same bundle again is refused as a replay.
                val again = officer.syncExport(null)
                cadre.syncImport(again)
                val replayed = assertThrows<MigranException.SyncRefused> { cadre.syncImport(again) }
                assertEquals(SyncRefusal.REPLAYED, replayed.reason)
            }
        }
    }

    @Test
    fun `concurrent edits keep a conflict, and a removed device is refused`() {
        val (officer, cadre) = team()
        officer.use {
            cadre.use {
                val person = officer.addPerson(fakePerson("Siti Contoh", 1))
                val cadreId = cadre.syncStatus().deviceId
                val officerId = officer.syncStatus().deviceId
                cadre.syncImport(officer.syncExport(cadreId))
                officer.updatePerson(person.id, fakePerson("Siti Contoh Satu", 1))
                Thread.sleep(5)
                cadre.updatePerson(person.id, fakePerson("Siti Contoh Dua", 1))
                officer.syncImport(cadre.syncExport(officerId))
                val conflicts = officer.listConflicts()
                assertEquals(1, conflicts.size)
                assertEquals(ConflictReason.CONCURRENT_EDIT, conflicts[0].reason)
                officer.resolveConflict(conflicts[0].id, false)
                assertTrue(officer.listConflicts().isEmpty())

                val fromCadre = cadre.syncExport(officerId)
                officer.teamRemove(cadreId)
                assertTrue(officer.teamDevices().any { it.deviceId == cadreId && it.removed })
                val refused = assertThrows<MigranException.SyncRefused> { officer.syncImport(fromCadre) }
                assertEquals(SyncRefusal.REMOVED_DEVICE, refused.reason)
                assertFalse(errorMessage(refused, Locale.ID).isBlank())
            }
        }
    }

    @Test
    fun `a backup restores on a fresh device and a wrong recovery key is refused`() {
        newVault().use { old ->
            old.addPerson(fakePerson("Warga Cadangan", 5))
            val wrongKey = old.backupNewRecoveryKey()
            val key = old.backupNewRecoveryKey()
            val backup = old.backupExport()
            val dir = tempVaultDir().resolve("restored")
            val refused = assertThrows<MigranException.BackupRefused> {
                Vault.restoreBackup(dir.toString(), "135790", newDeviceSecret(), fastSettings(), backup, wrongKey)
            }
            assertEquals(BackupRefusal.WRONG_RECOVERY_KEY, refused.reason)
            Vault.restoreBackup(dir.toString(), "135790", newDeviceSecret(), fastSettings(), backup, key).use { restored ->
                assertEquals(1u, restored.listPersons(ALL, true).total)
                assertEquals(old.syncRegisterDigest(), restored.syncRegisterDigest())
            }
        }
    }
}
