package id.migranemas.app.screens

import id.migranemas.core.ConsentPurpose
import id.migranemas.core.ConsentState
import id.migranemas.core.Contact
import id.migranemas.core.IdentityDocument
import id.migranemas.core.Journey
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Person
import id.migranemas.core.RecordKind
import id.migranemas.core.Vault
import id.migranemas.core.caseStatusLabel
import id.migranemas.core.caseTypeLabel
import id.migranemas.core.consentPurposeLabel
import id.migranemas.core.consentStateLabel
import id.migranemas.core.documentKindLabel
import id.migranemas.core.errorMessage
import id.migranemas.core.phaseLabel
import id.migranemas.core.relationLabel
import id.migranemas.core.sectorLabel

/** One consent purpose as the hub shows it: named and stated by the core. */
data class ConsentLine(val purpose: ConsentPurpose, val state: ConsentState, val text: String)

/** One of the person's cases, as a line that opens it. */
data class CaseLine(val caseId: String, val text: String)

/**
 * The person's page is the hub of a home visit: who they are, their journey, documents,
 * family contacts and consents, and from here the checklist, the screening, the visit,
 * cases and the return. Which of those the core allows is the core's answer when they
 * are tried; the hub only says whether the registration consent is given, because
 * nearly every action needs it and the cadre should ask for it first.
 */
data class PersonDetailState(
    val person: Person? = null,
    val contacts: List<Contact> = emptyList(),
    val journey: Journey? = null,
    val documents: List<IdentityDocument> = emptyList(),
    /** One line per document: kind named by the core, number, expiry. */
    val documentLines: List<String> = emptyList(),
    val consents: List<ConsentLine> = emptyList(),
    val cases: List<CaseLine> = emptyList(),
    /** One line per contact, the relation named by the core in the screen's language. */
    val contactLines: List<String> = emptyList(),
    /** Phase, country and sector of the journey, named by the core; null without one. */
    val journeyLine: String? = null,
    val message: String? = null,
    /** The person no longer exists (erased meanwhile): the screen should close. */
    val gone: Boolean = false,
    /** The vault locked meanwhile: back to the unlock screen. */
    val locked: Boolean = false,
) {
    /** Nearly every action needs the registration consent: the hub leads to it first. */
    val registrationConsentGiven: Boolean
        get() = consents.any { it.purpose == ConsentPurpose.REGISTRATION && it.state == ConsentState.GIVEN }
}

class PersonDetailPresenter(private val vault: Vault, private val locale: Locale) {
    fun load(personId: String): PersonDetailState = try {
        val contacts = vault.listContacts(personId)
        val journey = vault.getJourney(personId)
        val documents = vault.listDocuments(personId)
        PersonDetailState(
            person = vault.getPerson(personId),
            contacts = contacts,
            journey = journey,
            documents = documents,
            documentLines = documents.map { d ->
                listOfNotNull(documentKindLabel(d.kind, locale), d.number, d.expiresOn?.let { "→ $it" }).joinToString(" ")
            },
            consents = vault.consents(personId).map { c ->
                val since = c.since?.let { " ($it)" }.orEmpty()
                ConsentLine(c.purpose, c.state, "${consentPurposeLabel(c.purpose, locale)}: ${consentStateLabel(c.state, locale)}$since")
            },
            cases = vault.listCases(personId).map { c ->
                CaseLine(c.id, "${caseTypeLabel(c.caseType, locale)} · ${caseStatusLabel(c.status, locale)} · ${c.reportedOn}")
            },
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
            locked = error is MigranException.Locked,
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
