package id.migranemas.app

import android.graphics.Color
import android.graphics.drawable.ColorDrawable
import android.view.WindowManager
import id.migranemas.app.screens.AddPersonForm
import id.migranemas.app.screens.AddPersonPresenter
import id.migranemas.app.screens.AddPersonResult
import id.migranemas.core.ActorInput
import id.migranemas.core.ActorRole
import id.migranemas.core.ConsentInput
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.DeviceRole
import id.migranemas.core.EmergencyKind
import id.migranemas.core.FollowKind
import id.migranemas.core.JourneyInput
import id.migranemas.core.Locale
import id.migranemas.core.Phase
import id.migranemas.core.Sex
import id.migranemas.core.TeamRole
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import id.migranemas.core.newDeviceSecret
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.nio.file.Files

/**
 * The role and follow screens (issue 18) under Robolectric over real vaults: the app's own
 * vault on its path, and the other phone of the link as a second vault on the JVM.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = JvmTestApp::class, qualifiers = "id")
class FollowActivitiesTest {
    private val app: JvmTestApp get() = RuntimeEnvironment.getApplication() as JvmTestApp

    /** The other phone of a link: a vault of its own, outside the app. */
    private fun otherPhone(): Vault = Vault.create(
        Files.createTempDirectory("migran-other-phone").toString(),
        TEST_PIN,
        newDeviceSecret(),
        VaultSettings(kdfIterations = 10_000u, freeAttempts = 5u, eraseAfterFailures = null),
    )

    /** The app's vault as a cadre's, in a team, with Siti registered and leaving, consenting to share with family. */
    private fun cadreWithSiti(vault: Vault): String {
        vault.setActor(ActorInput("Kader Contoh", ActorRole.CADRE))
        vault.teamCreate(TeamRole.CADRE)
        val form = AddPersonForm("Siti Contoh", "3201000000000001", "1998-04-12", Sex.FEMALE, "081200000001", village = "Desa Contoh")
        val siti = (AddPersonPresenter(vault, Locale.ID).submit(form) as AddPersonResult.Saved).personId
        val departure = java.time.LocalDate.now().plusMonths(4).toString()
        vault.setJourney(siti, JourneyInput(Phase.PRE_DEPARTURE, "HK", null, null, null, null, null, departure, null))
        vault.recordConsent(siti, ConsentInput(ConsentPurpose.SHARE_WITH_FAMILY, true, null, null))
        return siti
    }

    @Test
    fun theRoleQuestionLeadsAFamilyPhoneToItsHomeWhichAsksToLinkFirst() {
        app.openTestSession()
        val question = app.launchScreen<RoleActivity>()
        assertTrue(question.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        assertEquals("Siapa yang memakai HP ini?", texts(question)[1])
        button(question, "Saya keluarga pekerja migran").performClick()
        settle()
        val next = shadowOf(question).nextStartedActivity
        assertEquals(FamilyHomeActivity::class.java.name, next.component!!.className)
        assertEquals(DeviceRole.FAMILY, app.vault!!.deviceRole())

        val home = app.launchScreen<FamilyHomeActivity>()
        awaitText(home, "HP ini belum terhubung dengan kader.")
        button(home, "Hubungkan dengan kader").performClick()
        assertEquals(FollowerLinkActivity::class.java.name, shadowOf(home).nextStartedActivity.component!!.className)
        val linking = app.launchScreen<FollowerLinkActivity>()
        val request = app.vault!!.followRequest()
        awaitText(linking, "Sidik jari: ${request.fingerprint}")
        assertTrue(texts(linking).contains(request.text))
    }

    @Test
    fun theCadreLinksAFamilyPhoneFromTheScreenAndTheFamilyHomeShowsTheProgress() {
        val vault = app.openTestSession()
        val siti = cadreWithSiti(vault)
        otherPhone().use { family ->
            family.setDeviceRole(DeviceRole.FAMILY)
            val request = family.followRequest()
            val screen = app.launchScreen<LinkPhoneActivity>(siti)
            awaitShown(screen) { it == "Tempel kode dari HP itu (MEL1…)" }
            input(screen, "Tempel kode dari HP itu (MEL1…)").setText(request.text)
            button(screen, "Periksa kode").performClick()
            awaitText(screen, "Cocokkan dengan HP itu: ${request.fingerprint}")
            button(screen, "HP keluarga").performClick()
            button(screen, "Buat paket").performClick()
            awaitText(screen, "Kirim paket ke HP itu")
            val link = vault.followLinks(siti).single()
            assertEquals(FollowKind.FAMILY, link.kind)
            assertTrue(texts(screen).contains("HP keluarga · sejak ${link.createdAt.take(10)}"))
            // The package is what the share sheet would carry: the family phone accepts it.
            button(screen, "Kirim paket ke HP itu").performClick()
            val shared = shadowOf(screen).nextStartedActivity.getParcelableExtra(android.content.Intent.EXTRA_INTENT, android.content.Intent::class.java)!!
            val packageText = shared.getStringExtra(android.content.Intent.EXTRA_TEXT)!!
            assertEquals(vault.syncStatus().team!!.fingerprint, family.followAccept(packageText).teamFingerprint)
        }
    }

    @Test
    fun aMigrantPhonesAlertLeadsTheAgendaMarkedAndOpensTheLinkScreenToAnswerIt() {
        val vault = app.openTestSession()
        val siti = cadreWithSiti(vault)
        otherPhone().use { sitiPhone ->
            sitiPhone.setDeviceRole(DeviceRole.MIGRANT)
            val pkg = vault.followLink(siti, FollowKind.MIGRANT, sitiPhone.followRequest().text, null)
            sitiPhone.followAccept(pkg.text)
            sitiPhone.triggerEmergency(EmergencyKind.HELD_AGAINST_WILL, null, null, Locale.ID)
            vault.followEventsImport(sitiPhone.followEventsExport())

            val agenda = app.launchScreen<AgendaActivity>()
            awaitShown(agenda) { it.startsWith("Siti Contoh: DARURAT") }
            val first = texts(agenda).first { it.startsWith("Siti Contoh: ") }
            assertTrue(first, first.startsWith("Siti Contoh: DARURAT"))
            val row = button(agenda, first)
            assertEquals("marked as an emergency", Color.rgb(0xB0, 0x00, 0x20), (row.background as? ColorDrawable)?.color)
            row.performClick()
            val opened = shadowOf(agenda).nextStartedActivity
            assertEquals(LinkPhoneActivity::class.java.name, opened.component!!.className)
            assertEquals(siti, opened.getStringExtra("person_id"))

            val screen = app.launchScreen<LinkPhoneActivity>(siti)
            awaitShown(screen) { it.startsWith("DARURAT Ditahan") || it.startsWith("DARURAT ") }
            button(screen, "Sudah ditangani").performClick()
            awaitShown(screen) { it.contains("dijawab") }
            assertNotEquals(null, vault.followAlerts(siti).single().acknowledgedAt)
        }
    }

    @Test
    fun theMigrantHomeShowsTheJourneyAndTakesThePastedUpdate() {
        val vault = app.openTestSession()
        vault.setDeviceRole(DeviceRole.MIGRANT)
        otherPhone().use { cadre ->
            val siti = cadreWithSiti(cadre)
            val pkg = cadre.followLink(siti, FollowKind.MIGRANT, vault.followRequest().text, null)
            vault.followAccept(pkg.text)
            val home = app.launchScreen<MigrantHomeActivity>()
            awaitShown(home) { it.startsWith("Kabar terakhir: #1") }
            assertTrue(texts(home).contains("Langkah berikutnya"))
            assertTrue(texts(home).contains("Cek keselamatan berkala"))
            val update = String(cadre.followViewExport(pkg.link.linkId), Charsets.UTF_8)
            input(home, "Tempel kabar terbaru dari kader").setText(update)
            button(home, "Terima kabar terbaru").performClick()
            awaitShown(home) { it.startsWith("Kabar terakhir: #2") }
        }
    }
}
