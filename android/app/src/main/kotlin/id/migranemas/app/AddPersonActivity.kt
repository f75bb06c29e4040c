package id.migranemas.app

import android.app.Activity
import android.os.Bundle
import android.widget.Button
import android.widget.EditText
import android.widget.RadioButton
import android.widget.RadioGroup
import id.migranemas.app.screens.AddPersonForm
import id.migranemas.app.screens.AddPersonPresenter
import id.migranemas.app.screens.AddPersonResult
import id.migranemas.core.Sex

class AddPersonActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        protectScreen()
        val vault = app().vault ?: return finish()
        val presenter = AddPersonPresenter(vault, app().locale)
        fun field(hint: Int) = EditText(this).apply { this.hint = getString(hint) }
        val inputs = mapOf(
            "full_name" to field(R.string.full_name),
            "nik" to field(R.string.nik),
            "birth_date" to field(R.string.birth_date),
            "phone" to field(R.string.phone),
            "address" to field(R.string.address),
            "village" to field(R.string.village),
        )
        val female = RadioButton(this).apply { text = getString(R.string.sex_female); isChecked = true }
        val male = RadioButton(this).apply { text = getString(R.string.sex_male) }
        val sex = RadioGroup(this).apply { addView(female); addView(male) }
        val message = label("")
        val save = Button(this).apply { text = getString(R.string.save) }
        save.setOnClickListener {
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
        setContentView(column(*inputs.values.toTypedArray(), sex, save, message))
    }
}
