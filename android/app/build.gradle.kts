// The thin Android UI: plain framework Views (no AndroidX, no Compose) over :screens.
// The native library comes from cargo-ndk (docs/bindings.md) into src/main/jniLibs.
// CI compiles these sources against android-all without the SDK (android/app/pom.xml).
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "id.migranemas.app"
    compileSdk = 35
    defaultConfig {
        applicationId = "id.migranemas.app"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    sourceSets["main"].kotlin.srcDir("src/main/kotlin")
}

dependencies {
    implementation(project(":screens"))
    implementation(project(":core-bindings"))
    // JNA with its Android native stubs; :core-bindings only compiles against the jar.
    implementation("net.java.dev.jna:jna:5.17.0@aar")
}
