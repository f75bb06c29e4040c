package id.migranemas.app

import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import id.migranemas.app.screens.LessonReaderPresenter
import id.migranemas.app.screens.LessonReaderState
import id.migranemas.app.screens.Speaker
import id.migranemas.core.Lesson

/**
 * The lessons, offline: without the extra "lesson_id" the list, with it the reader (the
 * statements with their sources, the directory's numbers, the check questions) and a
 * "read aloud" button that hands the core's speakable text to the phone's speech.
 * Lessons hold no personal data, so they work on a locked vault too.
 */
class LessonsActivity : AppScreen() {
    private lateinit var presenter: LessonReaderPresenter
    private lateinit var speaker: Speaker
    private lateinit var body: LinearLayout

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val vault = app().vault ?: app().openLocked() ?: return finish()
        speaker = app().speaker()
        presenter = LessonReaderPresenter(vault, app().locale, speaker)
        body = vertical()
        setContentView(screen(label(getString(R.string.lessons_title), 22f), body))
        val lessonId = intent.getStringExtra("lesson_id")
        if (lessonId == null) {
            app().background({ presenter.load() }, ::renderList)
        } else {
            app().background({ presenter.open(lessonId) }, ::renderLesson)
        }
    }

    override fun onDestroy() {
        if (::speaker.isInitialized) {
            speaker.stop()
            (speaker as? AndroidSpeaker)?.shutdown()
        }
        super.onDestroy()
    }

    private fun renderList(state: LessonReaderState) {
        body.removeAllViews()
        for (lesson in state.lessons) {
            body.addView(action(lesson.title) {
                startActivity(Intent(this, LessonsActivity::class.java).putExtra("lesson_id", lesson.id))
            })
        }
        showRefusal(state.refusal, body)
    }

    private fun renderLesson(state: LessonReaderState) {
        body.removeAllViews()
        state.open?.let { lesson -> showLesson(lesson, state) }
        showRefusal(state.refusal, body)
    }

    private fun showLesson(lesson: Lesson, state: LessonReaderState) {
        body.addView(label(lesson.title, 22f))
        body.addView(
            if (state.reading) {
                action(R.string.lesson_stop) { renderLesson(presenter.stopReading()) }
            } else {
                // The speakable text comes from the core (a call): off the main thread.
                action(R.string.lesson_read_aloud) { app().background({ presenter.readAloud() }, ::renderLesson) }
            },
        )
        for (statement in lesson.statements) {
            body.addView(label(statement.text, 18f))
            val evidence = statement.sourceDate?.let { "${statement.source}, $it" }
                ?: getString(R.string.lesson_source_needed) + ": " + statement.source
            body.addView(label(evidence, 14f))
        }
        if (lesson.contacts.isNotEmpty()) {
            body.addView(label(getString(R.string.lesson_contacts), 20f))
            lesson.contacts.forEach { body.addView(label("${it.label}: ${it.number}", 18f)) }
        }
        body.addView(label(getString(R.string.lesson_questions), 20f))
        lesson.questions.forEachIndexed { index, question ->
            body.addView(label(question.question, 18f))
            state.answers[index]?.let { right ->
                body.addView(label(getString(if (right) R.string.lesson_right else R.string.lesson_wrong), 18f))
            }
            question.options.forEachIndexed { option, text ->
                body.addView(action(text, 16f) { renderLesson(presenter.answer(index, option)) })
            }
        }
    }
}
