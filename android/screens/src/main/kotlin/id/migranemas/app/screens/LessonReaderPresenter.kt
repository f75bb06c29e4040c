package id.migranemas.app.screens

import id.migranemas.core.Lesson
import id.migranemas.core.Locale
import id.migranemas.core.MigranException
import id.migranemas.core.Vault

/**
 * The phone's own text-to-speech, behind an interface so that the reader's logic runs on
 * the JVM: Android's `TextToSpeech` implements it in the app (`AndroidSpeaker`), tests
 * with a fake that records what was spoken.
 */
interface Speaker {
    /** Reads [text] aloud in [locale]'s language, replacing anything still being read. */
    fun speak(text: String, locale: Locale)

    /** Stops reading. */
    fun stop()
}

data class LessonRow(val id: String, val title: String, val country: String?)

data class LessonReaderState(
    val lessons: List<LessonRow> = emptyList(),
    /** The lesson open, with its sources and check questions. */
    val open: Lesson? = null,
    /** True while the speaker reads the open lesson. */
    val reading: Boolean = false,
    /** Per question of the open lesson, whether the chosen option was right. */
    val answers: Map<Int, Boolean> = emptyMap(),
    val refusal: Refusal? = null,
)

/** The lesson list and reader with a "read aloud" button. Lessons work on a locked vault. */
class LessonReaderPresenter(private val vault: Vault, private val locale: Locale, private val speaker: Speaker) {
    var state = LessonReaderState()
        private set

    fun load(): LessonReaderState = update {
        LessonReaderState(lessons = vault.lessons(locale).map { LessonRow(it.id, it.title, it.country) })
    }

    fun open(lessonId: String): LessonReaderState = update {
        speaker.stop()
        state.copy(open = vault.lesson(lessonId, locale), reading = false, answers = emptyMap(), refusal = null)
    }

    /** Reads the open lesson aloud in the form the core makes speakable (abbreviations, numbers). */
    fun readAloud(): LessonReaderState = update {
        val lesson = state.open ?: return@update state
        speaker.speak(vault.lessonSpeech(lesson.id, locale), locale)
        state.copy(reading = true, refusal = null)
    }

    fun stopReading(): LessonReaderState {
        speaker.stop()
        state = state.copy(reading = false)
        return state
    }

    /** Records the option chosen for a check question; right or wrong shows at once. */
    fun answer(question: Int, option: Int): LessonReaderState {
        val lesson = state.open ?: return state
        val right = lesson.questions.getOrNull(question)?.answer?.toInt() == option
        state = state.copy(answers = state.answers + (question to right))
        return state
    }

    private fun update(call: () -> LessonReaderState): LessonReaderState {
        state = try {
            call()
        } catch (error: MigranException) {
            state.copy(reading = false, refusal = refusal(error, locale))
        }
        return state
    }
}
