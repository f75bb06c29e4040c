package id.migranemas.app

import android.app.Activity
import android.content.Intent
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import id.migranemas.app.screens.UnlockPresenter
import id.migranemas.core.Locale
import id.migranemas.core.Vault
import id.migranemas.core.VaultSettings
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf

/**
 * What the Robolectric tests of the Activities share: a vault on the app's own path, the
 * PIN's session opened as the unlock screen opens it, launching a screen, waiting for the
 * worker thread's answer and reading what a screen shows.
 */
const val TEST_PIN = "246810"

/** A vault on the app's own path, closed, as the app makes new vaults (with the hardware key factor). */
fun MigranApp.createTestVault() {
    val settings = VaultSettings(kdfIterations = 10_000u, freeAttempts = 5u, eraseAfterFailures = null)
    Vault.createWithFactor(vaultDir.path, TEST_PIN, keyFactor(), settings).destroy()
}

/**
 * Opens and unlocks the app's vault as the unlock screen does (which is showing: the app is
 * in front, else the session would lock at once), so the PIN's session is open.
 */
fun MigranApp.openTestSession(): Vault {
    createTestVault()
    Robolectric.buildActivity(UnlockActivity::class.java, Intent(this, UnlockActivity::class.java)).setup()
    val vault = openOrCreate(TEST_PIN, create = false)
    assertTrue(UnlockPresenter(vault, Locale.ID).submit(TEST_PIN).unlocked)
    sessionOpened()
    return vault
}

/** Launches [T] (with a person's id when given), created, started and resumed. */
inline fun <reified T : Activity> MigranApp.launchScreen(personId: String? = null): T = launchScreen(T::class.java, personId)

fun <T : Activity> MigranApp.launchScreen(screen: Class<T>, personId: String? = null): T {
    val intent = Intent(this, screen)
    personId?.let { intent.putExtra("person_id", it) }
    return Robolectric.buildActivity(screen, intent).setup().get()
}

/** Lets the worker thread finish its core call and the main thread render what it handed over. */
fun settle() {
    repeat(10) {
        shadowOf(Looper.getMainLooper()).idle()
        Thread.sleep(20)
    }
    shadowOf(Looper.getMainLooper()).idle()
}

/** Waits (bounded) for a text on the screen that [matches]. */
fun awaitShown(screen: Activity, matches: (String) -> Boolean) {
    repeat(500) {
        shadowOf(Looper.getMainLooper()).idle()
        if (texts(screen).any(matches)) return
        Thread.sleep(10)
    }
    fail("never shown; shown: ${texts(screen)}")
}

/** Waits (bounded) for the screen to show [text] after a core call on the worker thread. */
fun awaitText(screen: Activity, text: String) = awaitShown(screen) { it == text }

/** What the screen shows, top to bottom: each text, or for an empty input its hint. */
fun texts(screen: Activity): List<String> {
    val found = mutableListOf<String>()
    fun walk(view: View) {
        if (view is TextView) {
            val shown = view.text?.toString().orEmpty().ifEmpty { view.hint?.toString().orEmpty() }
            if (shown.isNotEmpty()) found.add(shown)
        }
        if (view is ViewGroup) for (i in 0 until view.childCount) walk(view.getChildAt(i))
    }
    walk(screen.findViewById(android.R.id.content))
    return found
}

/** The view showing [text], or for an empty input its hint. */
fun viewShowing(screen: Activity, text: String): TextView {
    val found = mutableListOf<TextView>()
    fun walk(view: View) {
        if (view is TextView && (view.text?.toString() == text || (view.text.isNullOrEmpty() && view.hint?.toString() == text))) found.add(view)
        if (view is ViewGroup) for (i in 0 until view.childCount) walk(view.getChildAt(i))
    }
    walk(screen.findViewById(android.R.id.content))
    return found.firstOrNull() ?: throw AssertionError("no view shows $text; shown: ${texts(screen)}")
}

/** The input whose hint is [hint]. */
fun input(screen: Activity, hint: String): EditText {
    val found = mutableListOf<EditText>()
    fun walk(view: View) {
        if (view is EditText && view.hint?.toString() == hint) found.add(view)
        if (view is ViewGroup) for (i in 0 until view.childCount) walk(view.getChildAt(i))
    }
    walk(screen.findViewById(android.R.id.content))
    return found.firstOrNull() ?: throw AssertionError("no input $hint; shown: ${texts(screen)}")
}

/** The button showing [text]. */
fun button(screen: Activity, text: String): Button {
    val content = screen.findViewById<ViewGroup>(android.R.id.content)
    return content.touchables.filterIsInstance<Button>().firstOrNull { it.text.toString() == text }
        ?: throw AssertionError("no button $text; shown: ${texts(screen)}")
}
