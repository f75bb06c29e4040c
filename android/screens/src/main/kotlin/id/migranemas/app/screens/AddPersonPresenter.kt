package id.migranemas.app.screens

import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.PersonInput
import id.migranemas.core.Sex
import id.migranemas.core.Vault
import id.migranemas.core.errorMessage

/** The form as typed. Checking is the core's job; the screen only shows the answer. */
data class AddPersonForm(
    val fullName: String = "",
    val nik: String = "",
    val birthDate: String = "",
    val sex: Sex = Sex.FEMALE,
    val phone: String = "",
    val address: String = "",
    val village: String = "",
)

sealed class AddPersonResult {
    data class Saved(val personId: String) : AddPersonResult()

    /** [field] is the core's field name (e.g. "nik"), so the screen can mark the input. */
    data class Refused(val field: String?, val message: String) : AddPersonResult()
}

class AddPersonPresenter(private val vault: Vault, private val locale: Locale) {
    fun submit(form: AddPersonForm): AddPersonResult = try {
        val person = vault.addPerson(
            PersonInput(
                fullName = form.fullName,
                nik = form.nik,
                birthDate = form.birthDate,
                sex = form.sex,
                phone = form.phone.ifBlank { null },
                address = form.address.ifBlank { null },
                village = form.village,
            ),
        )
        AddPersonResult.Saved(person.id)
    } catch (error: MigranException) {
        val field = when (error) {
            is MigranException.Invalid -> error.field
            is MigranException.Duplicate -> error.field
            else -> null
        }
        AddPersonResult.Refused(field, errorMessage(error, locale))
    }
}
