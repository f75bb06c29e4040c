package id.migranemas.app

import android.Manifest
import android.app.Activity
import android.app.Application
import android.app.NotificationManager
import android.app.job.JobScheduler
import android.content.Intent
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import id.migranemas.app.screens.UnlockPresenter
import id.migranemas.core.CardContact
import id.migranemas.core.CardContactRole
import id.migranemas.core.CheckInRequest
import id.migranemas.core.CheckInSchedule
import id.migranemas.core.CheckInState
import id.migranemas.core.EmergencyCard
import id.migranemas.core.EmergencyKind
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import id.migranemas.core.errorMessage
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.time.Instant

/**
 * The check-in screen and its wake-up (issue 16) under Robolectric, over a real vault
 * through the core's library, the phone in Indonesian.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = JvmTestApp::class, qualifiers = "id")
class CheckInActivityTest {
    private val app: JvmTestApp get() = RuntimeEnvironment.getApplication() as JvmTestApp

    @Test
    fun theEmergencyScreenLeadsToTheCheckInWhichWorksLockedAndHidesNothingFromTheScreenshotBlock() {
        app.createTestVault()
        val emergency = app.launchScreen<EmergencyActivity>()
        button(emergency, "Cek keselamatan berkala").performClick()
        val started = shadowOf(emergency).nextStartedActivity
        assertEquals(CheckInActivity::class.java.name, started.component?.className)

        val checkIn = Robolectric.buildActivity(CheckInActivity::class.java, started).setup().get()
        assertTrue(texts(checkIn).containsAll(listOf("DARURAT", "Cek keselamatan")))
        awaitText(checkIn, "Tidak ada cek keselamatan yang berjalan.")
        awaitText(checkIn, "Buka aplikasi dengan PIN untuk mengatur cek keselamatan baru.")
        assertFalse(app.vault!!.isUnlocked())
        assertTrue("FLAG_SECURE", checkIn.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
    }

    @Test
    fun aDailyCheckInIsSetScheduledAndAnsweredWithThePinAWrongOneShownAsTheCoresRefusal() {
        unlocked()
        val screen = app.launchScreen<CheckInActivity>()
        awaitText(screen, "Atur cek keselamatan baru")
        assertEquals("24", input(screen, "Setiap berapa jam").text.toString())
        button(screen, "Atur berulang").performClick()
        awaitText(screen, "Setiap 24 jam")
        assertTrue(texts(screen).contains("Berjalan."))
        assertEquals(CheckInState.WAITING, app.vault!!.checkInStatus().state)
        val scheduler = app.getSystemService(JobScheduler::class.java)
        val job = scheduler.getPendingJob(CheckInJobs.JOB_ID)
        assertNotNull("the wake-up runs while a check-in does", job)
        assertTrue(job!!.isPeriodic && job.isPersisted)

        input(screen, "PIN").setText("999999")
        button(screen, "Saya aman").performClick()
        awaitText(screen, errorMessage(MigranException.WrongPin(4u), Locale.ID))
        input(screen, "PIN").setText(TEST_PIN)
        button(screen, "Saya aman").performClick()
        awaitText(screen, "Terima kasih. Jawaban tersimpan.")

        input(screen, "PIN").setText(TEST_PIN)
        button(screen, "Hentikan cek keselamatan").performClick()
        awaitText(screen, "Tidak ada cek keselamatan yang berjalan.")
        assertNull("nothing to watch: the wake-up stops", scheduler.getPendingJob(CheckInJobs.JOB_ID))
    }

    @Test
    fun theWakeUpQueuesAMissedCheckInsAlertOnceAndItsNotificationOpensTheRowsToSend() {
        unlocked()
        val vault = app.vault!!
        vault.setEmergencyCard(
            EmergencyCard("Siti Contoh", null, "HK", null, null, null, listOf(CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY))),
        )
        vault.setCheckIn(CheckInRequest(CheckInSchedule.Once(Instant.now().plusSeconds(2).toString()), 0u, EmergencyKind.HELD_AGAINST_WILL))
        vault.lock()
        shadowOf(app as Application).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)

        assertNull(CheckInJobService.wakeUp(app).queuedAlertId)
        Thread.sleep(2_500)
        val missed = CheckInJobService.wakeUp(app)
        assertNotNull(missed.queuedAlertId)
        assertNull("a second wake-up queues nothing more", CheckInJobService.wakeUp(app).queuedAlertId)

        CheckInJobs.notify(app, missed)
        val notifications = shadowOf(app.getSystemService(NotificationManager::class.java)).allNotifications
        val posted = notifications.single()
        assertEquals("Pengingat", posted.extras.getCharSequence("android.title").toString())
        assertEquals("Buka aplikasi.", posted.extras.getCharSequence("android.text").toString())
        val opens = shadowOf(posted.contentIntent).savedIntent
        assertEquals(CheckInActivity::class.java.name, opens.component?.className)

        val screen = Robolectric.buildActivity(CheckInActivity::class.java, opens).setup().get()
        assertTrue(texts(screen).contains("Kirim pesan darurat ini sekarang:"))
        button(screen, "SMS Ibu Contoh (+6281299990001)").performClick()
        val sms = shadowOf(screen).nextStartedActivity
        assertEquals(Intent.ACTION_SENDTO, sms.action)
        assertEquals("smsto:+6281299990001", sms.data.toString())
        assertTrue(sms.getStringExtra("sms_body")!!.startsWith("DARURAT"))
        awaitText(screen, "Tidak dijawab: pesan darurat sudah disiapkan.")
    }

    @Test
    fun openingTheScreenAfterAMissBeforeAnyWakeUpQueuesTheAlertAndOffersItsRows() {
        unlocked()
        val vault = app.vault!!
        vault.setEmergencyCard(
            EmergencyCard("Siti Contoh", null, "HK", null, null, null, listOf(CardContact("Ibu Contoh", "081299990001", CardContactRole.FAMILY))),
        )
        vault.setCheckIn(CheckInRequest(CheckInSchedule.Once(Instant.now().plusSeconds(1).toString()), 0u, EmergencyKind.VIOLENCE))
        vault.lock()
        Thread.sleep(1_500)
        val screen = app.launchScreen<CheckInActivity>()
        awaitText(screen, "SMS Ibu Contoh (+6281299990001)")
        assertTrue(texts(screen).contains("Tidak dijawab: pesan darurat sudah disiapkan."))
        assertNull("queued once: the wake-up finds nothing more", CheckInJobService.wakeUp(app).queuedAlertId)
    }

    /**
     * Opened and unlocked as the unlock screen does (which is showing: the app is in front,
     * else the session would lock at once), so the PIN's session is open.
     */
    private fun unlocked() {
        app.openTestSession()
    }
}
