package id.migranemas.app.screens

import id.migranemas.core.FollowRequest
import id.migranemas.core.FollowedLink
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.SyncRefusal
import id.migranemas.core.Vault

data class FollowerLinkState(
    /** This phone's `MEL1` request and its fingerprint, to show the cadre; null once linked. */
    val request: FollowRequest? = null,
    /** The link held: its team fingerprint is compared with the cadre's screen. */
    val followed: FollowedLink? = null,
    val refusal: Refusal? = null,
)

/**
 * The follower's linking screen (migrant or family phone): shows this phone's request and
 * its fingerprint for the cadre to scan or copy and read aloud, takes the cadre's `MEK1`
 * package (pasted or opened as text) and then shows the team's fingerprint to compare.
 * The core checks everything: that the package is addressed to this phone, signed by the
 * team, of the kind this phone's role follows.
 */
class FollowerLinkPresenter(private val vault: Vault, private val locale: Locale) {
    var state = FollowerLinkState()
        private set

    /** The link held, else the request to show. */
    fun load(): FollowerLinkState = update {
        try {
            FollowerLinkState(followed = vault.followedLink())
        } catch (notYet: MigranException.SyncRefused) {
            if (notYet.reason != SyncRefusal.NOT_FOLLOWING) throw notYet
            FollowerLinkState(request = vault.followRequest())
        }
    }

    /** The cadre's package, as pasted. */
    fun accept(packageText: String): FollowerLinkState = update {
        FollowerLinkState(followed = vault.followAccept(packageText.trim()))
    }

    /** A refusal keeps the request on screen, so the cadre can try again. */
    private fun update(call: () -> FollowerLinkState): FollowerLinkState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }
}
