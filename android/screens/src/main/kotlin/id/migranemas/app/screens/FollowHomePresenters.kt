package id.migranemas.app.screens

import id.migranemas.core.FamilyFollowView
import id.migranemas.core.FollowedLink
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.MigrantFollowView
import id.migranemas.core.SyncRefusal
import id.migranemas.core.Vault

data class MigrantHomeState(
    /** What the team sent: checklist, journey, card, answers to alerts; null before linking. */
    val view: MigrantFollowView? = null,
    /** No link yet: the home leads to the linking screen (the button works regardless). */
    val notLinked: Boolean = false,
    /** This phone's alerts and missed check-ins, as text to send to the cadre. */
    val outgoingText: String? = null,
    val refusal: Refusal? = null,
)

/**
 * The migrant's own home (issue 18). The emergency button and the check-in are their own
 * screens (they work locked); this holds what the team sent and the exchange: "receive
 * update" takes the cadre's view text, "send to cadre" makes the events text to share.
 */
class MigrantHomePresenter(private val vault: Vault, private val locale: Locale) {
    var state = MigrantHomeState()
        private set

    fun load(): MigrantHomeState = update { shown() }

    /** The cadre's update, pasted: a newer view replaces the one held (an older one is refused). */
    fun receiveUpdate(text: String): MigrantHomeState = update {
        vault.followViewImport(FollowExchange.fromText(text))
        shown()
    }

    /** The alerts and check-ins to send (the core seals and signs them for the team). */
    fun sendToCadre(): MigrantHomeState = update {
        state.copy(outgoingText = FollowExchange.toText(vault.followEventsExport()), refusal = null)
    }

    private fun shown() = notLinkedOr { MigrantHomeState(view = vault.followedMigrantView(locale)) } ?: MigrantHomeState(notLinked = true)

    private fun update(call: () -> MigrantHomeState): MigrantHomeState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }
}

data class FamilyHomeState(
    val view: FamilyFollowView? = null,
    val notLinked: Boolean = false,
    val refusal: Refusal? = null,
) {
    /** Progress in whole percent, for the bar; 0 with nothing that applies. */
    val percentDone: Int
        get() = view?.checklist?.let { if (it.total == 0u) 0 else (it.done.toInt() * 100 / it.total.toInt()) } ?: 0

    /** Alerts nobody answered yet: the home shows them first, marked. */
    val unansweredAlerts: Int get() = view?.alerts?.count { !it.acknowledged } ?: 0
}

/**
 * The family's home (issue 18): the checklist progress of the one person followed, the
 * legal blocks and next steps in the core's plain words, and whether an alert was raised
 * and answered (never what it said). "Receive update" takes the cadre's view text.
 */
class FamilyHomePresenter(private val vault: Vault, private val locale: Locale) {
    var state = FamilyHomeState()
        private set

    fun load(): FamilyHomeState = update { shown() }

    fun receiveUpdate(text: String): FamilyHomeState = update {
        vault.followViewImport(FollowExchange.fromText(text))
        shown()
    }

    private fun shown() = notLinkedOr { FamilyHomeState(view = vault.followedFamilyView(locale)) } ?: FamilyHomeState(notLinked = true)

    private fun update(call: () -> FamilyHomeState): FamilyHomeState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }
}

/** [read]'s answer, or null when this phone follows no link yet (`NotFollowing`). */
private fun <T> notLinkedOr(read: () -> T): T? = try {
    read()
} catch (refused: MigranException.SyncRefused) {
    if (refused.reason != SyncRefusal.NOT_FOLLOWING) throw refused
    null
}

/** The view's number and the day the cadre made it, for "last update" lines. */
fun FollowedLink.lastUpdate(): String = "#$viewNumber · ${viewMadeAt.take(10)}"
