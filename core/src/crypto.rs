//! Every cryptographic operation of the core, on ring, behind a few hard-to-misuse calls:
//! `seal`/`open` (AES-256-GCM bound to a place), `derive_pin_kek` (Argon2id, or PBKDF2
//! for vaults not yet upgraded, then HKDF with the device secret), `wrap_key`/`unwrap_key`,
//! and the raw page keys of the vault's two SQLCipher files. Argon2id comes from
//! RustCrypto's `argon2`: ring has no memory-hard KDF.
//!
//! Secrets live in [`SecretKey`], which cannot be printed or compared and is zeroed on drop
//! (`zeroize`); plaintext opened here comes back in [`Zeroizing`] buffers.

use std::fmt;
use std::num::NonZeroU32;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

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
#[derive(Zeroize, ZeroizeOnDrop)]
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
/// The plaintext is wiped when the buffer is dropped, and so is a failed attempt's.
fn open_with(key: &LessSafeKey, aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != SEAL_FORMAT {
        return None;
    }
    let nonce = Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN]).ok()?;
    let mut body = Zeroizing::new(sealed[1 + NONCE_LEN..].to_vec());
    let plain_len = key.open_in_place(nonce, Aad::from(aad), &mut body).ok()?.len();
    // Truncating keeps the tag's bytes in the spare capacity, which `Zeroizing` wipes too.
    body.truncate(plain_len);
    Some(body)
}

/// Seals `plaintext` under a raw 256-bit key, bound to `aad`: for what leaves the
/// device (team sync bundles, wrapped team keys, backups).
pub(crate) fn seal_raw(key: &SecretKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    seal_with(&aead_key(key.expose())?, aad, plaintext)
}

/// Opens what [`seal_raw`] sealed; a wrong key, other `aad` or any alteration is `None`.
/// The plaintext is the caller's (backups, sync bundles of records) from here on.
pub(crate) fn open_raw(key: &SecretKey, aad: &[u8], sealed: &[u8]) -> Result<Option<Vec<u8>>> {
    Ok(open_with(&aead_key(key.expose())?, aad, sealed).map(|mut plain| std::mem::take(&mut *plain)))
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

/// How a vault stretches its PIN, as its header names it. Each vault keeps its own
/// setting: a phone that calibrated a larger one keeps it when the app is updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PinKdf {
    /// Vaults made before Argon2id, until their next correct unlock re-wraps them.
    Pbkdf2 {
        iterations: u32,
    },
    Argon2id(Argon2Settings),
}

/// Argon2id's cost (RFC 9106): memory in KiB, passes over it, lanes. Stored in the vault
/// header and covered by its MAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Argon2Settings {
    /// Memory filled per derivation, in KiB: what an attacker pays per parallel guess.
    pub memory_kib: u32,
    /// Passes over that memory (Argon2's `t`).
    pub passes: u32,
    /// Lanes (Argon2's `p`); 1 on phones, which derive on one core.
    pub lanes: u32,
}

impl Argon2Settings {
    /// The setting a vault gets when it was given PBKDF2 iterations only (every caller
    /// before Argon2id, and a PBKDF2 vault at its upgrade): the same class of cost, now
    /// memory-hard. [`RECOMMENDED_KDF_ITERATIONS`] and above give [`ARGON2_RECOMMENDED`]
    /// (more passes for more iterations); fewer iterations give proportionally less
    /// memory, so a vault set cheap on purpose (tests at [`MIN_KDF_ITERATIONS`]: about
    /// 1 MiB) stays cheap. Never below [`MIN_ARGON2_MEMORY_KIB`].
    pub fn for_iterations(iterations: u32) -> Argon2Settings {
        let recommended = ARGON2_RECOMMENDED;
        let scaled =
            u64::from(iterations) * u64::from(recommended.memory_kib) / u64::from(RECOMMENDED_KDF_ITERATIONS);
        let memory_kib = scaled.clamp(
            u64::from(MIN_ARGON2_MEMORY_KIB),
            u64::from(recommended.memory_kib),
        ) as u32;
        let passes = (u64::from(iterations) * u64::from(recommended.passes))
            .div_ceil(u64::from(RECOMMENDED_KDF_ITERATIONS))
            .clamp(u64::from(recommended.passes), u64::from(MAX_ARGON2_PASSES)) as u32;
        Argon2Settings {
            memory_kib,
            passes,
            lanes: recommended.lanes,
        }
    }

    /// Refuses a setting outside what the vault accepts, naming the field.
    pub(crate) fn validate(&self) -> Result<()> {
        let out_of_range = |field| MigranError::invalid(field, crate::error::InvalidReason::OutOfRange);
        if !(1..=MAX_ARGON2_LANES).contains(&self.lanes) {
            return Err(out_of_range("argon2_lanes"));
        }
        if !(1..=MAX_ARGON2_PASSES).contains(&self.passes) {
            return Err(out_of_range("argon2_passes"));
        }
        if !(MIN_ARGON2_MEMORY_KIB..=MAX_ARGON2_MEMORY_KIB).contains(&self.memory_kib) {
            return Err(out_of_range("argon2_memory_kib"));
        }
        Ok(())
    }
}

/// What new vaults use when the device was not calibrated: RFC 9106's second
/// recommendation (64 MiB, 3 passes), on one lane (the phone derives on one core).
pub const ARGON2_RECOMMENDED: Argon2Settings = Argon2Settings {
    memory_kib: 64 * 1024,
    passes: 3,
    lanes: 1,
};
/// The least [`calibrate_argon2`] picks, whatever the device: OWASP's floor for Argon2id
/// (19 MiB, 2 passes, 1 lane).
pub const ARGON2_CALIBRATION_FLOOR: Argon2Settings = Argon2Settings {
    memory_kib: 19 * 1024,
    passes: 2,
    lanes: 1,
};
/// The most memory [`calibrate_argon2`] picks: what a phone with 2 GB of RAM spares an
/// app in the foreground without the system ending it.
pub const ARGON2_CALIBRATION_MAX_MEMORY_KIB: u32 = 64 * 1024;
/// The least memory a vault accepts. Below OWASP's floor on purpose, like
/// [`MIN_KDF_ITERATIONS`]: test vaults (about 1 MiB at the test iterations) stay fast.
pub const MIN_ARGON2_MEMORY_KIB: u32 = 1024;
/// The most memory a vault accepts (a vault must open on the phone that made it).
pub const MAX_ARGON2_MEMORY_KIB: u32 = 1024 * 1024;
/// The most passes a vault accepts, and calibration picks.
pub const MAX_ARGON2_PASSES: u32 = 10;
/// The most lanes a vault accepts.
pub const MAX_ARGON2_LANES: u32 = 4;

/// The key-encryption key from the PIN under the vault's KDF, mixed with the device
/// secret. Argon2id's output goes through its own HKDF label, so a PBKDF2 and an Argon2id
/// wrapping never share a key.
pub(crate) fn derive_pin_kek(
    pin: &str,
    salt: &[u8],
    kdf: PinKdf,
    device_secret: Option<&[u8]>,
) -> Result<SecretKey> {
    match kdf {
        PinKdf::Pbkdf2 { iterations } => derive_kek(pin, salt, iterations, device_secret),
        PinKdf::Argon2id(settings) => {
            let stretched = argon2id(pin.as_bytes(), salt, settings)?;
            derive_subkey(
                stretched.expose(),
                device_secret.unwrap_or(&[]),
                "migran/v4/kek-argon2id",
            )
        }
    }
}

/// The PIN stretched under `kdf`, before any HKDF: what a factor vault hands to the
/// hardware key (`key_factor::factor_kek`).
pub(crate) fn stretch_pin(pin: &str, salt: &[u8], kdf: PinKdf) -> Result<SecretKey> {
    match kdf {
        PinKdf::Pbkdf2 { iterations } => {
            let iterations = NonZeroU32::new(iterations).ok_or_else(|| {
                MigranError::invalid("kdf_iterations", crate::error::InvalidReason::OutOfRange)
            })?;
            let mut stretched = SecretKey([0u8; KEY_LEN]);
            pbkdf2::derive(
                pbkdf2::PBKDF2_HMAC_SHA256,
                iterations,
                salt,
                pin.as_bytes(),
                &mut stretched.0,
            );
            Ok(stretched)
        }
        PinKdf::Argon2id(settings) => argon2id(pin.as_bytes(), salt, settings),
    }
}

/// Argon2id over `secret`. The memory is reserved fallibly: a phone that cannot spare it
/// gets an error, never an abort across the FFI.
fn argon2id(secret: &[u8], salt: &[u8], settings: Argon2Settings) -> Result<SecretKey> {
    settings.validate()?;
    let params = argon2::Params::new(
        settings.memory_kib,
        settings.passes,
        settings.lanes,
        Some(KEY_LEN),
    )
    .map_err(|_| MigranError::invalid("argon2_memory_kib", crate::error::InvalidReason::OutOfRange))?;
    let blocks = params.block_count();
    let hasher = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut stretched = SecretKey([0u8; KEY_LEN]);
    run_argon2(&hasher, blocks, secret, salt, &mut stretched.0)?;
    Ok(stretched)
}

/// Runs `hasher` in memory reserved here, then wipes that memory.
fn run_argon2(
    hasher: &argon2::Argon2<'_>,
    blocks: usize,
    secret: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<()> {
    let mut memory: Vec<argon2::Block> = Vec::new();
    memory
        .try_reserve_exact(blocks)
        .map_err(|_| MigranError::internal("not enough memory to check the PIN"))?;
    memory.resize(blocks, argon2::Block::default());
    let result = hasher.hash_password_into_with_memory(secret, salt, out, &mut memory[..]);
    // The blocks hold values derived from the PIN: wiped before the memory is freed.
    memory.zeroize();
    result.map_err(|_| MigranError::internal("the PIN's key derivation failed"))
}

/// Stretches `pin` once under `kdf` and drops the result: the brute-force cost bench
/// (`core/benches/pin_kdf.rs`) measures exactly what one guess against a vault costs.
pub fn stretch_pin_once(pin: &str, argon2: Option<Argon2Settings>, pbkdf2_iterations: u32) -> Result<()> {
    let kdf = match argon2 {
        Some(settings) => PinKdf::Argon2id(settings),
        None => PinKdf::Pbkdf2 {
            iterations: pbkdf2_iterations,
        },
    };
    derive_pin_kek(pin, &[0x11; SALT_LEN], kdf, Some(&[0x22; KEY_LEN])).map(drop)
}

/// Picks Argon2id's memory and passes that take about `target_millis` on this device,
/// never below [`ARGON2_CALIBRATION_FLOOR`] and never above
/// [`ARGON2_CALIBRATION_MAX_MEMORY_KIB`]: memory first (what a GPU pays for), then passes.
/// Run once at vault creation on the phone itself.
#[uniffi::export]
pub fn calibrate_argon2(target_millis: u32) -> Result<Argon2Settings> {
    let probe = Argon2Settings {
        memory_kib: 8 * 1024,
        passes: 1,
        lanes: 1,
    };
    let salt = [0u8; SALT_LEN];
    // The first run pays for page faults the later ones do not.
    argon2id(b"000000", &salt, probe)?;
    let started = std::time::Instant::now();
    argon2id(b"000000", &salt, probe)?;
    let per_kib_pass = started.elapsed().as_secs_f64() / f64::from(probe.memory_kib);
    let budget = if per_kib_pass > 0.0 {
        (f64::from(target_millis) / 1000.0) / per_kib_pass
    } else {
        f64::MAX
    };
    Ok(argon2_for_budget(budget))
}

/// The setting that spends about `kib_passes` (KiB of memory times passes): memory up to
/// the cap at the floor's passes, then more passes; never below the floor.
fn argon2_for_budget(kib_passes: f64) -> Argon2Settings {
    let floor = ARGON2_CALIBRATION_FLOOR;
    let cap = ARGON2_CALIBRATION_MAX_MEMORY_KIB;
    let memory = kib_passes / f64::from(floor.passes);
    if memory < f64::from(floor.memory_kib) {
        floor
    } else if memory < f64::from(cap) {
        Argon2Settings {
            // Whole MiB: the figure shows plainly in the header and the docs.
            memory_kib: ((memory as u32) / 1024 * 1024).max(floor.memory_kib),
            ..floor
        }
    } else {
        let passes = (kib_passes / f64::from(cap)).floor();
        Argon2Settings {
            memory_kib: cap,
            passes: (passes as u32).clamp(floor.passes, MAX_ARGON2_PASSES),
            lanes: floor.lanes,
        }
    }
}

/// Wraps (encrypts) a key under another, bound to `context` (the vault id).
pub(crate) fn wrap_key(kek: &SecretKey, key: &SecretKey, context: &str) -> Result<Vec<u8>> {
    seal_with(&aead_key(kek.expose())?, &wrap_aad(context), key.expose())
}

/// Unwraps a key; `None` when the KEK is wrong (a wrong PIN) or the blob was altered.
pub(crate) fn unwrap_key(kek: &SecretKey, wrapped: &[u8], context: &str) -> Result<Option<SecretKey>> {
    let key = aead_key(kek.expose())?;
    // `bytes` is wiped when dropped: the plain loop of zero writes that was here could be
    // removed by the compiler, as writes to memory about to be freed.
    Ok(open_with(&key, &wrap_aad(context), wrapped).and_then(|bytes| SecretKey::from_slice(&bytes)))
}

fn wrap_aad(context: &str) -> Vec<u8> {
    let mut aad = b"migran/v1/wrapped-key\0".to_vec();
    aad.extend_from_slice(context.as_bytes());
    aad
}

/// The key an unlocked vault needs, derived from the data key (DEK): the raw page key of
/// `vault.db`. SQLCipher keeps it from the moment the file is opened; the core drops (and
/// wipes) its copy right after.
#[derive(ZeroizeOnDrop)]
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
/// is locked, such as the emergency card. It keeps the raw key, wiped on drop, and makes
/// ring's AES key for each call: ring's key types cannot be wiped (docs/security.md,
/// "Wiping secrets"), so none is kept longer than one seal or open.
#[derive(ZeroizeOnDrop)]
pub(crate) struct DeviceKey {
    key: SecretKey,
}

impl DeviceKey {
    pub(crate) fn from_device_secret(device_secret: &[u8], purpose: &str) -> Result<Self> {
        Ok(DeviceKey {
            key: derive_subkey(device_secret, &[], purpose)?,
        })
    }

    pub(crate) fn seal(&self, place: Place<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
        seal_with(&aead_key(self.key.expose())?, &place.aad(), plaintext)
    }

    /// The plaintext at `place`, wiped when the caller drops it.
    pub(crate) fn open(&self, place: Place<'_>, sealed: &[u8], kind: &str) -> Result<Zeroizing<Vec<u8>>> {
        open_with(&aead_key(self.key.expose())?, &place.aad(), sealed)
            .ok_or_else(|| MigranError::tampered(kind))
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

/// Lower-case hex of `bytes` (ids, not secrets).
pub(crate) fn hex_of(bytes: &[u8]) -> String {
    hex(bytes)
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
        assert_eq!(&keys.open(PLACE, &sealed, "person").unwrap()[..], b"Siti Contoh");
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

    /// What leaves the device (sync bundles, backups, follow views) is sealed under a raw
    /// key: it opens with that key and `aad` only, and nothing altered or cut opens.
    #[test]
    fn a_raw_seal_opens_with_its_key_and_aad_only() {
        let key = SecretKey::random().unwrap();
        let sealed = seal_raw(&key, b"bundle/1", b"Siti Contoh").unwrap();
        assert_eq!(sealed.len(), 1 + NONCE_LEN + b"Siti Contoh".len() + TAG_LEN);
        assert_eq!(
            open_raw(&key, b"bundle/1", &sealed).unwrap().as_deref(),
            Some(&b"Siti Contoh"[..])
        );
        assert_eq!(open_raw(&key, b"bundle/2", &sealed).unwrap(), None);
        assert_eq!(
            open_raw(&SecretKey::random().unwrap(), b"bundle/1", &sealed).unwrap(),
            None
        );
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open_raw(&key, b"bundle/1", &altered).unwrap(), None);
        assert_eq!(
            open_raw(&key, b"bundle/1", &sealed[..sealed.len() - 1]).unwrap(),
            None
        );
    }

    /// The shortest sealed value (nothing sealed) is the format byte, the nonce and the
    /// tag: it opens, and one byte less is refused before the AEAD is asked.
    #[test]
    fn an_empty_value_seals_to_the_shortest_input_that_opens() {
        let key = SecretKey::random().unwrap();
        let sealed = seal_raw(&key, b"aad", b"").unwrap();
        assert_eq!(sealed.len(), 1 + NONCE_LEN + TAG_LEN);
        assert_eq!(open_raw(&key, b"aad", &sealed).unwrap(), Some(vec![]));
        assert_eq!(open_raw(&key, b"aad", &sealed[..sealed.len() - 1]).unwrap(), None);
    }

    /// The brute-force bench's single guess is the vault's own derivation: a setting the
    /// vault refuses is refused here too, not timed as if it had run.
    #[test]
    fn one_stretch_of_the_pin_refuses_what_the_vault_refuses() {
        assert!(stretch_pin_once("246810", None, MIN_KDF_ITERATIONS).is_ok());
        assert!(matches!(
            stretch_pin_once("246810", None, 0),
            Err(MigranError::Invalid { .. })
        ));
        let too_little = Argon2Settings {
            memory_kib: 8,
            passes: 1,
            lanes: 1,
        };
        assert!(matches!(
            stretch_pin_once("246810", Some(too_little), 0),
            Err(MigranError::Invalid { .. })
        ));
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
    fn an_argon2id_wrapping_needs_the_same_pin_setting_and_device_secret() {
        let salt = [7u8; SALT_LEN];
        let device = [9u8; KEY_LEN];
        let small = Argon2Settings {
            memory_kib: MIN_ARGON2_MEMORY_KIB,
            passes: 1,
            lanes: 1,
        };
        let kek = |pin: &str, kdf, device: Option<&[u8]>| derive_pin_kek(pin, &salt, kdf, device).unwrap();
        let dek = SecretKey::random().unwrap();
        let wrapped = wrap_key(&kek("318527", PinKdf::Argon2id(small), Some(&device)), &dek, "v").unwrap();
        let same = kek("318527", PinKdf::Argon2id(small), Some(&device));
        assert_eq!(
            unwrap_key(&same, &wrapped, "v").unwrap().unwrap().expose(),
            dek.expose()
        );
        let more_passes = PinKdf::Argon2id(Argon2Settings { passes: 2, ..small });
        for other in [
            kek("318528", PinKdf::Argon2id(small), Some(&device)),
            kek("318527", more_passes, Some(&device)),
            kek("318527", PinKdf::Argon2id(small), None),
            kek("318527", PinKdf::Pbkdf2 { iterations: 10_000 }, Some(&device)),
        ] {
            assert!(unwrap_key(&other, &wrapped, "v").unwrap().is_none());
        }
    }

    #[test]
    fn argon2id_runs_as_rfc_9106_specifies() {
        // RFC 9106 section 5.3: Argon2id v1.3, m = 32 KiB, t = 3, p = 4, with a secret
        // and associated data, through the same memory handling as a vault's PIN.
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .data(argon2::AssociatedData::new(&[4; 12]).unwrap())
            .output_len(32)
            .build()
            .unwrap();
        let blocks = params.block_count();
        let hasher = argon2::Argon2::new_with_secret(
            &[3; 8],
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        )
        .unwrap();
        let mut tag = [0u8; 32];
        run_argon2(&hasher, blocks, &[1; 32], &[2; 16], &mut tag).unwrap();
        assert_eq!(
            hex(&tag),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn settings_from_iterations_keep_their_cost_class() {
        assert_eq!(
            Argon2Settings::for_iterations(RECOMMENDED_KDF_ITERATIONS),
            ARGON2_RECOMMENDED
        );
        let test = Argon2Settings::for_iterations(MIN_KDF_ITERATIONS);
        assert_eq!((test.memory_kib, test.passes, test.lanes), (1092, 3, 1));
        let high = Argon2Settings::for_iterations(2 * RECOMMENDED_KDF_ITERATIONS);
        assert_eq!((high.memory_kib, high.passes), (64 * 1024, 6));
        let top = Argon2Settings::for_iterations(MAX_KDF_ITERATIONS);
        assert_eq!(top.passes, MAX_ARGON2_PASSES);
        for iterations in [MIN_KDF_ITERATIONS, 123_456, MAX_KDF_ITERATIONS] {
            assert!(Argon2Settings::for_iterations(iterations).validate().is_ok());
        }
    }

    #[test]
    fn calibration_keeps_to_the_floor_and_the_cap() {
        assert_eq!(argon2_for_budget(0.0), ARGON2_CALIBRATION_FLOOR);
        assert_eq!(argon2_for_budget(20_000.0), ARGON2_CALIBRATION_FLOOR);
        let middle = argon2_for_budget(2.0 * 40.5 * 1024.0);
        assert_eq!((middle.memory_kib, middle.passes), (40 * 1024, 2));
        let large = argon2_for_budget(5.0 * 64.0 * 1024.0);
        assert_eq!((large.memory_kib, large.passes), (64 * 1024, 5));
        let huge = argon2_for_budget(f64::MAX);
        assert_eq!((huge.memory_kib, huge.passes), (64 * 1024, MAX_ARGON2_PASSES));
        // One millisecond is below the floor's cost on any machine (the floor is 38 MiB
        // of passes; the probe fills 8 MiB): the floor, not more.
        assert_eq!(calibrate_argon2(1).unwrap(), ARGON2_CALIBRATION_FLOOR);
        // Ten minutes a guess is the most memory and passes on any machine that runs the
        // 8 MiB probe in under about 7 s (a few ms here); were the probe's time not divided
        // by its size, the floor's two passes on any machine slower than 0.9 ms for it: a
        // check of that division, not of speed.
        let patient = calibrate_argon2(600_000).unwrap();
        assert_eq!(
            (patient.memory_kib, patient.passes),
            (ARGON2_CALIBRATION_MAX_MEMORY_KIB, MAX_ARGON2_PASSES),
            "{patient:?}"
        );
    }

    #[test]
    fn settings_outside_the_accepted_range_are_refused_by_name() {
        let fine = Argon2Settings::for_iterations(MIN_KDF_ITERATIONS);
        for (bad, field) in [
            (
                Argon2Settings {
                    memory_kib: 512,
                    ..fine
                },
                "argon2_memory_kib",
            ),
            (Argon2Settings { passes: 0, ..fine }, "argon2_passes"),
            (Argon2Settings { lanes: 9, ..fine }, "argon2_lanes"),
        ] {
            assert_eq!(
                bad.validate(),
                Err(MigranError::invalid(
                    field,
                    crate::error::InvalidReason::OutOfRange
                ))
            );
        }
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

    /// The first 12 hex digits are the millisecond the id was made (then a sequence within
    /// it): rows made later sort later across runs of the app, not only within one.
    #[test]
    fn a_row_id_begins_with_the_millisecond_it_was_made() {
        let millis_now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as u64
        };
        for _ in 0..3 {
            let before = millis_now();
            let id = new_row_id().unwrap();
            let after = millis_now();
            let made = u64::from_str_radix(&id[..12], 16).unwrap();
            // Ids made faster than one a millisecond borrow from the next millisecond.
            assert!(made >= before && made <= after + 1, "{before} {made} {after}");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// The last 16 hex digits of each id are random, drawn from a pool that is used up
    /// and refilled, never the same bytes twice.
    #[test]
    fn the_random_half_of_every_row_id_differs() {
        let random_halves: std::collections::HashSet<String> = (0..1_000)
            .map(|_| new_row_id().unwrap()[16..].to_string())
            .collect();
        assert_eq!(random_halves.len(), 1_000);
    }

    /// PBKDF2's calibration (vaults made before Argon2id): no time is the floor, ten
    /// minutes the ceiling on any machine that runs an iteration in under 60 µs, and one
    /// millisecond below the ceiling. Checks the arithmetic, not the speed.
    #[test]
    fn pbkdf2_calibration_spans_the_floor_to_the_ceiling() {
        assert_eq!(calibrate_kdf_iterations(0).unwrap(), MIN_KDF_ITERATIONS);
        assert!(calibrate_kdf_iterations(1).unwrap() < MAX_KDF_ITERATIONS);
        assert_eq!(calibrate_kdf_iterations(600_000).unwrap(), MAX_KDF_ITERATIONS);
    }

    /// Fails to compile, which fails the tests, when a key type loses its wipe on drop.
    #[test]
    fn every_key_type_the_core_holds_is_wiped_on_drop() {
        fn assert_zod<T: ZeroizeOnDrop>() {}
        assert_zod::<SecretKey>();
        assert_zod::<DataKeys>();
        assert_zod::<DeviceKey>();
        assert_zod::<Zeroizing<Vec<u8>>>();
        assert_zod::<Zeroizing<String>>();
    }

    #[test]
    fn wiping_a_key_zeroes_its_bytes() {
        let mut key = SecretKey::from_slice(&[0x41; KEY_LEN]).unwrap();
        key.zeroize();
        assert_eq!(key.expose(), &[0u8; KEY_LEN]);
        let mut filled = argon2::Block::default();
        filled.as_mut().fill(0x4141_4141_4141_4141);
        let mut memory = vec![filled; 2];
        let capacity = memory.capacity();
        memory.zeroize();
        assert!(memory.is_empty());
        // The blocks' bytes, read back through the spare capacity the wipe left.
        unsafe { memory.set_len(capacity) };
        assert!(memory
            .iter()
            .all(|block| block.as_ref().iter().all(|word| *word == 0)));
    }

    #[test]
    fn secret_key_debug_reveals_nothing() {
        let key = SecretKey::from_slice(&[0x41; KEY_LEN]).unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }
}
