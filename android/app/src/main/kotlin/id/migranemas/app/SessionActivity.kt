package id.migranemas.app

import android.os.Bundle
import android.text.InputType
import android.widget.CheckBox
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import id.migranemas.app.screens.PersonListPresenter
import id.migranemas.app.screens.PersonListState
import id.migranemas.app.screens.SessionForm
import id.migranemas.app.screens.SessionPresenter
import id.migranemas.app.screens.SessionState
import id.migranemas.core.AgeGroup
import id.migranemas.core.Facilitator
import id.migranemas.core.FacilitatorOrganisation
import id.migranemas.core.Sex

/**
 * The information session (sosialisasi) form: date, place, topics from the lessons,
 * facilitators with their organisation, the registered persons who attended (ticked from
 * the register, searchable), everyone else only as counts by sex and age group, and the
 * follow-ups. The core checks it all and names what it refuses; below, the sessions held.
 */
class SessionActivity : PinScreen() {
    private lateinit var presenter: SessionPresenter
    private lateinit var persons: PersonListPresenter
    private lateinit var topics: LinearLayout
    private lateinit var attendeeRows: LinearLayout
    private lateinit var held: LinearLayout
    private lateinit var facilitators: LinearLayout
    private val topicBoxes = mutableMapOf<String, CheckBox>()

    /** Ticked attendees, kept across searches of the register. */
    private val attendees = mutableSetOf<String>()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = unlockedVault() ?: return
        presenter = SessionPresenter(vault, app().locale)
        persons = PersonListPresenter(vault, app().locale)
        val date = field(R.string.session_date, java.time.LocalDate.now().toString())
        val place = field(R.string.session_place)
        topics = vertical()
        facilitators = vertical().apply { addView(facilitatorRow()) }
        val addFacilitator = action(R.string.session_add_facilitator) { facilitators.addView(facilitatorRow()) }
        val search = field(R.string.search_hint)
        val find = action(R.string.search_hint) { app().background({ persons.search(search.text.toString()) }, ::renderPersons) }
        attendeeRows = vertical()
        val guestFields = guestGroups().associateWith { (sex, age) -> countField(sex, age) }
        val followUps = field(R.string.session_follow_ups).apply {
            inputType = InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE
        }
        held = vertical()
        val save = action(R.string.save) {
            val form = SessionForm(
                date = date.text.toString(),
                place = place.text.toString(),
                topics = topicBoxes.filterValues { it.isChecked }.keys,
                facilitators = facilitatorsTyped(),
                attendees = attendees.toSet(),
                guests = guestFields.mapValues { (_, count) -> count.text.toString().trim().toIntOrNull()?.coerceAtLeast(0) ?: 0 },
                followUps = followUps.text.split('\n'),
            )
            app().background({ presenter.save(form) }) { state ->
                if (state.savedSessionId != null) {
                    listOf(place, followUps).forEach { it.text.clear() }
                    guestFields.values.forEach { it.text.clear() }
                }
                render(state)
            }
        }
        setContentView(
            screen(
                label(getString(R.string.sessions_title), 22f), date, place,
                label(getString(R.string.session_topics), 20f), topics,
                label(getString(R.string.session_facilitators), 20f), facilitators, addFacilitator,
                label(getString(R.string.session_attendees), 20f), search, find, attendeeRows,
                label(getString(R.string.session_guests), 20f), *guestFields.values.toTypedArray(),
                followUps, save, label(getString(R.string.session_held), 20f), held,
            ),
        )
        app().background({ presenter.load() }, ::render)
        app().background({ persons.refresh() }, ::renderPersons)
    }

    private fun render(state: SessionState) {
        if (topicBoxes.isEmpty()) {
            for ((id, title) in state.lessons) {
                val box = checkBox(title)
                topicBoxes[id] = box
                topics.addView(box)
            }
        }
        held.removeAllViews()
        if (state.savedSessionId != null) held.addView(label(getString(R.string.session_saved), 18f))
        state.sessions.forEach { held.addView(label(it.summary)) }
        showRefusal(state.refusal, held)
    }

    private fun renderPersons(state: PersonListState) {
        attendeeRows.removeAllViews()
        state.message?.let { attendeeRows.addView(label(it)) }
        for (row in state.rows) {
            val box = checkBox("${row.name} · ${row.village}", row.id in attendees)
            box.setOnCheckedChangeListener { _, ticked -> if (ticked) attendees.add(row.id) else attendees.remove(row.id) }
            attendeeRows.addView(box)
        }
    }

    private val organisations = listOf(
        FacilitatorOrganisation.VILLAGE to R.string.org_village,
        FacilitatorOrganisation.BP3MI to R.string.org_bp3mi,
        FacilitatorOrganisation.DISNAKER to R.string.org_disnaker,
        FacilitatorOrganisation.NGO to R.string.org_ngo,
        FacilitatorOrganisation.COMMUNITY_LEADER to R.string.org_community_leader,
    )

    /** A name and its organisation, one choice of five (the village's first). */
    private fun facilitatorRow(): LinearLayout = vertical().apply {
        addView(field(R.string.session_facilitator_name))
        val choices = RadioGroup(this@SessionActivity)
        organisations.forEachIndexed { i, (organisation, words) ->
            val button = RadioButton(this@SessionActivity).apply {
                id = i + 1
                text = getString(words)
                contentDescription = getString(words)
                textSize = 18f
                tag = organisation
            }
            choices.addView(button)
        }
        choices.check(1)
        addView(choices)
    }

    /** The facilitators typed; a row without a name is left out (the core wants at least one). */
    private fun facilitatorsTyped(): List<Facilitator> = (0 until facilitators.childCount).mapNotNull { i ->
        val row = facilitators.getChildAt(i) as LinearLayout
        val name = (row.getChildAt(0) as EditText).text.toString().trim()
        val choices = row.getChildAt(1) as RadioGroup
        val organisation = choices.findViewById<RadioButton>(choices.checkedRadioButtonId)?.tag as? FacilitatorOrganisation
        if (name.isEmpty() || organisation == null) null else Facilitator(name, organisation)
    }

    private fun guestGroups(): List<Pair<Sex, AgeGroup>> =
        listOf(Sex.FEMALE, Sex.MALE).flatMap { sex -> AgeGroup.entries.map { sex to it } }

    private fun countField(sex: Sex, age: AgeGroup): EditText {
        val sexWords = getString(if (sex == Sex.FEMALE) R.string.sex_female else R.string.sex_male)
        val ageWords = getString(
            when (age) {
                AgeGroup.UNDER18 -> R.string.age_under18
                AgeGroup.ADULT -> R.string.age_adult
                AgeGroup.OLDER -> R.string.age_older
            },
        )
        return EditText(this).apply {
            hint = "$sexWords, $ageWords"
            contentDescription = hint
            textSize = 18f
            inputType = InputType.TYPE_CLASS_NUMBER
        }
    }
}
