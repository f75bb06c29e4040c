package id.migranemas.core

/**
 * What a call across the FFI costs from Kotlin, outside the tests (timing in tests is
 * noise on shared machines). Run (docs/performance.md has the figures):
 *   bash scripts/build-bindings.sh
 *   mvn -q -f bindings/kotlin test-compile exec:java
 * Prints medians of repeated rounds after a warm-up. Two ways to call:
 *  - in bursts of 1,000 calls with a pause between bursts: what an app does (a screen
 *    makes a handful of calls); the pause lets JNA's cleaner free the per-call memory;
 *  - sustained, 100,000 calls back to back: JNA's per-call native allocations outrun
 *    its cleaner thread and every call gets slower (see docs/performance.md).
 */
fun main() {
    val rounds = Integer.getInteger("bench.rounds", 15)
    newVault().use { vault ->
        vault.importPersons((0 until 1_000).map { fakePerson("Warga Contoh $it", it) })

        val listMillis = medianOf(rounds) {
            settle()
            val started = System.nanoTime()
            val page = vault.listPersons(PageRequest(0u, 1_000u), false)
            check(page.items.size == 1_000)
            (System.nanoTime() - started) / 1e6
        }
        println("list 1,000 persons across the FFI: %.2f ms (goal < 10 ms)".format(listMillis))
        val calls = listOf<Pair<String, () -> Unit>>(
            "vault.isUnlocked()" to { vault.isUnlocked() },
            "coreVersion()     " to { coreVersion() },
        )
        // Warm-up: enough calls for the JIT to compile the whole call path (JNA included).
        repeat(20) { calls.forEach { (_, call) -> repeat(1_000) { call() } }; settle() }
        // Bursts first: the sustained runs leave a backlog in JNA's cleaner behind them.
        val bursts = calls.map { (_, call) -> medianOf(rounds * 2) { settle(); perCallMicros(1_000, call) } }
        val sustained = calls.map { (_, call) -> medianOf(5) { perCallMicros(100_000, call) } }
        calls.forEachIndexed { i, (name, _) ->
            println("round trip $name: %.2f µs in bursts of 1,000, %.2f µs sustained (goal < 5 µs)".format(bursts[i], sustained[i]))
        }
    }
}

private fun perCallMicros(calls: Int, call: () -> Unit): Double {
    val started = System.nanoTime()
    repeat(calls) { call() }
    return (System.nanoTime() - started) / 1e3 / calls
}

/** Outside the timing: a collection and a pause, so that JNA's cleaner catches up. */
private fun settle() {
    System.gc()
    Thread.sleep(20)
}

private fun medianOf(rounds: Int, measure: () -> Double): Double {
    repeat(3) { measure() }
    return (1..rounds).map { measure() }.sorted()[rounds / 2]
}
