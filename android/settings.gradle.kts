// Android Studio project for the Migran Emas app. Not built on the project's CI machine
// (no Android SDK there); the screen logic in :screens is compiled and tested on the JVM
// by Maven (bindings/pom.xml). See docs/bindings.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "MigranEmas"
include(":app", ":screens", ":core-bindings")
project(":core-bindings").projectDir = file("../bindings/kotlin")
