package id.migranemas.app

import android.content.ComponentName
import android.content.Context
import android.content.pm.PackageManager

/**
 * The disguised launcher entry (issue 16): the home screen shows either "Migran Emas" or
 * "Kalkulator" with a calculator icon, two `<activity-alias>` of the unlock screen in the
 * manifest, exactly one enabled. The package manager keeps the choice (over restarts and
 * reboots), so it is read back from there rather than kept twice. Only the launcher entry
 * changes: the app behind it is the same unlock screen, and the app's name still shows in
 * the phone's Settings > Apps and on its notifications (docs/bindings.md).
 */
class Disguise(private val context: Context) {
    private val real = ComponentName(context, "id.migranemas.app.Launcher")
    private val disguised = ComponentName(context, "id.migranemas.app.DisguisedLauncher")

    /** Whether the home screen shows the disguise. */
    val isOn: Boolean
        get() = context.packageManager.getComponentEnabledSetting(disguised) == PackageManager.COMPONENT_ENABLED_STATE_ENABLED

    /**
     * Switches the launcher entry. The new one is enabled before the old one is disabled, so
     * that the app is never left without a way in. `DONT_KILL_APP`: the settings screen stays.
     * Some launchers take a few seconds to redraw, and drop a shortcut of the old entry.
     */
    fun set(on: Boolean) {
        val (shown, hidden) = if (on) disguised to real else real to disguised
        val manager = context.packageManager
        manager.setComponentEnabledSetting(shown, PackageManager.COMPONENT_ENABLED_STATE_ENABLED, PackageManager.DONT_KILL_APP)
        manager.setComponentEnabledSetting(hidden, PackageManager.COMPONENT_ENABLED_STATE_DISABLED, PackageManager.DONT_KILL_APP)
    }
}
