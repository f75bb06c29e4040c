package id.migranemas.app

import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.UserNotAuthenticatedException
import id.migranemas.core.KeyFactorProblem
import id.migranemas.core.KeyPurpose
import id.migranemas.core.MigranException
import java.security.InvalidKeyException
import org.junit.Assert.assertEquals
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/**
 * What of [KeystoreKeyFactor] runs on the JVM: Robolectric (Android 14 framework classes)
 * has no Android Keystore provider, so the keys themselves were never made here. What is
 * checked: the Keystore's exceptions become the core's typed problems (looking through
 * causes, as `Mac.init` wraps them), and a Keystore that is not there gives a typed
 * `KeyFactor` error from every call, never an uncaught exception.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = JvmTestApp::class)
class KeystoreKeyFactorTest {
    @Test
    fun `keystore exceptions become the core's problems`() {
        assertEquals(KeyFactorProblem.INVALIDATED, KeystoreKeyFactor.problemOf(KeyPermanentlyInvalidatedException()))
        assertEquals(KeyFactorProblem.UNAVAILABLE, KeystoreKeyFactor.problemOf(UserNotAuthenticatedException()))
        assertEquals(
            KeyFactorProblem.UNAVAILABLE,
            KeystoreKeyFactor.problemOf(InvalidKeyException("wrapped", UserNotAuthenticatedException())),
        )
        assertEquals(KeyFactorProblem.PLATFORM, KeystoreKeyFactor.problemOf(IllegalStateException("other")))
    }

    @Test
    fun `without a keystore every call is a typed key factor error`() {
        val factor = KeystoreKeyFactor(RuntimeEnvironment.getApplication(), "migran-test-")
        val calls = listOf<() -> Unit>(
            { factor.createKey("pin-0000000000000001", KeyPurpose.PIN) },
            { factor.derive("locked", byteArrayOf(1, 2, 3)) },
            { factor.deleteKey("locked") },
        )
        for (call in calls) {
            try {
                call()
                fail("Robolectric has no AndroidKeyStore: the call should have failed")
            } catch (error: MigranException.KeyFactor) {
                assertEquals(KeyFactorProblem.PLATFORM, error.problem)
            }
        }
    }
}
