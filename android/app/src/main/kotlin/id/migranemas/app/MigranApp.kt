package id.migranemas.app

import android.app.Application
import android.os.Handler
import android.os.Looper
import id.migranemas.core.Locale
import id.migranemas.core.Vault
import java.io.File
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * Holds the one vault of this device profile and runs every core call off the main
 * thread. Activities stay thin: they render presenter state and pass input back.
 */
class MigranApp : Application() {
    private val worker: ExecutorService = Executors.newSingleThreadExecutor()
    private val main = Handler(Looper.getMainLooper())

    val vaultDir: File get() = File(filesDir, "vault")
    var vault: Vault? = null
        private set

    val locale: Locale
        get() = if (resources.configuration.locales[0].language == "en") Locale.EN else Locale.ID

    fun deviceSecret(): ByteArray = DeviceSecretStore(this).secret()

    fun openOrCreate(pin: String, create: Boolean): Vault {
        val existing = vault
        if (existing != null) return existing
        val opened = if (create) {
            Vault.create(vaultDir.path, pin, deviceSecret(), id.migranemas.core.defaultVaultSettings())
        } else {
            Vault.open(vaultDir.path, deviceSecret())
        }
        vault = opened
        return opened
    }

    /** The vault, opened locked, for what works without the PIN (the emergency button). */
    fun openLocked(): Vault? {
        vault?.let { return it }
        if (!vaultExists()) return null
        // Any failure (a damaged file, the Keystore refusing) shows the no-vault advice
        // instead of crashing the emergency screen.
        return try {
            Vault.open(vaultDir.path, deviceSecret()).also { vault = it }
        } catch (error: Exception) {
            null
        }
    }

    fun vaultExists(): Boolean = File(vaultDir, "vault.db").exists()

    /** Runs [work] on the worker thread and hands its result to [done] on the main thread. */
    fun <T> background(work: () -> T, done: (T) -> Unit) {
        worker.execute {
            val result = work()
            main.post { done(result) }
        }
    }
}
