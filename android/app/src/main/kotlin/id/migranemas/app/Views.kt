package id.migranemas.app

import android.app.Activity
import android.view.View
import android.view.WindowManager
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/** Small helpers so that each screen reads as a list of its widgets. */
fun Activity.app(): MigranApp = application as MigranApp

/** No screenshots and no content in the recent-apps view: the data is too sensitive. */
fun Activity.protectScreen() {
    window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
}

fun Activity.column(vararg views: View): ScrollView {
    val column = LinearLayout(this).apply {
        orientation = LinearLayout.VERTICAL
        setPadding(32, 32, 32, 32)
    }
    views.forEach(column::addView)
    return ScrollView(this).apply { addView(column) }
}

fun Activity.label(text: String, size: Float = 16f): TextView = TextView(this).apply {
    this.text = text
    textSize = size
}
