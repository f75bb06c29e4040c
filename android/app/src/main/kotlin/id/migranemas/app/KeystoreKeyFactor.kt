package id.migranemas.app

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import id.migranemas.core.KeyFactor
import id.migranemas.core.KeyFactorProblem
import id.migranemas.core.KeyPurpose
import id.migranemas.core.MigranException
import java.security.KeyStore
import javax.crypto.KeyGenerator
import javax.crypto.Mac
import javax.crypto.SecretKey

/**
 * The vault's hardware key factor on Android (docs/security.md, "The hardware key
 * factor"): HMAC-SHA256 keys made inside the Android Keystore, in StrongBox when the phone
 * has one, never exportable. The core hands in what it wants keyed (a label, or the
 * stretched PIN) and gets the HMAC back; the key itself never reaches this process.
 *
 * - [KeyPurpose.PIN] keys need an unlocked phone (`setUnlockedDeviceRequired`, Android 9
 *   and later): a seized locked phone cannot be made to compute PIN guesses.
 * - [KeyPurpose.LOCKED] keys do not: the emergency button opens `locked.db` on a locked
 *   phone. What that key protects (the header, the emergency card and outbox) is what the
 *   button shows anyway.
 *
 * Keys are named `prefix + keyId`; give each vault its own prefix. Failures become
 * `MigranException.KeyFactor` with the problem the core shows in both languages.
 */
class KeystoreKeyFactor(context: Context, private val prefix: String) : KeyFactor {
    private val strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
        context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)

    private fun store(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    override fun createKey(keyId: String, purpose: KeyPurpose) = guarded {
        val alias = prefix + keyId
        val store = store()
        if (store.containsAlias(alias)) store.deleteEntry(alias)
        if (strongBox) {
            try {
                generate(alias, purpose, inStrongBox = true)
                return@guarded
            } catch (absent: StrongBoxUnavailableException) {
                // Announced but not usable for this key: the phone's TEE instead.
            }
        }
        generate(alias, purpose, inStrongBox = false)
    }

    private fun generate(alias: String, purpose: KeyPurpose, inStrongBox: Boolean) {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
            spec.setIsStrongBoxBacked(inStrongBox)
            // Android 7 and 8 have no such rule: there the PIN key also works while the
            // phone is locked (docs/security.md says so).
            spec.setUnlockedDeviceRequired(purpose == KeyPurpose.PIN)
        }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_HMAC_SHA256, ANDROID_KEYSTORE)
        generator.init(spec.build())
        generator.generateKey()
    }

    override fun derive(keyId: String, input: ByteArray): ByteArray = guarded {
        val key = store().getKey(prefix + keyId, null) as? SecretKey
            ?: throw MigranException.KeyFactor(KeyFactorProblem.KEY_MISSING)
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(key)
        mac.doFinal(input)
    }

    override fun deleteKey(keyId: String) = guarded {
        val store = store()
        if (store.containsAlias(prefix + keyId)) store.deleteEntry(prefix + keyId)
    }

    /** Runs [work], turning what the Keystore throws into the core's typed problem. */
    private fun <T> guarded(work: () -> T): T = try {
        work()
    } catch (typed: MigranException) {
        throw typed
    } catch (error: Exception) {
        throw MigranException.KeyFactor(problemOf(error))
    }

    internal companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"

        /** The core's problem for what the Keystore threw, looking through its causes. */
        fun problemOf(error: Throwable): KeyFactorProblem {
            var cause: Throwable? = error
            while (cause != null) {
                when {
                    cause is KeyPermanentlyInvalidatedException -> return KeyFactorProblem.INVALIDATED
                    // The phone is locked (unlocked-device keys) or the user must authenticate.
                    cause is UserNotAuthenticatedException -> return KeyFactorProblem.UNAVAILABLE
                    Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
                        cause is android.security.KeyStoreException && cause.isTransientFailure ->
                        return KeyFactorProblem.UNAVAILABLE
                }
                cause = cause.cause
            }
            return KeyFactorProblem.PLATFORM
        }
    }
}
