//! A backup file given to restore (refused before any vault is made unless it opens),
//! with a recovery key of the right form, so the file itself is what gets parsed.
#![no_main]

use std::sync::OnceLock;

use migran_core::{Vault, VaultSettings};

fn settings() -> VaultSettings {
    VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    }
}

/// A folder to restore into and a recovery key made by a real vault.
fn setup() -> &'static (tempfile::TempDir, String) {
    static SETUP: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let maker = dir.path().join("maker");
        let vault = Vault::create(
            maker.display().to_string(),
            "482615".into(),
            Some(vec![7; 32]),
            settings(),
        )
        .unwrap();
        let key = vault.backup_new_recovery_key().unwrap();
        (dir, key)
    })
}

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let (dir, key) = setup();
    let target = dir.path().join("restored");
    if let Ok(vault) = Vault::restore_backup(
        target.display().to_string(),
        "482615".into(),
        Some(vec![7; 32]),
        settings(),
        bytes.to_vec(),
        key.clone(),
    ) {
        let _ = vault.wipe();
    }
});
