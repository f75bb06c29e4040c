package id.migranemas.app.screens

/**
 * How the apps move a follow link's views and events (issue 18): as **shared text**. The
 * core hands them as bytes that are its JSON files (UTF-8, the sealed parts already
 * encoded), so the screens share that text unchanged (Android's share sheet, iOS's share
 * link; a messaging app, an SMS-sized chat, a note) and take it back pasted into a field.
 * No second encoding: the `MEL1` request and `MEK1` package are text too, so a follower
 * and a cadre handle one kind of thing throughout, and nothing needs a file picker, a
 * content provider or storage permission. Whatever was pasted goes to the core as typed
 * (trimmed): a wrong or damaged text is the core's refusal (`SyncRefused { Format }`,
 * `Tampered`, `Replayed`), never a guess here. docs/bindings.md says why, with sizes.
 */
object FollowExchange {
    /** The text to share for a file the core made. */
    fun toText(file: ByteArray): String = String(file, Charsets.UTF_8)

    /** The file the core reads back from pasted text. */
    fun fromText(text: String): ByteArray = text.trim().toByteArray(Charsets.UTF_8)
}
