package id.migranemas.app.screens

import id.migranemas.core.Contact
import id.migranemas.core.IdentityDocument
import id.migranemas.core.Journey
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Person
import id.migranemas.core.RecordKind
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage
import id.migranemas.core.phaseLabel
import id.migranemas.core.relationLabel
import id.migranemas.core.sectorLabel

data class PersonDetailState(
    val person: Person? = null,
    val contacts: List<Contact> = emptyList(),
    val journey: Journey? = null,
    val documents: List<IdentityDocument> = emptyList(),
    /** One line per contact, the relation named by the core in the screen's language. */
    val contactLines: List<String> = emptyList(),
    /** Phase, country and sector of the journey, named by the core; null without one. */
    val journeyLine: String? = null,
    val message: String? = null,
    /** The person no longer exists (erased meanwhile): the screen should close. */
    val gone: Boolean = false,
)

class PersonDetailPresenter(private val vault: Vault, private val locale: Locale) {
    fun load(personId: String): PersonDetailState = try {
        val contacts = vault.listContacts(personId)
        val journey = vault.getJourney(personId)
        PersonDetailState(
            person = vault.getPerson(personId),
            contacts = contacts,
            journey = journey,
            documents = vault.listDocuments(personId),
            contactLines = contacts.map { c ->
                listOfNotNull(c.name, "(${relationLabel(c.relation, locale)})", c.phone).joinToString(" ")
            },
            journeyLine = journey?.let { j ->
                listOfNotNull(phaseLabel(j.phase, locale), j.destinationCountry, j.sector?.let { sectorLabel(it, locale) })
                    .joinToString(" · ")
            },
        )
    } catch (error: MigranException) {
        PersonDetailState(
            message = errorMessage(error, locale),
            gone = (error as? MigranException.NotFound)?.kind == RecordKind.PERSON,
        )
    }

    /** Erasure on the person's request (UU PDP). The UI asks for confirmation first. */
    fun erase(personId: String): PersonDetailState = try {
        vault.erasePerson(personId)
        PersonDetailState(gone = true)
    } catch (error: MigranException) {
        PersonDetailState(message = errorMessage(error, locale))
    }
}
