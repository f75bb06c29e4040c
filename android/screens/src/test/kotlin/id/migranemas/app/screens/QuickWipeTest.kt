package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import id.migranemas.core.newDeviceSecret
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.nio.file.Files

/** The quick wipe from the unlock screen (issue 16), over the real core, without the PIN. */
class QuickWipeTest {
    @Test
    fun `the wipe needs no PIN, leaves no vault file and brings the screen to start again without a word about data`() {
        val dir = Files.createTempDirectory("migran-wipe").toFile()
        val secret = newDeviceSecret()
        Vault.create(dir.path, SCREEN_PIN, secret, VaultSettings(10_000u, 5u, null)).use { it.register("Siti Contoh", 1) }
        Vault.open(dir.path, secret).use { locked ->
            val screen = UnlockPresenter(locked, Locale.ID)
            assertFalse(screen.state.unlocked)
            val wiped = screen.wipe()
            assertTrue(wiped.erased)
            assertNull(wiped.message, "the screen looks as on a phone that never had a vault")
            assertFalse(wiped.unlocked)
            // The vault object answers Erased from now on; a PIN no longer opens anything.
            assertThrows<MigranException.Erased> { locked.status() }
            assertTrue(screen.submit(SCREEN_PIN).erased)
        }
        assertFalse(File(dir, "vault.db").exists(), "the app then offers a new vault: ${dir.list()?.toList()}")
        assertEquals(emptyList<String>(), dir.listFiles()?.filter { it.isFile }?.map { it.name }.orEmpty())
    }
}
