package id.migranemas.app

import android.app.Activity
import android.content.Intent
import android.graphics.Color
import android.graphics.Typeface
import android.widget.TextView
import id.migranemas.app.screens.Home
import id.migranemas.core.EmergencyKind

/** Opens the home a role leads to (issue 18) and closes the screen that asked. */
fun Activity.openHome(home: Home) {
    val screen = when (home) {
        Home.CHOOSE_ROLE -> RoleActivity::class.java
        Home.REGISTER -> PersonListActivity::class.java
        Home.MIGRANT -> MigrantHomeActivity::class.java
        Home.FAMILY -> FamilyHomeActivity::class.java
    }
    startActivity(Intent(this, screen))
    finish()
}

/**
 * Shares a follow text (a request, a package, a view, events) through the share sheet:
 * any messaging app, a note, a nearby share. The text is sealed by the core except the
 * request, which holds only public keys (docs/bindings.md, "Roles and follow screens").
 */
fun Activity.shareText(text: String, title: Int) {
    val send = Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_TEXT, text)
    startActivity(Intent.createChooser(send, getString(title)))
}

/** The app's words for an alert's kind (the emergency button's own). */
fun emergencyKindWords(kind: EmergencyKind): Int = when (kind) {
    EmergencyKind.VIOLENCE -> R.string.emergency_violence
    EmergencyKind.MEDICAL -> R.string.emergency_medical
    EmergencyKind.HELD_AGAINST_WILL -> R.string.emergency_held
    EmergencyKind.PASSPORT_TAKEN -> R.string.emergency_passport
    EmergencyKind.UNPAID_WAGES -> R.string.emergency_wages
    EmergencyKind.DETENTION -> R.string.emergency_detention
    EmergencyKind.WANT_TO_GO_HOME -> R.string.emergency_go_home
    EmergencyKind.OTHER -> R.string.emergency_other
}

// White on dark red (#B00020, 6.5:1), as the emergency button.
private val ALARM_RED = Color.rgb(0xB0, 0x00, 0x20)

/** An emergency line: white on the alarm red and bold, so it stands out in any list. */
fun <T : TextView> T.markedEmergency(): T = apply {
    setTextColor(Color.WHITE)
    setBackgroundColor(ALARM_RED)
    setTypeface(typeface, Typeface.BOLD)
}
