package id.migranemas.app.screens

import id.migranemas.core.ActorInput
import id.migranemas.core.ActorRole
import id.migranemas.core.CardContact
import id.migranemas.core.CardContactRole
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.EmergencyCard
import id.migranemas.core.JourneyInput
import id.migranemas.core.Locale
import id.migranemas.core.Phase
import id.migranemas.core.Sector
import id.migranemas.core.Sex
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import id.migranemas.core.newDeviceSecret
import org.junit.jupiter.api.Assertions.assertTrue
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneOffset

const val SCREEN_PIN = "246810"

/** A fresh vault with the lowest KDF cost the core accepts. */
fun testVault(freeAttempts: UInt = 5u): Vault = Vault.create(
    Files.createTempDirectory("migran-screens").toString(),
    SCREEN_PIN,
    newDeviceSecret(),
    VaultSettings(kdfIterations = 10_000u, freeAttempts = freeAttempts, eraseAfterFailures = null),
)

/** A [testVault] with the cadre set as actor, unless [withActor] is false. */
fun cadreVault(withActor: Boolean = true): Vault =
    testVault().also { if (withActor) it.setActor(ActorInput("Kader Contoh", ActorRole.CADRE)) }

/** An obviously fake person as typed into the register; [n] makes NIK and phone unique. */
fun fakePersonForm(name: String, n: Int) = AddPersonForm(
    fullName = name,
    nik = "32010000" + n.toString().padStart(8, '0'),
    birthDate = "1998-04-12",
    sex = Sex.FEMALE,
    phone = "0812" + n.toString().padStart(8, '0'),
    village = "Desa Contoh",
)

/** Registers [fakePersonForm] through the register screen; the core records the registration consent with it. */
fun Vault.register(name: String, n: Int): String =
    (AddPersonPresenter(this, Locale.ID).submit(fakePersonForm(name, n)) as AddPersonResult.Saved).personId

/** Leaving for Hong Kong to work in a factory, departure well ahead. */
fun Vault.preDeparture(personId: String) {
    val departure = today().plusMonths(4).toString()
    setJourney(personId, JourneyInput(Phase.PRE_DEPARTURE, "HK", Sector.MANUFACTURING, null, null, null, null, departure, null))
}

/** The register records the registration consent with the person; this takes it back. */
fun Vault.withdrawRegistration(personId: String) {
    assertTrue(ConsentPresenter(this, Locale.ID, personId).withdraw(ConsentPurpose.REGISTRATION).refusal == null)
}

fun Vault.consentTo(personId: String, vararg purposes: ConsentPurpose) {
    val consent = ConsentPresenter(this, Locale.ID, personId)
    purposes.forEach { assertTrue(consent.give(it).refusal == null) }
}

/** Today on the core's clock (UTC). */
fun today(): LocalDate = LocalDate.now(ZoneOffset.UTC)

/** Siti Contoh's emergency card, working in Hong Kong: her mother to reach, and her cadre when [withCadre]. */
fun fakeHongKongCard(withCadre: Boolean = false) = EmergencyCard(
    fullName = "Siti Contoh",
    passportNumber = null,
    country = "HK",
    city = null,
    employerName = null,
    employerAddress = null,
    contacts = listOfNotNull(
        CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY),
        CardContact("Kader Contoh", "081299990002", CardContactRole.CADRE).takeIf { withCadre },
    ),
)
