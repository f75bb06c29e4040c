package id.migranemas.app

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.io.File
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The device secret of a vault made before the hardware key factor: 32 random bytes from
 * the core, stored only encrypted by a non-exportable AES key in the Android Keystore and
 * decrypted into app memory at every open. New vaults use [KeystoreKeyFactor] instead,
 * whose keys never leave the Keystore (docs/security.md, "The hardware key factor").
 */
class DeviceSecretStore(private val context: Context) {
    private val file get() = File(context.noBackupFilesDir, "device.secret.enc")
    private val alias = "migran-device-secret"

    /** Whether this phone has a device secret, that is a vault made before the factor. */
    fun exists(): Boolean = file.exists()

    fun secret(): ByteArray {
        if (file.exists()) {
            val stored = file.readBytes()
            val cipher = Cipher.getInstance("AES/GCM/NoPadding")
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(128, stored.copyOfRange(0, 12)))
            return cipher.doFinal(stored.copyOfRange(12, stored.size))
        }
        val secret = id.migranemas.core.newDeviceSecret()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key())
        file.writeBytes(cipher.iv + cipher.doFinal(secret))
        return secret
    }

    private fun key(): SecretKey {
        val store = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (store.getKey(alias, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
        generator.init(
            KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return generator.generateKey()
    }
}
