package id.migranemas.app.screens

import id.migranemas.core.DeviceRole
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

/** Which home the app opens after the PIN: chosen by the device's role (issue 18). */
enum class Home {
    /** No role yet: the set-up question "who uses this phone?". */
    CHOOSE_ROLE,

    /** A cadre's or an officer's phone: the register, as before roles existed. */
    REGISTER,

    /** The migrant's own phone: the emergency button, their checklist, check-in, the exchange. */
    MIGRANT,

    /** A family member's phone: the checklist progress and alert notices. */
    FAMILY,
}

/** The home for a role; no role yet is the question. */
fun homeFor(role: DeviceRole?): Home = when (role) {
    null -> Home.CHOOSE_ROLE
    DeviceRole.CADRE, DeviceRole.OFFICER -> Home.REGISTER
    DeviceRole.MIGRANT -> Home.MIGRANT
    DeviceRole.FAMILY -> Home.FAMILY
}

data class DeviceRoleState(
    val role: DeviceRole? = null,
    val home: Home = Home.CHOOSE_ROLE,
    val refusal: Refusal? = null,
)

/**
 * The role question at set-up (cadre, officer, migrant, family) and the home it leads to.
 * Which role a device may take is the core's rule (a team's phone stays a cadre's or an
 * officer's, a phone following a link keeps its kind): a refused choice shows the core's
 * message and keeps the role held.
 */
class DeviceRolePresenter(private val vault: Vault, private val locale: Locale) {
    var state = DeviceRoleState()
        private set

    fun load(): DeviceRoleState = update {
        val role = vault.deviceRole()
        DeviceRoleState(role = role, home = homeFor(role))
    }

    fun choose(role: DeviceRole): DeviceRoleState = update {
        val chosen = vault.setDeviceRole(role)
        DeviceRoleState(role = chosen, home = homeFor(chosen))
    }

    private fun update(call: () -> DeviceRoleState): DeviceRoleState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(refusal = refusal(error, locale))
        }
        return state
    }
}
