// Gradle view of the Kotlin bindings, for Android Studio (android/settings.gradle.kts
// includes this folder as :core-bindings). CI builds the same sources with pom.xml.
// Run scripts/build-bindings.sh first: it generates generated/uniffi (never committed).
plugins {
    id("org.jetbrains.kotlin.jvm")
}

kotlin { jvmToolchain(17) }

sourceSets["main"].kotlin.srcDir("generated/uniffi")
// The JUnit suite and the benchmark run with Maven (mvn -f bindings/kotlin test).
sourceSets["test"].kotlin.setSrcDirs(emptyList<String>())

dependencies {
    // compileOnly: the Android app brings JNA as an AAR (with its native stubs for every
    // ABI), a JVM consumer brings the jar. Both at once would duplicate classes.
    compileOnly("net.java.dev.jna:jna:5.17.0")
}
