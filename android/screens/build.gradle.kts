// Plain Kotlin: presenters over the core's bindings, no Android classes. The same
// sources are compiled and tested on the JVM by android/screens/pom.xml in CI.
plugins {
    id("org.jetbrains.kotlin.jvm")
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation(project(":core-bindings"))
    testImplementation("org.junit.jupiter:junit-jupiter:5.14.1")
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
    testRuntimeOnly("net.java.dev.jna:jna:5.17.0")
}

tasks.test {
    useJUnitPlatform()
    // The host build of the core (scripts/build-bindings.sh).
    systemProperty("jna.library.path", rootDir.resolve("../target/debug").canonicalPath)
}
