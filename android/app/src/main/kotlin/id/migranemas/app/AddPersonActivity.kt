package id.migranemas.app

import android.os.Bundle
import android.widget.RadioButton
import android.widget.RadioGroup
import id.migranemas.app.screens.AddPersonForm
import id.migranemas.app.screens.AddPersonPresenter
import id.migranemas.app.screens.AddPersonResult
import id.migranemas.core.Sex

class AddPersonActivity : PinScreen() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        val presenter = AddPersonPresenter(vault, app().locale)
        val inputs = mapOf(
            "full_name" to field(R.string.full_name),
            "nik" to field(R.string.nik),
            "birth_date" to field(R.string.birth_date),
            "phone" to field(R.string.phone),
            "address" to field(R.string.address),
            "village" to field(R.string.village),
        )
        val female = RadioButton(this).apply {
            text = getString(R.string.sex_female)
            contentDescription = text
            isChecked = true
        }
        val male = RadioButton(this).apply {
            text = getString(R.string.sex_male)
            contentDescription = text
        }
        val sex = RadioGroup(this).apply { addView(female); addView(male) }
        val message = label("")
        val save = action(R.string.save) {
            val form = AddPersonForm(
                fullName = inputs.getValue("full_name").text.toString(),
                nik = inputs.getValue("nik").text.toString(),
                birthDate = inputs.getValue("birth_date").text.toString(),
                sex = if (male.isChecked) Sex.MALE else Sex.FEMALE,
                phone = inputs.getValue("phone").text.toString(),
                address = inputs.getValue("address").text.toString(),
                village = inputs.getValue("village").text.toString(),
            )
            app().background({ presenter.submit(form) }) { result ->
                when (result) {
                    is AddPersonResult.Saved -> finish()
                    is AddPersonResult.Refused -> {
                        message.text = result.message
                        result.field?.let { inputs[it]?.requestFocus() }
                    }
                }
            }
        }
        setContentView(screen(*inputs.values.toTypedArray(), sex, save, message))
    }
}
