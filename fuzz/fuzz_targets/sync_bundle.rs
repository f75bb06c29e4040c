//! A team sync bundle received from another device, given to one vault kept for the run.
#![no_main]

use std::sync::{Arc, OnceLock};

use migran_core::{Vault, VaultSettings};

fn vault() -> &'static Arc<Vault> {
    static VAULT: OnceLock<(tempfile::TempDir, Arc<Vault>)> = OnceLock::new();
    &VAULT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let settings = VaultSettings {
                kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
                ..VaultSettings::default()
            };
            let vault = Vault::create(
                dir.path().display().to_string(),
                "482615".into(),
                Some(vec![7; 32]),
                settings,
            )
            .unwrap();
            (dir, vault)
        })
        .1
}

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let _ = vault().sync_import(bytes.to_vec());
});
