package id.migranemas.core

/**
 * A small strict JSON reader for the tests (the test classpath has no JSON library): an
 * object becomes a Map<String, Any?>, an array a List<Any?>, a number a Double. Throws on
 * anything that is not one well-formed JSON document, so "it parses" means something.
 */
fun parseJson(text: String): Any? = JsonReader(text).document()

/** `json.field("person").field("full_name")`: a member of an object. */
fun Any?.field(name: String): Any? {
    val map = this as? Map<*, *> ?: throw AssertionError("not a JSON object: $this")
    if (!map.containsKey(name)) throw AssertionError("no member $name in ${map.keys}")
    return map[name]
}

/** `json.item(0)`: an element of an array. */
fun Any?.item(index: Int): Any? = (this as? List<*> ?: throw AssertionError("not a JSON array: $this"))[index]

fun Any?.items(): List<Any?> = this as? List<*> ?: throw AssertionError("not a JSON array: $this")

private class JsonReader(private val s: String) {
    private var i = 0

    fun document(): Any? {
        val value = value()
        space()
        if (i != s.length) fail("text after the document")
        return value
    }

    private fun fail(what: String): Nothing = throw IllegalArgumentException("bad JSON at $i: $what")

    private fun space() {
        while (i < s.length && s[i] in " \t\r\n") i++
    }

    private fun expect(c: Char) {
        space()
        if (i >= s.length || s[i] != c) fail("expected '$c'")
        i++
    }

    private fun value(): Any? {
        space()
        if (i >= s.length) fail("unexpected end")
        return when (s[i]) {
            '{' -> obj()
            '[' -> array()
            '"' -> string()
            't' -> literal("true", true)
            'f' -> literal("false", false)
            'n' -> literal("null", null)
            else -> number()
        }
    }

    private fun literal(word: String, value: Any?): Any? {
        if (!s.startsWith(word, i)) fail("expected $word")
        i += word.length
        return value
    }

    private fun obj(): Map<String, Any?> {
        expect('{')
        val map = LinkedHashMap<String, Any?>()
        space()
        if (s.getOrNull(i) == '}') return map.also { i++ }
        while (true) {
            space()
            val key = string()
            if (map.containsKey(key)) fail("duplicate member $key")
            expect(':')
            map[key] = value()
            space()
            when (s.getOrNull(i)) {
                ',' -> i++
                '}' -> return map.also { i++ }
                else -> fail("expected ',' or '}'")
            }
        }
    }

    private fun array(): List<Any?> {
        expect('[')
        val list = ArrayList<Any?>()
        space()
        if (s.getOrNull(i) == ']') return list.also { i++ }
        while (true) {
            list.add(value())
            space()
            when (s.getOrNull(i)) {
                ',' -> i++
                ']' -> return list.also { i++ }
                else -> fail("expected ',' or ']'")
            }
        }
    }

    private fun string(): String {
        if (s.getOrNull(i) != '"') fail("expected a string")
        i++
        val out = StringBuilder()
        while (true) {
            if (i >= s.length) fail("unterminated string")
            when (val c = s[i++]) {
                '"' -> return out.toString()
                '\\' -> {
                    if (i >= s.length) fail("unterminated escape")
                    when (val e = s[i++]) {
                        '"', '\\', '/' -> out.append(e)
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000C')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            if (i + 4 > s.length) fail("short \\u escape")
                            out.append(s.substring(i, i + 4).toInt(16).toChar())
                            i += 4
                        }
                        else -> fail("bad escape \\$e")
                    }
                }
                else -> if (c < ' ') fail("control character in a string") else out.append(c)
            }
        }
    }

    private fun number(): Double {
        val start = i
        while (i < s.length && s[i] in "+-0123456789.eE") i++
        if (i == start) fail("unexpected '${s[i]}'")
        return s.substring(start, i).toDoubleOrNull() ?: fail("bad number")
    }
}
