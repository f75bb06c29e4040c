package id.migranemas.app

import android.app.Activity
import android.content.Intent
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.CheckBox
import android.widget.EditText
import android.widget.RadioButton
import android.widget.TextView
import id.migranemas.app.screens.AddPersonForm
import id.migranemas.app.screens.AddPersonPresenter
import id.migranemas.app.screens.AddPersonResult
import id.migranemas.app.screens.Speaker
import id.migranemas.app.screens.UnlockPresenter
import id.migranemas.core.ActorInput
import id.migranemas.core.ActorRole
import id.migranemas.core.CardContact
import id.migranemas.core.CardContactRole
import id.migranemas.core.EmergencyCard
import id.migranemas.core.ConsentInput
import id.migranemas.core.ConsentPurpose
import id.migranemas.core.FacilitatorOrganisation
import id.migranemas.core.InvalidReason
import id.migranemas.core.KeyFactor
import id.migranemas.core.KeyFactorProblem
import id.migranemas.core.KeyPurpose
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Sex
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import id.migranemas.core.errorMessage
import id.migranemas.core.newDeviceSecret
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import java.time.Duration

/** Records what would have been read aloud, instead of Android's TextToSpeech. */
class RecordingSpeaker : Speaker {
    val spoken = java.util.concurrent.CopyOnWriteArrayList<Pair<String, Locale>>()

    override fun speak(text: String, locale: Locale) {
        spoken += text to locale
    }

    override fun stop() {}
}

/**
 * Robolectric has no Android Keystore: the hardware key factor's HMAC keys (and a device
 * secret) are kept in memory instead, with javax.crypto's HmacSHA256, the function the
 * Keystore computes; and the speech goes to a recording speaker.
 */
class JvmTestApp : MigranApp() {
    val speaker = RecordingSpeaker()

    override fun deviceSecret(): ByteArray = SECRET

    override fun keyFactor(): KeyFactor = FACTOR

    override fun speaker(): Speaker = speaker

    private companion object {
        val SECRET: ByteArray = newDeviceSecret()
        val FACTOR = MemoryKeyFactor()
    }
}

/** HMAC-SHA256 keys in memory, standing in for the Android Keystore on the JVM. */
class MemoryKeyFactor : KeyFactor {
    private val keys = java.util.concurrent.ConcurrentHashMap<String, ByteArray>()

    override fun createKey(keyId: String, purpose: KeyPurpose) {
        keys[keyId] = ByteArray(32).also { java.security.SecureRandom().nextBytes(it) }
    }

    override fun derive(keyId: String, input: ByteArray): ByteArray {
        val key = keys[keyId] ?: throw MigranException.KeyFactor(KeyFactorProblem.KEY_MISSING)
        val mac = javax.crypto.Mac.getInstance("HmacSHA256")
        mac.init(javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"))
        return mac.doFinal(input)
    }

    override fun deleteKey(keyId: String) {
        keys.remove(keyId)
    }
}

/**
 * Each Activity launched once under Robolectric (Android 14 framework on the JVM) over a
 * real vault made through the core's library, the phone's language Indonesian: what the
 * screen shows first, in the app's own strings.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = JvmTestApp::class, qualifiers = "id")
class ActivitiesTest {
    private val app: JvmTestApp get() = RuntimeEnvironment.getApplication() as JvmTestApp

    @Test
    fun withoutAVaultTheUnlockScreenAsksForANewPinBelowTheEmergencyButton() {
        val screen = app.launchScreen<UnlockActivity>()
        assertEquals(listOf("DARURAT", "Buat PIN baru untuk brankas ini"), texts(screen).take(2))
    }

    @Test
    fun withoutAVaultTheEmergencyScreenGivesTheNoVaultAdvice() {
        val screen = app.launchScreen<EmergencyActivity>()
        assertTrue(texts(screen).any { it.startsWith("Brankas belum dibuat di ponsel ini") })
    }

    @Test
    fun theEmergencyButtonOpensItsScreenWhileTheVaultIsLocked() {
        app.createTestVault()
        val unlock = app.launchScreen<UnlockActivity>()
        assertEquals("Masukkan PIN", texts(unlock)[1])
        button(unlock, "DARURAT").performClick()
        val started = shadowOf(unlock).nextStartedActivity
        assertEquals(EmergencyActivity::class.java.name, started.component?.className)

        val emergency = Robolectric.buildActivity(EmergencyActivity::class.java, started).setup().get()
        assertTrue(texts(emergency).containsAll(listOf("DARURAT", "Kekerasan", "Paspor ditahan")))
        assertFalse(app.vault!!.isUnlocked())
    }

    @Test
    fun thePersonListShowsTheRegisteredPerson() {
        unlockedWithPerson()
        val screen = app.launchScreen<PersonListActivity>()
        assertTrue(texts(screen).contains("Warga terdaftar"))
        awaitText(screen, "Siti Contoh · Desa Contoh")
    }

    @Test
    @Config(qualifiers = "en")
    fun inEnglishThePersonListSpeaksEnglish() {
        unlockedWithPerson()
        val screen = app.launchScreen<PersonListActivity>()
        assertTrue(texts(screen).contains("Registered villagers"))
        awaitText(screen, "Siti Contoh · Desa Contoh")
    }

    @Test
    fun thePersonDetailShowsThePerson() {
        val personId = unlockedWithPerson()
        val screen = app.launchScreen<PersonDetailActivity>(personId)
        awaitText(screen, "NIK 3201000000000001")
    }

    @Test
    fun theAddPersonFormAsksForTheFullName() {
        unlockedWithPerson()
        assertTrue(texts(app.launchScreen<AddPersonActivity>()).contains("Nama lengkap"))
    }

    @Test
    fun everyScreenOfAPersonOpensWithItsTitle() {
        val personId = unlockedWithPerson()
        val titles = mapOf(
            ConsentActivity::class.java to "Persetujuan",
            ChecklistActivity::class.java to "Daftar persiapan keberangkatan",
            ScreeningActivity::class.java to "Skrining risiko TPPO",
            VisitActivity::class.java to "Kunjungan rumah",
            CaseActivity::class.java to "Buka kasus",
            ReturnActivity::class.java to "Kepulangan dan reintegrasi",
        )
        for ((screen, title) in titles) {
            val activity = app.launchScreen(screen, personId)
            settle()
            assertTrue("${screen.simpleName}: ${texts(activity)}", texts(activity).contains(title))
        }
    }

    @Test
    fun everyScreenOfTheVillageOpensWithItsTitle() {
        unlockedWithPerson()
        val titles = mapOf(
            AgendaActivity::class.java to "Agenda kunjungan",
            ReportActivity::class.java to "Laporan desa",
            EmergencyCardActivity::class.java to "Kartu darurat",
            SettingsActivity::class.java to "Pengaturan",
            DuressPinActivity::class.java to "PIN paksaan",
        )
        for ((screen, title) in titles) {
            val activity = app.launchScreen(screen)
            settle()
            assertTrue("${screen.simpleName}: ${texts(activity)}", texts(activity).contains(title))
        }
    }

    @Test
    fun theLessonReaderReadsTheOpenLessonAloudInTheCoresSpeakableFormOnALockedVault() {
        app.createTestVault()
        val list = app.launchScreen<LessonsActivity>()
        val vault = app.vault!!
        assertFalse(vault.isUnlocked())
        val lesson = vault.lessons(Locale.ID).first { it.country == "HK" }
        awaitText(list, lesson.title)
        button(list, lesson.title).performClick()
        val started = shadowOf(list).nextStartedActivity
        assertEquals(lesson.id, started.getStringExtra("lesson_id"))

        val reader = Robolectric.buildActivity(LessonsActivity::class.java, started).setup().get()
        awaitText(reader, "Bacakan")
        assertTrue(app.speaker.spoken.isEmpty())
        button(reader, "Bacakan").performClick()
        awaitText(reader, "Berhenti membaca")
        val (text, locale) = app.speaker.spoken.single()
        assertEquals(vault.lessonSpeech(lesson.id, Locale.ID), text)
        assertEquals(Locale.ID, locale)
        assertTrue(text, text.contains("Konsulat Jenderal Republik Indonesia"))
    }

    @Test
    fun theSessionFormStoresTheSessionTheCoreShowsAndTheOrientationItemLinksIt() {
        val personId = unlockedWithPerson()
        val vault = app.vault!!
        vault.recordConsent(personId, ConsentInput(ConsentPurpose.REGISTRATION, true, null, null))
        val costs = vault.lessons(Locale.ID).first { it.id == "costs" }
        val form = app.launchScreen<SessionActivity>()
        awaitText(form, "Siti Contoh · Desa Contoh")
        awaitText(form, costs.title)
        input(form, "Tempat").setText("Balai Desa Contoh")
        (viewShowing(form, costs.title) as CheckBox).isChecked = true
        input(form, "Nama fasilitator").setText("Petugas Contoh")
        (viewShowing(form, "BP3MI") as RadioButton).isChecked = true
        (viewShowing(form, "Siti Contoh · Desa Contoh") as CheckBox).isChecked = true
        input(form, "Perempuan, 18–59 tahun").setText("3")
        input(form, "Tindak lanjut (satu per baris)").setText("Kunjungi keluarga Contoh")
        button(form, "Simpan").performClick()
        awaitText(form, "Sesi tersimpan")

        val session = vault.listInfoSessions(null, null).single()
        assertEquals("Balai Desa Contoh", session.place)
        assertEquals(listOf("costs"), session.topics)
        assertEquals(listOf(personId), session.attendees)
        assertEquals(FacilitatorOrganisation.BP3MI, session.facilitators.single().organisation)
        assertEquals(4u, session.guests.sumOf { it.count } + session.attendees.size.toUInt())
        assertEquals(listOf("Kunjungi keluarga Contoh"), session.followUps)

        val checklist = app.launchScreen<ChecklistActivity>(personId)
        awaitText(checklist, "Sesi informasi desa yang diikuti: ${session.date}")
        button(checklist, costs.title).performClick()
        assertEquals("costs", shadowOf(checklist).nextStartedActivity.getStringExtra("lesson_id"))
    }

    @Test
    fun theSessionFormShowsTheCoresRefusalWithoutATopic() {
        unlockedWithPerson()
        val form = app.launchScreen<SessionActivity>()
        awaitText(form, "Siti Contoh · Desa Contoh")
        input(form, "Tempat").setText("Balai Desa Contoh")
        input(form, "Nama fasilitator").setText("Petugas Contoh")
        button(form, "Simpan").performClick()
        awaitText(form, errorMessage(MigranException.Invalid("topics", InvalidReason.EMPTY), Locale.ID))
        assertTrue(app.vault!!.listInfoSessions(null, null).isEmpty())
    }

    @Test
    fun goingToTheBackgroundLocksTheVaultClosesTheRegisterAndLeavesTheEmergencyButton() {
        unlockedWithPerson()
        app.vault!!.setEmergencyCard(
            EmergencyCard("Siti Contoh", null, "HK", null, null, null, listOf(CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY))),
        )
        val list = Robolectric.buildActivity(PersonListActivity::class.java, Intent(app, PersonListActivity::class.java)).setup()
        awaitText(list.get(), "Siti Contoh · Desa Contoh")
        leaveUnlockScreen()
        assertFalse(app.appLock.isLocked)

        list.pause().stop()
        assertTrue(app.appLock.isLocked)
        assertTrue("the register stays open behind the lock", list.get().isFinishing)
        awaitVaultLocked()

        val emergency = app.launchScreen<EmergencyActivity>()
        assertTrue(texts(emergency).containsAll(listOf("DARURAT", "Kekerasan")))
        button(emergency, "Kekerasan").performClick()
        awaitShown(emergency) { it.contains("Ibu Contoh") }
        assertFalse(app.vault!!.isUnlocked())

        val again = app.launchScreen<PersonListActivity>()
        assertTrue(again.isFinishing)
        assertEquals(UnlockActivity::class.java.name, shadowOf(again).nextStartedActivity.component?.className)
    }

    @Test
    fun theIdleTimeoutLocksAndOpensTheUnlockScreenAndATouchPutsItOff() {
        unlockedWithPerson()
        val list = app.launchScreen<PersonListActivity>()
        awaitText(list, "Siti Contoh · Desa Contoh")
        leaveUnlockScreen()
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofSeconds(90))
        list.onUserInteraction()
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofSeconds(90))
        assertFalse("90 s after the touch, the 2-minute timeout has not run out", app.appLock.isLocked)
        assertTrue(app.vault!!.isUnlocked())

        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofSeconds(30))
        assertTrue(app.appLock.isLocked)
        assertTrue(list.isFinishing)
        awaitVaultLocked()
        assertEquals(UnlockActivity::class.java.name, shadowOf(app).nextStartedActivity.component?.className)
    }

    @Test
    fun theSettingsOfferTheIdleTimeoutAndTheChoiceHolds() {
        unlockedWithPerson()
        val settings = app.launchScreen<SettingsActivity>()
        assertTrue(texts(settings).contains("Kunci otomatis setelah tidak dipakai"))
        assertTrue(texts(settings).contains("2 menit ✓"))
        button(settings, "5 menit").performClick()
        assertEquals(5, app.idleLockMinutes)
        assertTrue(texts(settings).contains("5 menit ✓"))
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMinutes(4))
        assertFalse(app.appLock.isLocked)
        shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMinutes(1))
        assertTrue(app.appLock.isLocked)
    }

    private var unlockScreen: ActivityController<UnlockActivity>? = null

    /** The unlock screen goes, as it does once the next screen shows. */
    private fun leaveUnlockScreen() {
        unlockScreen?.pause()?.stop()?.destroy()
        unlockScreen = null
    }

    /** The worker thread runs the core's lock after any call in flight: wait for it, bounded. */
    private fun awaitVaultLocked() {
        repeat(500) {
            if (app.vault?.isUnlocked() == false) return
            Thread.sleep(10)
        }
        fail("the vault stayed unlocked")
    }

    /**
     * Opens and unlocks the vault as the unlock screen does (which is showing, then
     * closes), so the app's session is open, and registers Siti Contoh.
     */
    private fun unlockedWithPerson(): String {
        app.createTestVault()
        unlockScreen = Robolectric.buildActivity(UnlockActivity::class.java, Intent(app, UnlockActivity::class.java)).setup()
        val vault = app.openOrCreate(TEST_PIN, create = false)
        assertTrue(UnlockPresenter(vault, Locale.ID).submit(TEST_PIN).unlocked)
        app.sessionOpened()
        vault.setActor(ActorInput("Kader Contoh", ActorRole.CADRE))
        val form = AddPersonForm("Siti Contoh", "3201000000000001", "1998-04-12", Sex.FEMALE, "081200000001", village = "Desa Contoh")
        return (AddPersonPresenter(vault, Locale.ID).submit(form) as AddPersonResult.Saved).personId
    }
}
