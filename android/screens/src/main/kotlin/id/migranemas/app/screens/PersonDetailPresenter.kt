package id.migranemas.app.screens

import id.migranemas.core.Contact
import id.migranemas.core.IdentityDocument
import id.migranemas.core.Journey
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Person
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

data class PersonDetailState(
    val person: Person? = null,
    val contacts: List<Contact> = emptyList(),
    val journey: Journey? = null,
    val documents: List<IdentityDocument> = emptyList(),
    val message: String? = null,
    /** The person no longer exists (erased meanwhile): the screen should close. */
    val gone: Boolean = false,
)

class PersonDetailPresenter(private val vault: Vault, private val locale: Locale) {
    fun load(personId: String): PersonDetailState = try {
        PersonDetailState(
            person = vault.getPerson(personId),
            contacts = vault.listContacts(personId),
            journey = vault.getJourney(personId),
            documents = vault.listDocuments(personId),
        )
    } catch (error: MigranException) {
        PersonDetailState(message = errorMessage(error, locale), gone = error is MigranException.NotFound)
    }

    /** Erasure on the person's request (UU PDP). The UI asks for confirmation first. */
    fun erase(personId: String): PersonDetailState = try {
        vault.erasePerson(personId)
        PersonDetailState(gone = true)
    } catch (error: MigranException) {
        PersonDetailState(message = errorMessage(error, locale))
    }
}
