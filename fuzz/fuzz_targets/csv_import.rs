//! A CSV file given to the import, into one unlocked vault kept for the whole run.
#![no_main]

use std::sync::{Arc, OnceLock};

use migran_core::{ImportOptions, Vault, VaultSettings};

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
    // Refusing every row keeps the vault small: the parser and the checks still run.
    let options = ImportOptions {
        skip_invalid: false,
        skip_duplicates: false,
        without_consent: false,
    };
    let _ = vault().import_persons_csv(bytes.to_vec(), options, None);
});
