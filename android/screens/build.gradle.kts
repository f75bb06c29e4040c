// Plain Kotlin: presenters over the core's bindings, no Android classes. The same
// sources are compiled and tested on the JVM by android/screens/pom.xml in CI.
plugins {
    id("org.jetbrains.kotlin.jvm")
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation(project(":core-bindings"))
    testImplementation("org.junit.jupiter:junit-jupiter:5.14.1")
}

tasks.test { useJUnitPlatform() }
