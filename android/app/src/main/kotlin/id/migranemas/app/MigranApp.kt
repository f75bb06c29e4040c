package id.migranemas.app

import android.app.Activity
import android.app.Application
import android.app.LocaleManager
import android.content.Intent
import android.os.Build
import android.os.Bundle
import android.os.LocaleList
import android.os.Handler
import android.os.Looper
import android.os.SystemClock
import android.provider.Settings
import id.migranemas.app.screens.AppLock
import id.migranemas.app.screens.DEFAULT_IDLE_LOCK_MINUTES
import id.migranemas.app.screens.Speaker
import id.migranemas.core.ActorInput
import id.migranemas.core.ActorRole
import id.migranemas.core.KeyFactor
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.MonotonicTime
import id.migranemas.core.Vault
import id.migranemas.core.calibrateArgon2
import id.migranemas.core.defaultVaultSettings
import java.io.File
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * How long stretching the PIN should take on this phone, at every unlock: a new vault's
 * Argon2id memory and passes are measured for it on the phone itself (the core's
 * `calibrateArgon2`: memory first, up to its cap, then passes; never below its floor).
 */
private const val KDF_TARGET_MILLIS = 1000u

/**
 * Holds the one vault of this device profile and runs every core call off the main
 * thread. Activities stay thin: they render presenter state and pass input back.
 * Open only for the JVM tests (src/test), which run the Activities under Robolectric:
 * it has no Android Keystore, so they give [keyFactor] (and [deviceSecret]) another source.
 */
open class MigranApp : Application() {
    private val worker: ExecutorService = Executors.newSingleThreadExecutor()
    private val main = Handler(Looper.getMainLooper())

    val vaultDir: File get() = File(filesDir, "vault")
    var vault: Vault? = null
        private set

    /** When the app locks itself (background, idle timeout): the rule, tested on the JVM in `android/screens`. */
    lateinit var appLock: AppLock
        private set

    /** The app's screens not yet destroyed, so that a lock can close those showing records. */
    private val screens = mutableListOf<Activity>()
    private val idleCheck = Runnable { if (!appLock.lockIfIdle()) scheduleIdleCheck() }

    override fun onCreate() {
        super.onCreate()
        val minutes = getSharedPreferences("settings", MODE_PRIVATE).getInt("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES)
        appLock = AppLock(clock(), minutes, ::lockedNow)
        registerActivityLifecycleCallbacks(
            object : ActivityLifecycleCallbacks {
                override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) {
                    screens += activity
                }

                override fun onActivityStarted(activity: Activity) = appLock.screenStarted()

                override fun onActivityResumed(activity: Activity) {}

                override fun onActivityPaused(activity: Activity) {}

                override fun onActivityStopped(activity: Activity) = appLock.screenStopped(activity.isChangingConfigurations)

                override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) {}

                override fun onActivityDestroyed(activity: Activity) {
                    screens -= activity
                }
            },
        )
    }

    /**
     * Milliseconds since boot, counting deep sleep and unaffected by the wall clock: a
     * phone put down with its screen off still reaches the idle timeout. Open for the JVM
     * tests, which move Robolectric's clock instead.
     */
    open fun clock(): () -> Long = { SystemClock.elapsedRealtime() }

    /**
     * The phone's monotonic clock for the lockout (the core's `MonotonicTime`): the boot
     * count names the boot, `elapsedRealtime` counts from it through deep sleep. `null`
     * when the boot count cannot be read (then the core uses the wall clock alone).
     */
    fun uptime(): MonotonicTime? {
        val boots = try {
            Settings.Global.getInt(contentResolver, Settings.Global.BOOT_COUNT)
        } catch (_: Settings.SettingNotFoundException) {
            return null
        }
        return MonotonicTime(bootId = "boot-$boots", elapsedMillis = SystemClock.elapsedRealtime().toULong())
    }

    /**
     * The PIN opened the vault (main thread, after [restoreActor] on the worker): the
     * session starts and the idle timer runs. Had the app gone to the background while the
     * PIN was checked, it locks again at once.
     */
    fun sessionOpened() {
        if (!appLock.inForeground) {
            appLock.lock()
            return
        }
        appLock.unlocked()
        scheduleIdleCheck()
    }

    /** A touch or key on any screen (`AppScreen.onUserInteraction`). */
    fun touched() {
        appLock.used()
    }

    /** The idle timeout chosen in the settings; takes effect at once. */
    var idleLockMinutes: Int
        get() = appLock.idleMinutes
        set(minutes) {
            appLock.idleMinutes = minutes
            getSharedPreferences("settings", MODE_PRIVATE).edit().putInt("idle_lock_minutes", appLock.idleMinutes).apply()
            scheduleIdleCheck()
        }

    private fun scheduleIdleCheck() {
        main.removeCallbacks(idleCheck)
        appLock.millisUntilIdle()?.let { main.postDelayed(idleCheck, it) }
    }

    /**
     * The app locked itself: the core forgets the keys (on the worker, after any call in
     * flight, so no call runs half unlocked), and every screen showing records is closed,
     * so that coming back shows no record, not even for a frame. If that leaves nothing
     * on screen while the app is in front (the idle timeout), the unlock screen opens;
     * the emergency button and the lessons stay where they were, they work locked.
     */
    private fun lockedNow() {
        main.removeCallbacks(idleCheck)
        vault?.let { opened -> worker.execute { opened.lock() } }
        screens.filter { it is PinScreen && !it.isFinishing }.forEach(Activity::finish)
        if (appLock.inForeground && screens.all { it.isFinishing }) {
            startActivity(Intent(this, UnlockActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
        }
    }

    /** The language chosen in the settings, else the phone's: the core answers in it. */
    val locale: Locale
        get() {
            val chosen = getSharedPreferences("settings", MODE_PRIVATE).getString("language", null)
            val language = chosen ?: resources.configuration.locales[0].language
            return if (language == "en") Locale.EN else Locale.ID
        }

    /**
     * Keeps the language for the core's texts; from Android 13 the app's own labels
     * switch too (per-app language), before that they follow the phone.
     */
    fun setLanguage(tag: String) {
        getSharedPreferences("settings", MODE_PRIVATE).edit().putString("language", tag).apply()
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            getSystemService(LocaleManager::class.java).applicationLocales = LocaleList.forLanguageTags(tag)
        }
    }

    /**
     * The actor (the app's user) lives with the unlocked session in the core: the app
     * keeps the name and role chosen in the settings and sets them again after each unlock,
     * so every audit entry, consent and case event names who did it.
     */
    fun rememberActor(name: String, role: ActorRole) {
        getSharedPreferences("settings", MODE_PRIVATE).edit().putString("actor_name", name).putString("actor_role", role.name).apply()
    }

    fun restoreActor(vault: Vault) {
        val prefs = getSharedPreferences("settings", MODE_PRIVATE)
        val name = prefs.getString("actor_name", null) ?: return
        val role = ActorRole.entries.firstOrNull { it.name == prefs.getString("actor_role", null) } ?: ActorRole.CADRE
        try {
            vault.setActor(ActorInput(name, role))
        } catch (refused: MigranException) {
            // Kept from an earlier setting the core accepted; if it no longer does, the
            // settings screen shows the core's message when the user opens it.
        }
    }

    /** The device secret of a vault made before the hardware key factor (see [usesDeviceSecret]). */
    open fun deviceSecret(): ByteArray = DeviceSecretStore(this).secret()

    /**
     * Whether this phone's vault was made with a device secret (before the hardware key
     * factor): it keeps opening that way; it is not moved to the factor in place
     * (docs/security.md, "The hardware key factor").
     */
    open fun usesDeviceSecret(): Boolean = DeviceSecretStore(this).exists()

    /** The vault's hardware key factor: HMAC keys in the Android Keystore. */
    open fun keyFactor(): KeyFactor = KeystoreKeyFactor(this, "migran-vault-")

    private fun openExisting(): Vault =
        if (usesDeviceSecret()) Vault.open(vaultDir.path, deviceSecret()) else Vault.openWithFactor(vaultDir.path, keyFactor())

    /** The phone's text-to-speech; the JVM tests give a speaker that records instead. */
    open fun speaker(): Speaker = AndroidSpeaker(this)

    fun openOrCreate(pin: String, create: Boolean): Vault {
        val existing = vault
        if (existing != null) return existing
        val opened = if (create) {
            // Measured now, on the worker thread: see KDF_TARGET_MILLIS.
            Vault.createWithFactorAndArgon2(vaultDir.path, pin, keyFactor(), defaultVaultSettings(), calibrateArgon2(KDF_TARGET_MILLIS))
        } else {
            openExisting()
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
            openExisting().also { vault = it }
        } catch (error: Exception) {
            null
        }
    }

    fun vaultExists(): Boolean = File(vaultDir, "vault.db").exists()

    /**
     * The vault was wiped (the unlock screen's quick wipe): the object is closed and
     * forgotten, so the next PIN makes a new vault instead of reaching the erased one.
     */
    fun forgetVault() {
        val wiped = vault ?: return
        vault = null
        worker.execute { wiped.close() }
    }

    /** Runs [work] on the worker thread and hands its result to [done] on the main thread. */
    fun <T> background(work: () -> T, done: (T) -> Unit) {
        worker.execute {
            val result = work()
            main.post { done(result) }
        }
    }
}
