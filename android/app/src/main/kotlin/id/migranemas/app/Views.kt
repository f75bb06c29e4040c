package id.migranemas.app

import android.app.Activity
import android.content.Intent
import android.graphics.Color
import android.view.View
import android.view.WindowManager
import android.widget.Button
import android.widget.CheckBox
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import id.migranemas.app.screens.Refusal

/** Small helpers so that each screen reads as a list of its widgets. */
fun Activity.app(): MigranApp = application as MigranApp

/** No screenshots and no content in the recent-apps view: the data is too sensitive. */
fun Activity.protectScreen() {
    window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
}

// Black on white (21:1) and white on dark red (#B00020, 6.5:1): both above WCAG AA's 4.5:1.
private val INK = Color.BLACK
private val PAPER = Color.WHITE
private val ALARM = Color.rgb(0xB0, 0x00, 0x20)

fun Activity.column(vararg views: View): ScrollView {
    val column = LinearLayout(this).apply {
        orientation = LinearLayout.VERTICAL
        setPadding(32, 32, 32, 32)
        setBackgroundColor(PAPER)
    }
    views.forEach(column::addView)
    return ScrollView(this).apply {
        setBackgroundColor(PAPER)
        addView(column)
    }
}

/** A screen of the unlocked app: the emergency button first, one tap away everywhere. */
fun Activity.screen(vararg views: View): ScrollView = column(emergencyButton(), *views)

fun Activity.emergencyButton(): Button = Button(this).apply {
    text = getString(R.string.emergency_title)
    contentDescription = getString(R.string.emergency_title)
    textSize = 22f
    setTextColor(PAPER)
    setBackgroundColor(ALARM)
    setOnClickListener { startActivity(Intent(this@emergencyButton, EmergencyActivity::class.java)) }
}

/** Text sizes are in sp, so they follow the phone's font size setting. */
fun Activity.label(text: String, size: Float = 16f): TextView = TextView(this).apply {
    this.text = text
    textSize = size
    setTextColor(INK)
}

/** A button whose spoken description is its text (TalkBack reads every control). */
fun Activity.action(text: String, size: Float = 18f, onClick: () -> Unit): Button = Button(this).apply {
    this.text = text
    contentDescription = text
    textSize = size
    setOnClickListener { onClick() }
}

fun Activity.action(words: Int, onClick: () -> Unit): Button = action(getString(words), onClick = onClick)

/** An input whose hint is also its description. */
fun Activity.field(hint: Int, text: String = ""): EditText = EditText(this).apply {
    this.hint = getString(hint)
    contentDescription = getString(hint)
    setText(text)
    textSize = 18f
    setTextColor(INK)
}

fun Activity.checkBox(text: String, checked: Boolean = false): CheckBox = CheckBox(this).apply {
    this.text = text
    contentDescription = text
    isChecked = checked
    textSize = 18f
    setTextColor(INK)
}

fun Activity.vertical(): LinearLayout = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }

/**
 * Shows the core's refusal on top of [into]; a locked vault goes back to the unlock
 * screen instead (the PIN is asked again, nothing shown).
 */
fun Activity.showRefusal(refusal: Refusal?, into: LinearLayout): Boolean {
    refusal ?: return false
    if (refusal.locked) {
        startActivity(Intent(this, UnlockActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_CLEAR_TOP))
        finish()
        return true
    }
    into.addView(label(refusal.message, 18f).apply { setTextColor(ALARM) }, 0)
    return true
}

/** Opens a person's screen ([T]) with the person's id. */
inline fun <reified T : Activity> Activity.openFor(personId: String) {
    startActivity(Intent(this, T::class.java).putExtra("person_id", personId))
}
