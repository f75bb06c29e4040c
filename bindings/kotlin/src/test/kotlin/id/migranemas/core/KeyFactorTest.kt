package id.migranemas.core

import java.security.SecureRandom
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The hardware key factor implemented in Kotlin (docs/security.md, "The hardware key
 * factor"). On the phone the keys are HMAC-SHA256 keys in the Android Keystore
 * (android/app/.../KeystoreKeyFactor.kt); here javax.crypto's HmacSHA256 over keys held in
 * a map stands in for it, which is the same function. Every call is written down, and the
 * factor can be told to fail as the Keystore does with the phone locked.
 */
class JvmKeyFactor : KeyFactor {
    val keys = mutableMapOf<String, ByteArray>()
    val calls = mutableListOf<String>()
    var failWith: KeyFactorProblem? = null
    var throwOther = false

    override fun createKey(keyId: String, purpose: KeyPurpose) {
        calls += "create $keyId $purpose"
        keys[keyId] = ByteArray(32).also { SecureRandom().nextBytes(it) }
    }

    override fun derive(keyId: String, input: ByteArray): ByteArray {
        calls += "derive $keyId"
        if (keyId.startsWith("pin-")) {
            failWith?.let { throw MigranException.KeyFactor(it) }
            if (throwOther) throw IllegalStateException("keystore exploded")
        }
        val key = keys[keyId] ?: throw MigranException.KeyFactor(KeyFactorProblem.KEY_MISSING)
        return Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(key, "HmacSHA256")) }.doFinal(input)
    }

    override fun deleteKey(keyId: String) {
        calls += "delete $keyId"
        keys.remove(keyId)
    }

    fun pinKeys() = keys.keys.filter { it.startsWith("pin-") }
}

class KeyFactorTest {
    private fun factorVault(factor: JvmKeyFactor, dir: java.nio.file.Path = tempVaultDir(), settings: VaultSettings = fastSettings()): Vault =
        Vault.createWithFactor(dir.toString(), PIN, factor, settings)

    @Test
    fun `a vault made with the factor opens with it and the PIN, never without it or with another`() {
        val dir = tempVaultDir()
        val factor = JvmKeyFactor()
        factorVault(factor, dir).use { it.addPerson(fakePerson("Siti Contoh", 1)) }
        assertEquals(setOf("locked"), factor.keys.keys - factor.pinKeys().toSet())
        assertEquals(1, factor.pinKeys().size)

        Vault.openWithFactor(dir.toString(), factor).use { vault ->
            vault.unlock(PIN)
            assertEquals(listOf("Siti Contoh"), vault.listPersons(ALL, true).items.map { it.fullName })
        }
        assertThrows<MigranException.DeviceSecretMismatch> { Vault.open(dir.toString(), null) }
        assertThrows<MigranException.DeviceSecretMismatch> { Vault.open(dir.toString(), newDeviceSecret()) }
        val other = JvmKeyFactor().apply { createKey("locked", KeyPurpose.LOCKED) }
        assertThrows<MigranException.DeviceSecretMismatch> { Vault.openWithFactor(dir.toString(), other) }
        val missing = assertThrows<MigranException.KeyFactor> { Vault.openWithFactor(dir.toString(), JvmKeyFactor()) }
        assertEquals(KeyFactorProblem.KEY_MISSING, missing.problem)
    }

    @Test
    fun `a vault made with the Argon2id setting calibrated here opens with it, and a setting out of range is refused by name`() {
        val calibrated = calibrateArgon2(50u)
        assertTrue(calibrated.memoryKib >= 19u * 1024u && calibrated.passes >= 2u && calibrated.lanes == 1u, "$calibrated")
        val dir = tempVaultDir()
        val factor = JvmKeyFactor()
        val refused = assertThrows<MigranException.Invalid> {
            Vault.createWithFactorAndArgon2(dir.toString(), PIN, factor, fastSettings(), calibrated.copy(memoryKib = 64u))
        }
        assertEquals("argon2_memory_kib", refused.field)
        assertTrue(factor.keys.isEmpty(), "${factor.keys.keys}")
        Vault.createWithFactorAndArgon2(dir.toString(), PIN, factor, fastSettings(), calibrated).use { it.addPerson(fakePerson("Siti Contoh", 1)) }
        Vault.openWithFactor(dir.toString(), factor).use { vault ->
            vault.unlock(PIN)
            assertEquals(listOf("Siti Contoh"), vault.listPersons(ALL, true).items.map { it.fullName })
        }
    }

    @Test
    fun `a PIN change makes a new PIN key and deletes the old one`() {
        val factor = JvmKeyFactor()
        factorVault(factor).use { vault ->
            val old = factor.pinKeys().single()
            vault.changePin(PIN, "318527")
            val new = factor.pinKeys().single()
            assertNotEquals(old, new)
            assertTrue("create $new PIN" in factor.calls, "${factor.calls}")
            assertTrue("delete $old" in factor.calls, "${factor.calls}")
            vault.lock()
            assertThrows<MigranException.WrongPin> { vault.unlock(PIN) }
            vault.unlock("318527")
        }
    }

    @Test
    fun `wipe deletes every key of the vault`() {
        val factor = JvmKeyFactor()
        factorVault(factor).use { it.wipe() }
        assertEquals(emptyMap<String, ByteArray>(), factor.keys)
    }

    @Test
    fun `a failing factor is a typed error in both languages, never a wrong PIN`() {
        val factor = JvmKeyFactor()
        factorVault(factor, settings = fastSettings(eraseAfter = 3u)).use { vault ->
            vault.lock()
            factor.failWith = KeyFactorProblem.UNAVAILABLE
            repeat(4) {
                val error = assertThrows<MigranException.KeyFactor> { vault.unlock(PIN) }
                assertEquals(KeyFactorProblem.UNAVAILABLE, error.problem)
                assertNotEquals(errorMessage(error, Locale.ID), errorMessage(error, Locale.EN))
            }
            factor.failWith = null
            factor.throwOther = true
            val other = assertThrows<MigranException.KeyFactor> { vault.unlock(PIN) }
            assertEquals(KeyFactorProblem.PLATFORM, other.problem)
            factor.throwOther = false
            // Five failures with erase-after at 3: not erased, the PIN still opens.
            vault.unlock(PIN)
            assertEquals(0u, vault.status().failedAttempts)
        }
    }
}
