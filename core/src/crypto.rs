//! Every cryptographic operation of the core, on ring, behind a few hard-to-misuse calls:
//! `seal`/`open` (AES-256-GCM bound to a place), `derive_kek` (PBKDF2 + HKDF with the
//! device secret), `wrap_key`/`unwrap_key`, and the raw page keys of the vault's two
//! SQLCipher files.
//!
//! Secrets live in [`SecretKey`], which cannot be printed or compared and is zeroed on drop.

use std::fmt;
use std::num::NonZeroU32;

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, pbkdf2};

use crate::error::{MigranError, Result};

/// Version byte in front of every sealed value, so the format can evolve.
const SEAL_FORMAT: u8 = 1;
const TAG_LEN: usize = 16;
pub(crate) const KEY_LEN: usize = 32;
pub(crate) const SALT_LEN: usize = 16;

/// 256 bits of secret material. No `Debug` value, no `PartialEq`, zeroed when dropped.
pub struct SecretKey([u8; KEY_LEN]);

impl SecretKey {
    pub(crate) fn random() -> Result<Self> {
        let mut bytes = [0u8; KEY_LEN];
        fill_random(&mut bytes)?;
        Ok(SecretKey(bytes))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(SecretKey(array))
    }

    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        for byte in self.0.iter_mut() {
            // Volatile so that the compiler cannot drop the wipe of memory it sees as dead.
            unsafe { std::ptr::write_volatile(byte, 0) };
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

pub(crate) fn fill_random(out: &mut [u8]) -> Result<()> {
    SystemRandom::new()
        .fill(out)
        .map_err(|_| MigranError::internal("the system random generator failed"))
}

/// Where a sealed value lives. Bound into the AEAD's additional data, so a ciphertext
/// copied to another table, row or column no longer opens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    pub table: &'static str,
    pub row: &'a str,
    pub column: &'static str,
}

impl Place<'_> {
    fn aad(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(16 + self.table.len() + self.row.len() + self.column.len());
        aad.extend_from_slice(b"migran");
        aad.push(SEAL_FORMAT);
        for part in [self.table, self.row, self.column] {
            aad.push(0);
            aad.extend_from_slice(part.as_bytes());
        }
        aad
    }
}

/// Seals `plaintext` under `key` for `place`: `format || nonce || ciphertext || tag`.
fn seal_with(key: &LessSafeKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut nonce_bytes = [0u8; NONCE_LEN];
    fill_random(&mut nonce_bytes)?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
    out.push(SEAL_FORMAT);
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(plaintext);
    let mut body = out.split_off(1 + NONCE_LEN);
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce_bytes),
        Aad::from(aad),
        &mut body,
    )
    .map_err(|_| MigranError::internal("sealing failed"))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Opens a value sealed by [`seal_with`]; any alteration, or a different place, is `None`.
fn open_with(key: &LessSafeKey, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != SEAL_FORMAT {
        return None;
    }
    let nonce = Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN]).ok()?;
    let mut body = sealed[1 + NONCE_LEN..].to_vec();
    let plain_len = key.open_in_place(nonce, Aad::from(aad), &mut body).ok()?.len();
    body.truncate(plain_len);
    Some(body)
}

/// Seals `plaintext` under a raw 256-bit key, bound to `aad`: for what leaves the
/// device (team sync bundles, wrapped team keys, backups).
pub(crate) fn seal_raw(key: &SecretKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    seal_with(&aead_key(key.expose())?, aad, plaintext)
}

/// Opens what [`seal_raw`] sealed; a wrong key, other `aad` or any alteration is `None`.
pub(crate) fn open_raw(key: &SecretKey, aad: &[u8], sealed: &[u8]) -> Result<Option<Vec<u8>>> {
    Ok(open_with(&aead_key(key.expose())?, aad, sealed))
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn aead_key(secret: &[u8]) -> Result<LessSafeKey> {
    let unbound =
        UnboundKey::new(&AES_256_GCM, secret).map_err(|_| MigranError::internal("bad AEAD key length"))?;
    Ok(LessSafeKey::new(unbound))
}

struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256: one 256-bit key per purpose `label` from `input`, optionally salted.
pub(crate) fn derive_subkey(input: &[u8], salt: &[u8], label: &str) -> Result<SecretKey> {
    let info = [label.as_bytes()];
    let mut out = [0u8; KEY_LEN];
    hkdf::Salt::new(hkdf::HKDF_SHA256, salt)
        .extract(input)
        .expand(&info, OutputLen(KEY_LEN))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| MigranError::internal("key derivation failed"))?;
    let key = SecretKey(out);
    Ok(key)
}

/// The key-encryption key: PBKDF2-HMAC-SHA256 over the PIN, then HKDF mixing in the
/// device secret, so that a copied vault file without the device cannot be brute-forced.
pub(crate) fn derive_kek(
    pin: &str,
    salt: &[u8],
    iterations: u32,
    device_secret: Option<&[u8]>,
) -> Result<SecretKey> {
    let iterations = NonZeroU32::new(iterations)
        .ok_or_else(|| MigranError::invalid("kdf_iterations", crate::error::InvalidReason::OutOfRange))?;
    let mut stretched = SecretKey([0u8; KEY_LEN]);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        pin.as_bytes(),
        &mut stretched.0,
    );
    derive_subkey(stretched.expose(), device_secret.unwrap_or(&[]), "migran/v1/kek")
}

/// Wraps (encrypts) a key under another, bound to `context` (the vault id).
pub(crate) fn wrap_key(kek: &SecretKey, key: &SecretKey, context: &str) -> Result<Vec<u8>> {
    seal_with(&aead_key(kek.expose())?, &wrap_aad(context), key.expose())
}

/// Unwraps a key; `None` when the KEK is wrong (a wrong PIN) or the blob was altered.
pub(crate) fn unwrap_key(kek: &SecretKey, wrapped: &[u8], context: &str) -> Result<Option<SecretKey>> {
    let key = aead_key(kek.expose())?;
    Ok(open_with(&key, &wrap_aad(context), wrapped).and_then(|bytes| {
        let key = SecretKey::from_slice(&bytes);
        let mut bytes = bytes;
        bytes.iter_mut().for_each(|b| *b = 0);
        key
    }))
}

fn wrap_aad(context: &str) -> Vec<u8> {
    let mut aad = b"migran/v1/wrapped-key\0".to_vec();
    aad.extend_from_slice(context.as_bytes());
    aad
}

/// The key an unlocked vault needs, derived from the data key (DEK): the raw page key of
/// `vault.db`. SQLCipher keeps it from the moment the file is opened; the core drops its
/// copy right after.
pub(crate) struct DataKeys {
    page: SecretKey,
}

impl DataKeys {
    pub(crate) fn from_dek(dek: &SecretKey) -> Result<Self> {
        Ok(DataKeys {
            page: derive_subkey(dek.expose(), &[], "migran/v2/page-key")?,
        })
    }

    pub(crate) fn page_key(&self) -> &SecretKey {
        &self.page
    }
}

/// The raw page key of `locked.db`, from the device secret alone, so that the header and
/// the emergency button's data open without the PIN. Without a device secret the key is
/// a fixed one: the file then looks like random bytes but is not protected (it holds no
/// record; the emergency card needs a device secret).
pub(crate) fn locked_store_key(device_secret: Option<&[u8]>) -> Result<SecretKey> {
    derive_subkey(device_secret.unwrap_or(&[]), &[], "migran/v2/locked-store")
}

/// The key of the lockout header's MAC (docs/security.md, "The lockout header"): from the
/// device secret, so that whoever can change `locked.db` without it cannot seal a header
/// again. It is only as strong as where the device secret lives: a vault without one has a
/// fixed key and its MAC stops nothing. When the hardware factor lands (issue 19), this key
/// is to come from it (a keyed function computed inside the Keystore / Secure Enclave),
/// so that even a copy of the device secret cannot reseal a reset counter.
pub(crate) fn lockout_mac_key(device_secret: Option<&[u8]>) -> Result<SecretKey> {
    derive_subkey(device_secret.unwrap_or(&[]), &[], "migran/v3/lockout-mac")
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &SecretKey, data: &[u8]) -> [u8; 32] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.expose());
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::hmac::sign(&key, data).as_ref());
    out
}

/// Whether `tag` is the HMAC-SHA256 of `data` under `key`, compared in constant time.
pub(crate) fn hmac_sha256_verify(key: &SecretKey, data: &[u8], tag: &[u8]) -> bool {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.expose());
    ring::hmac::verify(&key, data, tag).is_ok()
}

/// A key that needs only the device secret (no PIN): for what must work while the vault
/// is locked, such as the emergency card.
pub(crate) struct DeviceKey {
    seal: LessSafeKey,
}

impl DeviceKey {
    pub(crate) fn from_device_secret(device_secret: &[u8], purpose: &str) -> Result<Self> {
        let key = derive_subkey(device_secret, &[], purpose)?;
        Ok(DeviceKey {
            seal: aead_key(key.expose())?,
        })
    }

    pub(crate) fn seal(&self, place: Place<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
        seal_with(&self.seal, &place.aad(), plaintext)
    }

    pub(crate) fn open(&self, place: Place<'_>, sealed: &[u8], kind: &str) -> Result<Vec<u8>> {
        open_with(&self.seal, &place.aad(), sealed).ok_or_else(|| MigranError::tampered(kind))
    }
}

/// Identifier for a new row: 48 bits of milliseconds since 1970, a 16-bit sequence, then
/// 64 random bits, hex. Strictly increasing within a process (the sequence counts rows
/// made in the same millisecond), so rows sort in the order they were made and SQLite
/// appends to its B-trees instead of writing all over them; unguessable across devices.
/// The random bits come from a pool drawn from the system 64 ids at a time: an import
/// makes four ids per person, and a system call each was 7 % of it. Ids are not secrets;
/// the pool only saves the calls.
pub(crate) fn new_row_id() -> Result<String> {
    use std::sync::Mutex;
    const POOL: usize = 8 * 64;
    struct Ids {
        millis: u64,
        sequence: u16,
        pool: [u8; POOL],
        used: usize,
    }
    static IDS: Mutex<Ids> = Mutex::new(Ids {
        millis: 0,
        sequence: 0,
        pool: [0; POOL],
        used: POOL,
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    let mut bytes = [0u8; 16];
    {
        let mut ids = IDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (ids.millis, ids.sequence) = match (ids.millis, ids.sequence) {
            (millis, sequence) if now <= millis => match sequence.checked_add(1) {
                Some(next) => (millis, next),
                None => (millis + 1, 0),
            },
            _ => (now, 0),
        };
        if ids.used + 8 > POOL {
            fill_random(&mut ids.pool)?;
            ids.used = 0;
        }
        bytes[..6].copy_from_slice(&ids.millis.to_be_bytes()[2..]);
        bytes[6..8].copy_from_slice(&ids.sequence.to_be_bytes());
        let start = ids.used;
        bytes[8..].copy_from_slice(&ids.pool[start..start + 8]);
        ids.used += 8;
    }
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    text
}

/// Picks PBKDF2 iterations that take about `target_millis` on this device, never fewer
/// than [`MIN_KDF_ITERATIONS`]. Run once at vault creation on the phone itself.
pub fn calibrate_kdf_iterations(target_millis: u32) -> Result<u32> {
    const PROBE: u32 = 20_000;
    let salt = [0u8; SALT_LEN];
    let started = std::time::Instant::now();
    let _ = derive_kek("000000", &salt, PROBE, None)?;
    let per_iteration = started.elapsed().as_secs_f64() / f64::from(PROBE);
    let wanted = if per_iteration > 0.0 {
        (f64::from(target_millis) / 1000.0) / per_iteration
    } else {
        f64::from(MAX_KDF_ITERATIONS)
    };
    Ok((wanted as u64).clamp(u64::from(MIN_KDF_ITERATIONS), u64::from(MAX_KDF_ITERATIONS)) as u32)
}

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256: the default where the device allows it.
pub const RECOMMENDED_KDF_ITERATIONS: u32 = 600_000;
/// The floor the vault accepts. Low values exist for tests and very slow devices; the
/// device secret, not the PIN's stretching, is what stops offline guessing of short PINs.
pub const MIN_KDF_ITERATIONS: u32 = 10_000;
/// The ceiling the vault accepts; settings above it (or below the floor) are refused with
/// `Invalid { field: "kdf_iterations", reason: OutOfRange }`.
pub const MAX_KDF_ITERATIONS: u32 = 10_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> DeviceKey {
        DeviceKey::from_device_secret(SecretKey::random().unwrap().expose(), "migran/test").unwrap()
    }

    const PLACE: Place<'static> = Place {
        table: "emergency_alerts",
        row: "abc",
        column: "data",
    };

    #[test]
    fn sealed_value_opens_only_at_its_place() {
        let keys = keys();
        let sealed = keys.seal(PLACE, b"Siti Contoh").unwrap();
        assert_eq!(keys.open(PLACE, &sealed, "person").unwrap(), b"Siti Contoh");
        let other_row = Place { row: "abd", ..PLACE };
        assert!(matches!(
            keys.open(other_row, &sealed, "person"),
            Err(MigranError::Tampered { .. })
        ));
        let other_column = Place {
            column: "name",
            ..PLACE
        };
        assert!(matches!(
            keys.open(other_column, &sealed, "person"),
            Err(MigranError::Tampered { .. })
        ));
    }

    #[test]
    fn any_flipped_byte_is_detected() {
        let keys = keys();
        let sealed = keys.seal(PLACE, b"3201000000000001").unwrap();
        for i in 0..sealed.len() {
            let mut altered = sealed.clone();
            altered[i] ^= 0x01;
            let opened = keys.open(PLACE, &altered, "person");
            assert!(
                matches!(opened, Err(MigranError::Tampered { .. })),
                "byte {i}: {opened:?}"
            );
        }
        for cut in [&sealed[..5], &[][..]] {
            let opened = keys.open(PLACE, cut, "person");
            assert!(matches!(opened, Err(MigranError::Tampered { .. })), "{opened:?}");
        }
    }

    #[test]
    fn two_seals_of_one_value_differ() {
        let keys = keys();
        assert_ne!(keys.seal(PLACE, b"x").unwrap(), keys.seal(PLACE, b"x").unwrap());
    }

    #[test]
    fn wrapped_key_needs_the_same_pin_salt_and_device_secret() {
        let salt = [7u8; SALT_LEN];
        let device = [9u8; KEY_LEN];
        let dek = SecretKey::random().unwrap();
        let kek = derive_kek("123456", &salt, 10_000, Some(&device)).unwrap();
        let wrapped = wrap_key(&kek, &dek, "vault-1").unwrap();
        let same = derive_kek("123456", &salt, 10_000, Some(&device)).unwrap();
        let opened = unwrap_key(&same, &wrapped, "vault-1").unwrap().unwrap();
        assert_eq!(opened.expose(), dek.expose());
        let wrong_pin = derive_kek("123457", &salt, 10_000, Some(&device)).unwrap();
        assert!(unwrap_key(&wrong_pin, &wrapped, "vault-1").unwrap().is_none());
        let no_device = derive_kek("123456", &salt, 10_000, None).unwrap();
        assert!(unwrap_key(&no_device, &wrapped, "vault-1").unwrap().is_none());
        assert!(unwrap_key(&same, &wrapped, "vault-2").unwrap().is_none());
    }

    #[test]
    fn row_ids_are_hex_time_ordered_and_unique() {
        let first = new_row_id().unwrap();
        let second = new_row_id().unwrap();
        let ids: Vec<String> = (0..1_000).map(|_| new_row_id().unwrap()).collect();
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "strictly increasing"
        );
        assert_eq!(first.len(), 32);
        assert!(first
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(first < second);
        assert_eq!(hex(&[0x00, 0xab, 0x0f]), "00ab0f");
    }

    #[test]
    fn secret_key_debug_reveals_nothing() {
        let key = SecretKey::from_slice(&[0x41; KEY_LEN]).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }
}
