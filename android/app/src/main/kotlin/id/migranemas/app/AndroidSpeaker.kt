package id.migranemas.app

import android.content.Context
import android.speech.tts.TextToSpeech
import id.migranemas.app.screens.Speaker
import id.migranemas.core.Locale

/**
 * The phone's own text-to-speech (no audio files): reads the text the core made speakable
 * (`lessonSpeech`, `speakableText`) in Bahasa Indonesia or English. The engine starts
 * asynchronously; a text asked for before it is ready is read once it is. Long texts go
 * in sentence-sized pieces, within the engine's input limit.
 */
class AndroidSpeaker(context: Context) : Speaker, TextToSpeech.OnInitListener {
    private val engine = TextToSpeech(context.applicationContext, this)
    private var ready = false
    private var pending: Pair<String, Locale>? = null

    override fun onInit(status: Int) {
        ready = status == TextToSpeech.SUCCESS
        val waiting = pending
        pending = null
        if (ready && waiting != null) speak(waiting.first, waiting.second)
    }

    override fun speak(text: String, locale: Locale) {
        if (!ready) {
            pending = text to locale
            return
        }
        engine.language = if (locale == Locale.EN) java.util.Locale.ENGLISH else java.util.Locale.forLanguageTag("id-ID")
        pieces(text, TextToSpeech.getMaxSpeechInputLength()).forEachIndexed { i, piece ->
            val queue = if (i == 0) TextToSpeech.QUEUE_FLUSH else TextToSpeech.QUEUE_ADD
            engine.speak(piece, queue, null, "lesson-$i")
        }
    }

    override fun stop() {
        pending = null
        engine.stop()
    }

    /** Frees the engine; call from the activity's onDestroy. */
    fun shutdown() = engine.shutdown()

    private fun pieces(text: String, max: Int): List<String> {
        val out = mutableListOf<String>()
        val current = StringBuilder()
        for (sentence in text.split(Regex("(?<=[.?!:])\\s+"))) {
            if (current.isNotEmpty() && current.length + sentence.length + 1 > max) {
                out += current.toString()
                current.clear()
            }
            if (current.isNotEmpty()) current.append(' ')
            current.append(sentence.take(max))
        }
        if (current.isNotEmpty()) out += current.toString()
        return out
    }
}
