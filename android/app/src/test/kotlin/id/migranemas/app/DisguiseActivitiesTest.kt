package id.migranemas.app

import android.app.Activity
import android.app.AlertDialog
import android.content.ComponentName
import android.content.DialogInterface
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.widget.Button
import android.widget.TextView
import id.migranemas.app.screens.UnlockPresenter
import id.migranemas.core.Locale
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog
import java.io.File

/**
 * The quick wipe on the unlock screen and the disguised launcher entry (issue 16) under
 * Robolectric, over a real vault through the core's library, the phone in Indonesian.
 */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], application = JvmTestApp::class, qualifiers = "id")
class DisguiseActivitiesTest {
    private val app: JvmTestApp get() = RuntimeEnvironment.getApplication() as JvmTestApp

    @Test
    fun aLongPressOnTheTitleAsksANeutralQuestionAndResetWipesTheVaultWithoutThePin() {
        app.createTestVault()
        val unlock = Robolectric.buildActivity(UnlockActivity::class.java, Intent(app, UnlockActivity::class.java)).setup().get()
        assertTrue("FLAG_SECURE", unlock.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        assertNull("nothing on screen offers it", ShadowAlertDialog.getLatestAlertDialog())
        // A tap is not the gesture.
        title(unlock, "Masukkan PIN").performClick()
        assertNull(ShadowAlertDialog.getLatestAlertDialog())

        title(unlock, "Masukkan PIN").performLongClick()
        val question = ShadowAlertDialog.getLatestAlertDialog()
        assertEquals("Atur ulang aplikasi?", shadowOf(question).message.toString())
        assertEquals("Batal", question.getButton(DialogInterface.BUTTON_NEGATIVE).text.toString())
        question.getButton(DialogInterface.BUTTON_NEGATIVE).performClick()
        settle()
        assertTrue("cancel keeps the vault", File(app.vaultDir, "vault.db").exists())

        title(unlock, "Masukkan PIN").performLongClick()
        val again = ShadowAlertDialog.getLatestAlertDialog() as AlertDialog
        assertEquals("Atur ulang", again.getButton(DialogInterface.BUTTON_POSITIVE).text.toString())
        again.getButton(DialogInterface.BUTTON_POSITIVE).performClick()
        repeat(500) {
            shadowOf(Looper.getMainLooper()).idle()
            if (app.vault == null && !app.vaultExists()) return@repeat
            Thread.sleep(10)
        }
        assertFalse("the vault's files are gone", app.vaultExists())
        assertNull("the app forgot the wiped vault", app.vault)

        // The unlock screen now looks as on a new phone (the next PIN makes a new vault).
        val fresh = Robolectric.buildActivity(UnlockActivity::class.java, Intent(app, UnlockActivity::class.java)).setup().get()
        assertEquals(listOf("DARURAT", "Buat PIN baru untuk brankas ini"), texts(fresh).take(2))
    }

    @Test
    fun theSettingsSwitchTheLauncherEntryToTheCalculatorAndBack() {
        app.createTestVault()
        // The unlock screen showing: the app is in front, so the session stays open.
        Robolectric.buildActivity(UnlockActivity::class.java, Intent(app, UnlockActivity::class.java)).setup()
        val vault = app.openOrCreate(TEST_PIN, create = false)
        assertTrue(UnlockPresenter(vault, Locale.ID).submit(TEST_PIN).unlocked)
        app.sessionOpened()
        val manager = app.packageManager
        val real = ComponentName(app, "id.migranemas.app.Launcher")
        val disguised = ComponentName(app, "id.migranemas.app.DisguisedLauncher")
        assertFalse(Disguise(app).isOn)

        val settings = Robolectric.buildActivity(SettingsActivity::class.java, Intent(app, SettingsActivity::class.java)).setup().get()
        assertTrue("FLAG_SECURE", settings.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        assertTrue(texts(settings).contains("Tampil sebagai “Migran Emas” ✓"))
        button(settings, "Tampil sebagai “Kalkulator”").performClick()
        assertEquals(PackageManager.COMPONENT_ENABLED_STATE_ENABLED, manager.getComponentEnabledSetting(disguised))
        assertEquals(PackageManager.COMPONENT_ENABLED_STATE_DISABLED, manager.getComponentEnabledSetting(real))
        assertTrue(texts(settings).contains("Tampil sebagai “Kalkulator” ✓"))
        // Remembered by the package manager: a new settings screen (or app start) reads it back.
        val reopened = Robolectric.buildActivity(SettingsActivity::class.java, Intent(app, SettingsActivity::class.java)).setup().get()
        assertTrue(texts(reopened).contains("Tampil sebagai “Kalkulator” ✓"))

        button(reopened, "Tampil sebagai “Migran Emas”").performClick()
        assertEquals(PackageManager.COMPONENT_ENABLED_STATE_ENABLED, manager.getComponentEnabledSetting(real))
        assertEquals(PackageManager.COMPONENT_ENABLED_STATE_DISABLED, manager.getComponentEnabledSetting(disguised))
        assertFalse(Disguise(app).isOn)
    }

    private fun title(screen: Activity, text: String): TextView {
        val found = mutableListOf<TextView>()
        fun walk(view: View) {
            if (view is TextView && view !is Button && view.text?.toString() == text) found.add(view)
            if (view is ViewGroup) for (i in 0 until view.childCount) walk(view.getChildAt(i))
        }
        walk(screen.findViewById(android.R.id.content))
        return found.firstOrNull() ?: throw AssertionError("no label $text; shown: ${texts(screen)}")
    }
}
