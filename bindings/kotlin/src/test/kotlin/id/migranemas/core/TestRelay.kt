package id.migranemas.core

import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/** The real relay binary (target/debug/migran-relay, built by scripts/test-bindings.sh; its
 *  path comes from bindings/kotlin/pom.xml) on SQLite in a temporary folder, until closed.
 *  Shared by RelaySyncTest and FollowRelayTest. */
internal class TestRelay private constructor(private val process: Process, val url: String) : AutoCloseable {
    override fun close() {
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        /** Starts it on a port the system picks (port 0); ready once it says where it
         *  listens (it binds before saying so, and names the port it bound). */
        fun start(): TestRelay {
            val bin = System.getProperty("migran.relay.bin")
                ?: error("migran.relay.bin is not set: run through bindings/pom.xml")
            check(Files.isExecutable(java.nio.file.Path.of(bin))) { "$bin missing: cargo build -p migran-relay" }
            val data = Files.createTempDirectory("migran-relay-kotlin")
            val process = ProcessBuilder(bin, "--data", data.toString(), "--listen", "127.0.0.1:0")
                .redirectErrorStream(true)
                .start()
            val output = process.inputStream.bufferedReader()
            val url: String
            while (true) {
                val line = output.readLine() ?: error("the relay stopped before listening")
                if (line.contains("listening on ")) {
                    url = line.substringAfter("listening on ").trim()
                    break
                }
            }
            // Its later lines are read and dropped, so that a full pipe never blocks it.
            thread(isDaemon = true) { output.forEachLine { } }
            check(url.startsWith("http://127.0.0.1:") && !url.endsWith(":0")) { "the relay said: $url" }
            return TestRelay(process, url)
        }
    }
}
