package id.migranemas.core

/**
 * What a call across the FFI costs from Kotlin, outside the tests (timing in tests is
 * noise on shared machines). Run:
 *   bash scripts/build-bindings.sh   (or cargo build --release ... for release figures)
 *   mvn -q -f bindings/kotlin test-compile exec:java
 * Prints the median of repeated rounds after a warm-up.
 */
fun main() {
    val rounds = 15
    newVault().use { vault ->
        vault.importPersons((0 until 1_000).map { fakePerson("Warga Contoh $it", it) })

        val listMillis = medianOf(rounds) {
            val started = System.nanoTime()
            val page = vault.listPersons(PageRequest(0u, 1_000u), false)
            check(page.items.size == 1_000)
            (System.nanoTime() - started) / 1e6
        }
        val calls = 100_000
        val noOpMicros = medianOf(rounds) {
            val started = System.nanoTime()
            repeat(calls) { vault.isUnlocked() }
            (System.nanoTime() - started) / 1e3 / calls
        }
        val versionMicros = medianOf(rounds) {
            val started = System.nanoTime()
            repeat(calls) { coreVersion() }
            (System.nanoTime() - started) / 1e3 / calls
        }
        println("list 1,000 persons across the FFI: %.2f ms (goal < 10 ms)".format(listMillis))
        println("round trip vault.isUnlocked():    %.3f µs (goal < 5 µs)".format(noOpMicros))
        println("round trip coreVersion():         %.3f µs (returns a string)".format(versionMicros))
    }
}

private fun medianOf(rounds: Int, measure: () -> Double): Double {
    repeat(3) { measure() }
    return (1..rounds).map { measure() }.sorted()[rounds / 2]
}
