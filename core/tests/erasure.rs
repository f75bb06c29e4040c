//! The old wrapped data key must be gone from every file of the vault's folder after a
//! crypto-erase (too many wrong PINs), a quick wipe and a PIN change, the WAL included,
//! with and without another reader of the files.
//!
//! `locked.db` is itself encrypted, with a key that needs only the device secret (or
//! nothing, for a vault made without one): whoever holds the phone can decrypt every page
//! and every WAL frame, live or not, and try PINs against an old wrapping it finds. So
//! these tests decrypt the files page by page as that person would (SQLCipher 4 pages:
//! AES-256-CBC, the IV in each page's reserved tail) and look for the old wrapping's bytes
//! in the plaintext. Each test first checks that the scan does find the wrapping that is
//! meant to be there, so that a scan that finds nothing proves something.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::c_int;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use migran_core::testing::{locked_store_key, open_locked_store};
use migran_core::{MigranError, StorageProblem, Vault, VaultSettings};
use migran_testkit::{device_secret, fake_person, fast_settings, TestClock, PIN};

/// SQLCipher 4's page size, and the reserved tail of each page of `locked.db`: the IV
/// (16 bytes) and its HMAC-SHA512 (64 bytes).
const PAGE_SIZE: usize = 4096;
const LOCKED_RESERVE: usize = 16 + 64;
const SALT_LEN: usize = 16;
const WAL_HEADER: usize = 32;
const WAL_FRAME_HEADER: usize = 24;

fn aes_256_cbc_decrypt(key: &[u8; 32], iv: &[u8], data: &[u8]) -> Vec<u8> {
    assert_eq!(iv.len(), 16);
    assert_eq!(data.len() % 16, 0);
    let mut out = vec![0u8; data.len() + 16];
    let mut written: c_int = 0;
    let mut last: c_int = 0;
    // Safety: every pointer is to a live buffer of the length given; the context is
    // freed on every path.
    unsafe {
        let ctx = openssl_sys::EVP_CIPHER_CTX_new();
        assert!(!ctx.is_null());
        let ok = openssl_sys::EVP_DecryptInit_ex(
            ctx,
            openssl_sys::EVP_aes_256_cbc(),
            std::ptr::null_mut(),
            key.as_ptr(),
            iv.as_ptr(),
        ) == 1
            && openssl_sys::EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
            && openssl_sys::EVP_DecryptUpdate(
                ctx,
                out.as_mut_ptr(),
                &mut written,
                data.as_ptr(),
                data.len() as c_int,
            ) == 1
            && openssl_sys::EVP_DecryptFinal_ex(ctx, out.as_mut_ptr().add(written as usize), &mut last) == 1;
        openssl_sys::EVP_CIPHER_CTX_free(ctx);
        assert!(ok, "AES-256-CBC decryption failed");
    }
    out.truncate((written + last) as usize);
    out
}

/// One page as SQLCipher wrote it, decrypted (whether or not it is still in use).
fn decrypt_page(key: &[u8; 32], page: &[u8], first: bool) -> Vec<u8> {
    let end = page.len() - LOCKED_RESERVE;
    let iv = &page[end..end + 16];
    let start = if first { SALT_LEN } else { 0 };
    aes_256_cbc_decrypt(key, iv, &page[start..end])
}

/// Every page of `locked.db` and every frame of its WAL, decrypted, each with where it
/// came from.
fn decrypted_pages(dir: &Path, key: &[u8; 32]) -> Vec<(String, Vec<u8>)> {
    let mut pages = Vec::new();
    if let Ok(file) = std::fs::read(dir.join("locked.db")) {
        for (index, page) in file.chunks_exact(PAGE_SIZE).enumerate() {
            pages.push((
                format!("locked.db page {}", index + 1),
                decrypt_page(key, page, index == 0),
            ));
        }
    }
    if let Ok(wal) = std::fs::read(dir.join("locked.db-wal")) {
        if wal.len() > WAL_HEADER {
            for (index, frame) in wal[WAL_HEADER..]
                .chunks_exact(WAL_FRAME_HEADER + PAGE_SIZE)
                .enumerate()
            {
                let page_number = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
                let page = &frame[WAL_FRAME_HEADER..];
                pages.push((
                    format!("locked.db-wal frame {} (page {page_number})", index + 1),
                    decrypt_page(key, page, page_number == 1),
                ));
            }
        }
    }
    pages
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Where `secret` can be read in the folder: in the plain bytes of any file, or in any
/// decrypted page or WAL frame of `locked.db`. Every file must be readable.
fn places_holding(dir: &Path, key: &[u8; 32], secret: &[u8]) -> Vec<String> {
    let mut places = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        if contains(&bytes, secret) {
            places.push(path.display().to_string());
        }
    }
    for (place, plaintext) in decrypted_pages(dir, key) {
        if contains(&plaintext, secret) {
            places.push(place);
        }
    }
    places
}

/// The wrapped data key as the header holds it now.
fn wrapped_key(dir: &Path, secret: Option<&[u8]>) -> Vec<u8> {
    let conn = open_locked_store(dir, secret).unwrap();
    conn.query_row("SELECT wrapped_dek FROM vault_header WHERE id = 1", [], |row| {
        row.get(0)
    })
    .unwrap()
}

fn erasing_settings() -> VaultSettings {
    VaultSettings {
        erase_after_failures: Some(3),
        ..fast_settings()
    }
}

/// A vault with a person in it, locked, and its wrapping as it is now; the scan must
/// find that wrapping before anything is erased.
fn vault_with_wrapping(dir: &Path, secret: Option<Vec<u8>>) -> (Arc<Vault>, Vec<u8>, [u8; 32]) {
    let clock = TestClock::at(2026, 11, 28);
    let vault = Vault::create_with_clock(dir, PIN, secret.clone(), erasing_settings(), clock).unwrap();
    vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    vault.lock();
    let key = locked_store_key(secret.as_deref()).unwrap();
    let old = wrapped_key(dir, secret.as_deref());
    assert!(
        !places_holding(dir, &key, &old).is_empty(),
        "the scan does not find the wrapping that is there: it would prove nothing"
    );
    (vault, old, key)
}

fn erase_with_wrong_pins(vault: &Vault) {
    for (pin, left) in [("000001", 2), ("000002", 1)] {
        assert_eq!(
            vault.unlock(pin.into()),
            Err(MigranError::WrongPin { attempts_left: left })
        );
    }
    assert_eq!(vault.unlock("000003".into()), Err(MigranError::Erased));
}

/// Another connection to `locked.db` that reads in a transaction, holding its snapshot
/// until told to let go (or until `hold` has passed).
fn reader_holding_a_snapshot(
    dir: &Path,
    secret: Option<Vec<u8>>,
    hold: Duration,
) -> (mpsc::Sender<()>, thread::JoinHandle<()>) {
    let dir = dir.to_path_buf();
    let (started_tx, started_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let reader = thread::spawn(move || {
        let conn = open_locked_store(&dir, secret.as_deref()).unwrap();
        conn.execute_batch("BEGIN").unwrap();
        let _: i64 = conn
            .query_row("SELECT count(*) FROM vault_header", [], |row| row.get(0))
            .unwrap();
        started_tx.send(()).unwrap();
        let _ = stop_rx.recv_timeout(hold);
        conn.execute_batch("COMMIT").unwrap();
    });
    started_rx.recv().unwrap();
    (stop_tx, reader)
}

#[test]
fn crypto_erase_leaves_the_old_wrapping_in_no_file_with_or_without_a_device_secret() {
    for secret in [Some(device_secret()), None] {
        let dir = tempfile::tempdir().unwrap();
        let (vault, old, key) = vault_with_wrapping(dir.path(), secret);
        erase_with_wrong_pins(&vault);
        assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
        drop(vault);
        assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
    }
}

#[test]
fn crypto_erase_leaves_the_old_wrapping_in_no_file_while_another_handle_has_the_vault_open() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    let other =
        Vault::open_with_clock(dir.path(), Some(device_secret()), TestClock::at(2026, 11, 28)).unwrap();
    assert!(other.status().is_ok());
    erase_with_wrong_pins(&vault);
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
    assert_eq!(other.unlock(PIN.into()), Err(MigranError::Erased));
}

#[test]
fn an_erase_forced_by_an_altered_lockout_header_leaves_the_old_wrapping_in_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    let other =
        Vault::open_with_clock(dir.path(), Some(device_secret()), TestClock::at(2026, 11, 28)).unwrap();
    assert_eq!(
        vault.unlock("000001".into()),
        Err(MigranError::WrongPin { attempts_left: 2 })
    );
    // Someone with the device secret resets the counters by hand: the header's MAC no
    // longer fits, and with erase-after chosen that means erasure, not a reset.
    let conn = open_locked_store(dir.path(), Some(&device_secret())).unwrap();
    conn.execute_batch("UPDATE vault_header SET wrong_pins = 0, failed_attempts = 0")
        .unwrap();
    drop(conn);
    assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased));
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
    assert_eq!(other.unlock(PIN.into()), Err(MigranError::Erased));
}

#[test]
fn crypto_erase_waits_for_a_short_reader_and_then_leaves_the_old_wrapping_in_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    let (_stop, reader) =
        reader_holding_a_snapshot(dir.path(), Some(device_secret()), Duration::from_millis(300));
    erase_with_wrong_pins(&vault);
    reader.join().unwrap();
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
}

#[test]
fn quick_wipe_leaves_no_vault_file_and_no_old_wrapping_with_or_without_a_reader() {
    for with_reader in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
        let other = with_reader.then(|| {
            Vault::open_with_clock(dir.path(), Some(device_secret()), TestClock::at(2026, 11, 28)).unwrap()
        });
        vault.wipe().unwrap();
        assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
        assert_eq!(migran_testkit::file_names(dir.path()), Vec::<String>::new());
        if let Some(other) = other {
            assert_eq!(other.unlock(PIN.into()), Err(MigranError::Erased));
        }
    }
}

#[test]
fn a_wipe_that_a_reader_keeps_from_checkpointing_still_deletes_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    // Longer than the busy timeout (5 s): the checkpoint cannot finish while it reads.
    let (stop, reader) =
        reader_holding_a_snapshot(dir.path(), Some(device_secret()), Duration::from_secs(30));
    let wiped = vault.wipe();
    stop.send(()).unwrap();
    reader.join().unwrap();
    assert_eq!(wiped, Ok(()));
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
    assert_eq!(migran_testkit::file_names(dir.path()), Vec::<String>::new());
}

#[test]
fn a_pin_change_leaves_the_old_wrapping_in_no_file_and_the_new_one_in_the_header() {
    for secret in [Some(device_secret()), None] {
        let dir = tempfile::tempdir().unwrap();
        let (vault, old, key) = vault_with_wrapping(dir.path(), secret.clone());
        vault.change_pin(PIN.into(), "135790".into()).unwrap();
        let new = wrapped_key(dir.path(), secret.as_deref());
        assert_ne!(new, old);
        assert!(!places_holding(dir.path(), &key, &new).is_empty());
        assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
        vault.unlock("135790".into()).unwrap();
    }
}

#[test]
fn a_pin_change_waits_for_a_short_reader_and_then_leaves_the_old_wrapping_in_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    let other =
        Vault::open_with_clock(dir.path(), Some(device_secret()), TestClock::at(2026, 11, 28)).unwrap();
    let (_stop, reader) =
        reader_holding_a_snapshot(dir.path(), Some(device_secret()), Duration::from_millis(300));
    vault.change_pin(PIN.into(), "135790".into()).unwrap();
    reader.join().unwrap();
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
    other.unlock("135790".into()).unwrap();
}

#[test]
fn a_pin_change_that_a_reader_keeps_from_checkpointing_is_undone_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    // Longer than the busy timeout (5 s): the checkpoint cannot finish while it reads.
    let (stop, reader) =
        reader_holding_a_snapshot(dir.path(), Some(device_secret()), Duration::from_secs(30));
    let changed = vault.change_pin(PIN.into(), "135790".into());
    stop.send(()).unwrap();
    reader.join().unwrap();
    assert_eq!(
        changed,
        Err(MigranError::Storage {
            problem: StorageProblem::Busy
        })
    );
    // The error means the PIN did not change: the old one opens, the new one does not.
    assert_eq!(wrapped_key(dir.path(), Some(&device_secret())), old);
    assert_eq!(
        vault.unlock("135790".into()),
        Err(MigranError::WrongPin { attempts_left: 2 })
    );
    vault.unlock(PIN.into()).unwrap();
    vault.lock();
    // Once the reader has let go, the change goes through and leaves no old wrapping.
    vault.change_pin(PIN.into(), "135790".into()).unwrap();
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
}

#[test]
fn a_crypto_erase_that_a_reader_keeps_from_checkpointing_is_reported_and_finished_at_close() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, old, key) = vault_with_wrapping(dir.path(), Some(device_secret()));
    let (stop, reader) =
        reader_holding_a_snapshot(dir.path(), Some(device_secret()), Duration::from_secs(30));
    for (pin, left) in [("000001", 2), ("000002", 1)] {
        assert_eq!(
            vault.unlock(pin.into()),
            Err(MigranError::WrongPin { attempts_left: left })
        );
    }
    // The wrapping is zeroed in the header, but the reader's snapshot keeps the old page
    // in the file: the erase says so instead of claiming it is done.
    let third = vault.unlock("000003".into());
    stop.send(()).unwrap();
    reader.join().unwrap();
    assert_eq!(
        third,
        Err(MigranError::Storage {
            problem: StorageProblem::Busy
        })
    );
    assert_eq!(vault.unlock(PIN.into()), Err(MigranError::Erased));
    // The last connection to close checkpoints the WAL into the file.
    drop(vault);
    assert_eq!(places_holding(dir.path(), &key, &old), Vec::<String>::new());
}
