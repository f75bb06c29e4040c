package id.migranemas.app

import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.FollowerLinkPresenter
import id.migranemas.app.screens.FollowerLinkState

/**
 * The follower's linking screen (issue 18): this phone's code and its fingerprint for the
 * cadre, the cadre's package pasted back, then the team's fingerprint to compare.
 */
class FollowerLinkActivity : PinScreen() {
    private lateinit var presenter: FollowerLinkPresenter
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = FollowerLinkPresenter(vault, app().locale)
        body = vertical()
        setContentView(screen(label(getString(R.string.follow_link_title), 22f), body))
        app().background({ presenter.load() }, ::render)
    }

    private fun render(state: FollowerLinkState) {
        body.removeAllViews()
        state.followed?.let { linked ->
            body.addView(label(getString(R.string.follow_linked, linked.teamFingerprint), 18f))
            return
        }
        val request = state.request
        if (request != null) {
            body.addView(label(getString(R.string.follow_link_explain)))
            body.addView(label(getString(R.string.follow_fingerprint, request.fingerprint), 20f))
            body.addView(label(request.text, 12f).apply { setTextIsSelectable(true) })
            body.addView(action(R.string.follow_share_request) { shareText(request.text, R.string.follow_share_request) })
            val pasted = field(R.string.follow_package_hint)
            body.addView(pasted)
            body.addView(action(R.string.follow_accept) { app().background({ presenter.accept(pasted.text.toString()) }, ::render) })
        }
        showRefusal(state.refusal, body)
    }
}
