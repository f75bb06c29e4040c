package id.migranemas.core

import java.nio.file.Files
import java.nio.file.Path

/** Fast settings for tests: the lowest KDF cost the core accepts. */
fun fastSettings(freeAttempts: UInt = 5u, eraseAfter: UInt? = null) =
    VaultSettings(kdfIterations = 10_000u, freeAttempts = freeAttempts, eraseAfterFailures = eraseAfter)

const val PIN = "246810"

fun tempVaultDir(): Path = Files.createTempDirectory("migran-kotlin-test")

/** An obviously fake person; [n] makes NIK and phone unique. */
fun fakePerson(name: String, n: Int) = PersonInput(
    fullName = name,
    nik = "32010000" + n.toString().padStart(8, '0'),
    birthDate = "1998-04-12",
    sex = if (n % 2 == 0) Sex.FEMALE else Sex.MALE,
    phone = "+62812" + n.toString().padStart(8, '0'),
    address = "Dusun Contoh RT ${n % 10}",
    village = "Desa Contoh",
)

fun newVault(dir: Path = tempVaultDir(), secret: ByteArray? = newDeviceSecret(), settings: VaultSettings = fastSettings()): Vault =
    Vault.create(dir.toString(), PIN, secret, settings)

/** The cadre the tests act as (audit entries, consents and case events name them). */
val CADRE = ActorInput(name = "Kader Contoh", role = ActorRole.CADRE)

/** Everything in one page (the core's largest page). */
val ALL = PageRequest(0u, 1000u)

fun consent(purpose: ConsentPurpose, given: Boolean = true, date: String? = null, note: String? = null) =
    ConsentInput(purpose = purpose, given = given, date = date, note = note)

/** Today on the vault's clock (UTC, the system clock), as the core writes dates. */
fun todayUtc(): String = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString()

/** A day in the future (two days on, so that midnight cannot make it today): the core
 *  refuses it for anything that already happened. */
fun futureDay(): String = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString()

