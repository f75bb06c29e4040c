package id.migranemas.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

class VaultTest {
    @Test
    fun `an app creates a vault, locks it and opens it again with the PIN`() {
        val dir = tempVaultDir()
        val secret = newDeviceSecret()
        assertEquals(32, secret.size)
        newVault(dir, secret).use { vault ->
            assertTrue(vault.isUnlocked())
            vault.addPerson(fakePerson("Siti Contoh", 1))
            vault.lock()
            assertFalse(vault.isUnlocked())
            assertThrows<MigranException.Locked> { vault.listPersons(PageRequest(0u, 10u), false) }
        }
        Vault.open(dir.toString(), secret).use { vault ->
            assertFalse(vault.isUnlocked())
            vault.unlock(PIN)
            assertEquals(1u, vault.listPersons(PageRequest(0u, 10u), false).total)
            val status = vault.status()
            assertTrue(status.unlocked)
            assertTrue(status.usesDeviceSecret)
            assertEquals(10_000u, status.kdfIterations)
        }
    }

    @Test
    fun `a wrong PIN is a typed exception with the attempts left, then a lockout`() {
        newVault(settings = fastSettings(freeAttempts = 2u)).use { vault ->
            vault.lock()
            val first = assertThrows<MigranException.WrongPin> { vault.unlock("111111") }
            assertEquals(1u, first.attemptsLeft)
            val second = assertThrows<MigranException.WrongPin> { vault.unlock("111112") }
            assertEquals(0u, second.attemptsLeft)
            val locked = assertThrows<MigranException.LockedOut> { vault.unlock(PIN) }
            assertEquals(30uL, locked.retryAfterSeconds)
            assertEquals(2u, vault.status().failedAttempts)
            assertTrue(vault.status().retryAfterSeconds in 1uL..30uL, "${vault.status()}")
            assertTrue(errorMessage(locked, Locale.ID).contains("30 detik"))
            assertTrue(errorMessage(locked, Locale.EN).contains("30 seconds"))
        }
    }

    @Test
    fun `too many wrong PINs erase the vault when the owner chose it`() {
        newVault(settings = fastSettings(freeAttempts = 10u, eraseAfter = 3u)).use { vault ->
            vault.lock()
            repeat(2) { assertThrows<MigranException.WrongPin> { vault.unlock("00000$it") } }
            assertThrows<MigranException.Erased> { vault.unlock("000009") }
            assertThrows<MigranException.Erased> { vault.unlock(PIN) }
        }
    }

    @Test
    fun `a missing device secret is told apart from a wrong PIN`() {
        val dir = tempVaultDir()
        newVault(dir).close()
        assertThrows<MigranException.DeviceSecretMismatch> { Vault.open(dir.toString(), null) }
        assertThrows<MigranException.NoVault> { Vault.open(tempVaultDir().toString(), null) }
        assertThrows<MigranException.VaultExists> { Vault.create(dir.toString(), PIN, newDeviceSecret(), fastSettings()) }
    }

    @Test
    fun `changing the PIN keeps the data`() {
        val dir = tempVaultDir()
        val secret = newDeviceSecret()
        newVault(dir, secret).use { it.addPerson(fakePerson("Siti Contoh", 1)); it.changePin(PIN, "135790") }
        Vault.open(dir.toString(), secret).use { vault ->
            assertThrows<MigranException.WrongPin> { vault.unlock(PIN) }
            vault.unlock("135790")
            assertEquals("Siti Contoh", vault.searchPersons("siti", 5u).single().fullName)
        }
    }

    @Test
    fun `quick wipe leaves a handle that refuses cleanly`() {
        val dir = tempVaultDir()
        newVault(dir).use { vault ->
            vault.wipe()
            assertThrows<MigranException.Erased> { vault.listPersons(PageRequest(0u, 10u), false) }
        }
        assertFalse(dir.resolve("vault.db").toFile().exists())
    }

    @Test
    fun `bad settings and PINs name the field`() {
        val weak = assertThrows<MigranException.Invalid> {
            Vault.create(tempVaultDir().toString(), PIN, null, fastSettings().copy(kdfIterations = 5u))
        }
        assertEquals("kdf_iterations", weak.field)
        val shortPin = assertThrows<MigranException.Invalid> {
            Vault.create(tempVaultDir().toString(), "12", null, fastSettings())
        }
        assertEquals("pin", shortPin.field)
        assertEquals(InvalidReason.TOO_SHORT, shortPin.reason)
        assertTrue(errorMessage(shortPin, Locale.ID).contains("terlalu pendek"))
        // New PINs: at least 6 characters and no pattern guessers try first.
        val fiveDigits = assertThrows<MigranException.Invalid> {
            Vault.create(tempVaultDir().toString(), "97531", null, fastSettings())
        }
        assertEquals(InvalidReason.TOO_SHORT, fiveDigits.reason)
        newVault(tempVaultDir()).use { vault ->
            val weakPin = assertThrows<MigranException.Invalid> { vault.changePin(PIN, "112233") }
            assertEquals("new_pin", weakPin.field)
            assertEquals(InvalidReason.WEAK, weakPin.reason)
            assertTrue(errorMessage(weakPin, Locale.EN).contains("too easy to guess"))
        }
    }

    @Test
    fun `a damaged vault file is a typed error for the whole query, never data`() {
        val dir = tempVaultDir()
        val secret = newDeviceSecret()
        newVault(dir, secret).use { vault -> vault.importPersons((1..300).map { fakePerson("Warga Contoh $it", it) }) }
        // One bit flipped in each page of the file's second half, where the records are
        // (unlock reads the first pages).
        val file = dir.resolve("vault.db")
        val bytes = java.nio.file.Files.readAllBytes(file)
        val pages = bytes.size / 4096
        for (page in pages / 2 until pages) bytes[page * 4096 + 2048] = (bytes[page * 4096 + 2048].toInt() xor 0x20).toByte()
        java.nio.file.Files.write(file, bytes)

        Vault.open(dir.toString(), secret).use { vault ->
            vault.unlock(PIN)
            val damage = assertThrows<MigranException> { vault.listPersons(PageRequest(0u, 1000u), true) }
            // The page's authentication failed: a damaged file, or altered person records.
            assertTrue(
                (damage as? MigranException.Storage)?.problem == StorageProblem.CORRUPT ||
                    (damage as? MigranException.Tampered)?.kind == RecordKind.PERSON,
                "$damage",
            )
            assertFalse(errorMessage(damage, Locale.EN).contains("Warga Contoh"))
            assertTrue(errorMessage(damage, Locale.ID).contains("rusak"), errorMessage(damage, Locale.ID))
        }
    }

    @Test
    fun `a method on a closed vault is a clean exception, not a crash`() {
        val vault = newVault()
        vault.close()
        assertThrows<IllegalStateException> { vault.isUnlocked() }
        vault.close() // closing twice is harmless
    }

    @Test
    fun `several threads use one vault at once`() {
        newVault().use { vault ->
            val pool = Executors.newFixedThreadPool(4)
            val jobs = (0 until 4).map { t ->
                pool.submit {
                    repeat(25) { i -> vault.addPerson(fakePerson("Warga Contoh $t-$i", t * 100 + i)) }
                    repeat(10) { vault.listPersons(PageRequest(0u, 50u), false) }
                }
            }
            jobs.forEach { it.get(60, TimeUnit.SECONDS) }
            pool.shutdown()
            assertEquals(100u, vault.listPersons(PageRequest(0u, 1000u), false).total)
        }
    }

    @Test
    fun `closing a vault while other threads call it never crashes`() {
        val vault = newVault()
        vault.addPerson(fakePerson("Siti Contoh", 1))
        val pool = Executors.newFixedThreadPool(3)
        val started = CountDownLatch(3)
        val callers = (0 until 3).map {
            pool.submit<Int> {
                var ok = 0
                while (true) {
                    try {
                        assertEquals(1u, vault.listPersons(PageRequest(0u, 10u), false).total)
                        if (ok++ == 0) started.countDown()
                    } catch (e: IllegalStateException) {
                        return@submit ok // the handle is gone: a clean Kotlin error, no crash
                    }
                }
                @Suppress("UNREACHABLE_CODE")
                ok
            }
        }
        assertTrue(started.await(60, TimeUnit.SECONDS))
        vault.close()
        val calls = callers.map { it.get(60, TimeUnit.SECONDS) }
        pool.shutdown()
        assertTrue(calls.all { it > 0 }, "$calls")
        assertThrows<IllegalStateException> { vault.status() }
    }

    @Test
    fun `locking from one thread while others read gives typed errors only`() {
        newVault().use { vault ->
            vault.addPerson(fakePerson("Siti Contoh", 1))
            val pool = Executors.newFixedThreadPool(3)
            val readers = (0 until 2).map {
                pool.submit<Int> {
                    var locked = 0
                    repeat(300) {
                        try {
                            assertEquals(1u, vault.listPersons(PageRequest(0u, 10u), false).total)
                        } catch (e: MigranException.Locked) {
                            locked++
                        }
                    }
                    locked
                }
            }
            val locker = pool.submit { repeat(20) { vault.lock(); vault.unlock(PIN) } }
            locker.get(60, TimeUnit.SECONDS)
            readers.forEach { it.get(60, TimeUnit.SECONDS) }
            pool.shutdown()
            assertTrue(vault.isUnlocked())
        }
    }

    @Test
    fun `library facts and helpers are reachable`() {
        assertTrue(coreVersion().matches(Regex("""\d+\.\d+\.\d+.*""")))
        val defaults = defaultVaultSettings()
        assertEquals(600_000u, defaults.kdfIterations)
        assertEquals(null, defaults.eraseAfterFailures)
        val calibrated = calibrateKdfIterations(20u)
        assertTrue(calibrated >= 10_000u, "got $calibrated")
    }
}
