package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.DeviceRolePresenter
import id.migranemas.app.screens.DeviceRoleState
import id.migranemas.core.DeviceRole

/** The set-up question (issue 18): who uses this phone. The answer picks the app's home. */
class RoleActivity : PinScreen() {
    private lateinit var presenter: DeviceRolePresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = DeviceRolePresenter(vault, app().locale)
        body = vertical()
        val choices = listOf(
            DeviceRole.MIGRANT to R.string.follow_role_migrant,
            DeviceRole.FAMILY to R.string.follow_role_family,
            DeviceRole.CADRE to R.string.follow_role_cadre,
            DeviceRole.OFFICER to R.string.follow_role_officer,
        ).map { (role, words) -> action(words) { app().background({ presenter.choose(role) }, ::render) } }
        setContentView(screen(label(getString(R.string.follow_role_title), 22f), body, *choices.toTypedArray()))
    }

    private fun render(state: DeviceRoleState) {
        body.removeAllViews()
        if (showRefusal(state.refusal, body)) return
        if (state.role != null) openHome(state.home)
    }
}
