package id.migranemas.app

import android.app.Activity
import android.content.Intent
import android.os.Bundle

/**
 * Every screen of the app: no screenshots and no content in the recent-apps view
 * ([protectScreen]), and each touch or key counts as use for the idle lock (`AppLock`).
 * The screens that work locked (unlock, emergency button, lessons) are only this.
 */
open class AppScreen : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        protectScreen()
    }

    override fun onUserInteraction() {
        super.onUserInteraction()
        app().touched()
    }
}

/**
 * A screen that shows records and so needs the PIN's session. The app closes every one of
 * them when it locks itself; one started while locked (from a notification, a task kept
 * in the recent-apps list) goes to the unlock screen instead of asking the core.
 */
open class PinScreen : AppScreen() {
    override fun onStart() {
        super.onStart()
        if (app().appLock.isLocked && !isFinishing) toUnlock()
    }

    /** The vault for this screen, or null after sending the user to the PIN (then return at once). */
    fun unlockedVault(): id.migranemas.core.Vault? {
        val vault = app().vault
        if (vault == null || app().appLock.isLocked) {
            toUnlock()
            return null
        }
        return vault
    }

    private fun toUnlock() {
        startActivity(Intent(this, UnlockActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_CLEAR_TOP))
        finish()
    }
}
