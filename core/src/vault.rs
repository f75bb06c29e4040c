//! The vault: the encrypted files of one device profile, opened with a PIN.
//!
//! Key hierarchy (docs/security.md): a random data key (DEK) is the source of the page
//! key of `vault.db`, which holds every record; it is stored only wrapped by a
//! key-encryption key (KEK) derived from the PIN (Argon2id; PBKDF2 in vaults made before
//! it, until their next correct unlock) mixed with an optional device secret (HKDF), in
//! the header of `locked.db`. `locked.db` is keyed from the device
//! secret alone and holds what must work without the PIN (the header, the emergency
//! button's data). A vault made with the hardware key factor ([`crate::key_factor`]) has
//! no device secret: its locked key's output takes that place, and its PIN key's output
//! over the stretched PIN goes into the KEK. Changing the PIN re-wraps the DEK (and, with a
//! factor, makes a new PIN key and deletes the old one). Unlock attempts are counted in the
//! header *before* the PIN is checked, so killing the app mid-check does not escape the
//! wait; erasure counts only PINs checked and found wrong (docs/security.md).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::audit::{self, Actor, PendingEntry};
use crate::crypto::{self, Argon2Settings, DataKeys, PinKdf, SecretKey};
use crate::error::{InvalidReason, MigranError, Result, StorageProblem};
use crate::key_factor::{self, KeyFactor, KeyPurpose};
use crate::store::{self, Database, PageHmac};
use crate::time::{instant_text, parse_instant, Clock, SystemClock};
use zeroize::Zeroizing;

/// How a new vault protects itself. Stored in the vault header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VaultSettings {
    /// The PIN's stretching cost, in PBKDF2-HMAC-SHA256 iterations (see
    /// [`crate::calibrate_kdf_iterations`]). New vaults stretch with Argon2id at the
    /// setting of the same cost class ([`crate::Argon2Settings::for_iterations`]: 600,000
    /// gives 64 MiB and 3 passes); [`Vault::create_with_argon2`] takes a calibrated one.
    pub kdf_iterations: u32,
    /// Wrong PINs allowed before each further try has to wait (30 s, doubling, at most a day).
    pub free_attempts: u32,
    /// After this many wrong PINs in a row the data key is destroyed (crypto-erase).
    /// `None`: never.
    pub erase_after_failures: Option<u32>,
}

impl Default for VaultSettings {
    fn default() -> Self {
        VaultSettings {
            kdf_iterations: crypto::RECOMMENDED_KDF_ITERATIONS,
            free_attempts: 5,
            erase_after_failures: None,
        }
    }
}

/// Default settings for a new vault: [`crate::RECOMMENDED_KDF_ITERATIONS`] PBKDF2
/// iterations, 5 free attempts, never erase.
#[uniffi::export]
pub fn default_vault_settings() -> VaultSettings {
    VaultSettings::default()
}

/// 32 random bytes for a new device secret, for a platform that stores its own (the CLI's
/// 0600 file, an iOS Keychain item). Android apps may use a Keystore-derived secret.
#[uniffi::export]
pub fn new_device_secret() -> Result<Vec<u8>> {
    let mut secret = vec![0u8; crypto::KEY_LEN];
    crypto::fill_random(&mut secret)?;
    Ok(secret)
}

/// Picks KDF iterations that take about `target_millis` on this device.
#[uniffi::export]
pub fn calibrate_kdf_iterations(target_millis: u32) -> Result<u32> {
    crypto::calibrate_kdf_iterations(target_millis)
}

/// What the unlock screen needs to know, readable while locked.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VaultStatus {
    /// Whether the PIN has opened the vault, so that records can be read and written.
    pub unlocked: bool,
    /// Wrong PINs in a row since the last successful unlock (or PIN change).
    pub failed_attempts: u32,
    /// Seconds before the next PIN is accepted; 0 when none is pending.
    pub retry_after_seconds: u64,
    /// Whether this handle was opened with a device secret, or with the hardware key
    /// factor (whose locked key stands in for one).
    pub uses_device_secret: bool,
    /// The stretching cost set at creation, in PBKDF2 iterations (Argon2id's setting
    /// follows from it unless one was given; see [`VaultSettings::kdf_iterations`]).
    pub kdf_iterations: u32,
    /// Wrong PINs allowed before each further try has to wait.
    pub free_attempts: u32,
    /// Wrong PINs in a row after which the data key is destroyed; `None`: never.
    pub erase_after_failures: Option<u32>,
}

const BACKOFF_FIRST_SECONDS: i64 = 30;
const BACKOFF_MAX_SECONDS: i64 = 24 * 60 * 60;
const DEVICE_SECRET_MIN_BYTES: usize = 16;
const DEVICE_SECRET_MAX_BYTES: usize = 1024;

/// The vault header, in `locked.db`: what unlocking needs before the PIN is known.
pub(crate) const LOCKED_SCHEMA: &str = r#"
    CREATE TABLE vault_header (
        id               INTEGER PRIMARY KEY CHECK (id = 1),
        vault_id         TEXT    NOT NULL,
        created_at       TEXT    NOT NULL,
        kdf_salt         BLOB    NOT NULL,
        kdf_iterations   INTEGER NOT NULL,
        wrapped_dek      BLOB    NOT NULL,
        free_attempts    INTEGER NOT NULL,
        erase_after      INTEGER,
        failed_attempts  INTEGER NOT NULL DEFAULT 0,
        last_failure_at  TEXT,
        lockout_until    TEXT,
        erased           INTEGER NOT NULL DEFAULT 0
    );
"#;

/// Locked schema step 2: which page HMAC `vault.db` uses (`store::PageHmac`); vaults
/// made before it have SQLCipher's default, SHA-512.
pub(crate) const LOCKED_PAGE_HMAC: &str = r#"
    ALTER TABLE vault_header ADD COLUMN page_hmac TEXT NOT NULL DEFAULT 'hmac_sha512';
"#;

/// Locked schema step 3: wrong PINs really checked, apart from `failed_attempts` (every
/// attempt begun, counted before the check). Erasure follows only `wrong_pins`, so unlocks
/// killed mid-check (a phone ending the app) never erase; the wait follows every attempt.
pub(crate) const LOCKED_WRONG_PINS: &str = r#"
    ALTER TABLE vault_header ADD COLUMN wrong_pins INTEGER NOT NULL DEFAULT 0;
"#;

/// Locked schema step 4: the lockout header's authentication (docs/security.md, "The
/// lockout header"): a generation raised by every write of the header, and an
/// HMAC-SHA256 over every field of the header with that generation. Headers of earlier
/// vaults are sealed when a build with this step first opens them.
pub(crate) const LOCKED_HEADER_MAC: &str = r#"
    ALTER TABLE vault_header ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE vault_header ADD COLUMN header_mac BLOB;
"#;
/// The locked schema step that adds [`LOCKED_HEADER_MAC`]: a file opened from an earlier
/// step has a header to seal.
const LOCKED_HEADER_MAC_STEP: u32 = 4;

/// Locked schema step 5 (issue 19): which KDF stretches the PIN (`kdf`, storage codes of
/// [`KdfKind`]) with Argon2id's setting, and the latest wall-clock time the vault has seen
/// (`last_seen_at`), against which a clock set back is recognised. All in the MAC.
pub(crate) const LOCKED_KDF_AND_CLOCK: &str = r#"
    ALTER TABLE vault_header ADD COLUMN kdf TEXT NOT NULL DEFAULT 'pbkdf2_sha256';
    ALTER TABLE vault_header ADD COLUMN argon2_memory_kib INTEGER;
    ALTER TABLE vault_header ADD COLUMN argon2_passes INTEGER;
    ALTER TABLE vault_header ADD COLUMN argon2_lanes INTEGER;
    ALTER TABLE vault_header ADD COLUMN last_seen_at TEXT;
    ALTER TABLE vault_header ADD COLUMN wait_boot_id TEXT;
    ALTER TABLE vault_header ADD COLUMN wait_end_elapsed_ms INTEGER;
"#;

/// Locked schema step 6 (issue 19): the hardware key factor. `factor_key_id` names the
/// PIN key whose output is mixed into the KEK (`NULL`: a vault made with a device secret);
/// `retired_key_id` a PIN key a PIN change replaced and whose deletion has not been seen
/// to succeed yet (retried at the next correct unlock). Both in the MAC.
pub(crate) const LOCKED_KEY_FACTOR: &str = r#"
    ALTER TABLE vault_header ADD COLUMN factor_key_id TEXT;
    ALTER TABLE vault_header ADD COLUMN retired_key_id TEXT;
"#;

/// Locked schema step 10 (issue 16): the header's second key slot, of the same size as
/// `wrapped_dek` in every vault. It holds the duress PIN's wrapping when one is set and an
/// equally long wrapping of a random key under a random key when none is, so that the
/// file never tells whether a duress PIN exists (docs/security.md, "The duress PIN").
/// `NULL` only in a file from an earlier step until its first open by this build fills
/// it. In the MAC.
pub(crate) const LOCKED_SECOND_SLOT: &str = r#"
    ALTER TABLE vault_header ADD COLUMN second_slot BLOB;
"#;
/// The locked schema step that adds [`LOCKED_SECOND_SLOT`]: a file opened from an earlier
/// step gets its slot filled at once.
const LOCKED_SECOND_SLOT_STEP: u32 = 10;
/// The HKDF label of the second slot's key, derived from the one stretching of the PIN
/// (through the same KEK derivation as the real wrapping): one stretching per attempt
/// gives both keys, so real, duress and wrong PINs cost the same.
const SECOND_SLOT_LABEL: &str = "migran/v7/second-slot";

/// Which of the header's two wrappings a PIN opened.
pub(crate) enum PinOpened {
    /// The real PIN: the data key.
    Real(SecretKey),
    /// The duress PIN: the decoy profile is opened and the alert queued by the caller.
    Duress,
}

/// A reading of the phone's monotonic clock: time since boot, which the owner cannot set,
/// and which boot it counts from. Android: `SystemClock.elapsedRealtime()` with
/// `Settings.Global.BOOT_COUNT`; iOS: `CLOCK_BOOTTIME` (or `systemUptime`) with the kernel
/// boot time. Given to [`Vault::unlock_with_uptime`] and [`Vault::status_with_uptime`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MonotonicTime {
    /// Names the boot the time counts from (1 to 64 characters); another value means
    /// the phone restarted.
    pub boot_id: String,
    /// Milliseconds since that boot, counting deep sleep.
    pub elapsed_millis: u64,
}

impl MonotonicTime {
    fn validate(&self) -> Result<()> {
        if self.boot_id.is_empty() {
            return Err(MigranError::invalid("boot_id", InvalidReason::Empty));
        }
        if self.boot_id.chars().count() > 64 {
            return Err(MigranError::invalid("boot_id", InvalidReason::TooLong));
        }
        Ok(())
    }

    fn millis(&self) -> i64 {
        i64::try_from(self.elapsed_millis).unwrap_or(i64::MAX)
    }
}

/// The PIN's KDF as the header names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KdfKind {
    Pbkdf2Sha256,
    Argon2id,
}

crate::storage_codes!(KdfKind {
    Pbkdf2Sha256 => "pbkdf2_sha256",
    Argon2id => "argon2id",
});

/// The layouts of the header's MAC input: step 4's, step 5's with the KDF and the last
/// time seen, and step 6's with the hardware key factor's key ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MacLayout {
    V3,
    V4,
    V5,
    /// Step 10's: with the second key slot.
    V6,
}

/// Doublings of the wait that reach its ceiling: a header found altered is given this many
/// attempts over the free ones, so that every further attempt waits the longest.
const BACKOFF_DOUBLINGS_TO_MAX: u32 = 20;

/// The data version of the records, in `vault.db`: which registered data migrations
/// (`store::DATA_MIGRATIONS`) have run.
pub(crate) const MAIN_SCHEMA: &str = r#"
    CREATE TABLE vault_meta (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        data_version  INTEGER NOT NULL
    );
"#;

/// Read audit entries are stored with the next write, at lock, or once this many wait
/// (a bound on memory: a long scroll through the register by one cadre)...
const READ_AUDIT_BATCH: usize = 1_000;
/// ... or once the oldest waiting entry is this old (seconds), at the next read.
const READ_AUDIT_MAX_AGE_SECONDS: i64 = 60;

/// One device profile's encrypted vault, the entry point of the core: every capability
/// adds its methods here. Opened locked, where only what needs no PIN works (the
/// emergency button, the lockout status); unlocked with the PIN. Safe to share between
/// threads; call it off the main thread.
#[derive(uniffi::Object)]
pub struct Vault {
    dir: PathBuf,
    /// The device secret, or for a vault made with a hardware key factor the locked
    /// key's output ([`crate::key_factor`]), which takes its place.
    /// Wiped when the handle is dropped.
    device_secret: Option<Zeroizing<Vec<u8>>>,
    /// The hardware key factor of a vault made with one.
    factor: Option<Arc<dyn KeyFactor>>,
    clock: Arc<dyn Clock>,
    /// The key of the lockout header's MAC (see [`crypto::lockout_mac_key`]).
    lockout_key: SecretKey,
    /// The highest header generation this handle has seen: a header put back from
    /// earlier (validly sealed then) is caught while the handle lives.
    highest_generation: AtomicI64,
    state: Mutex<State>,
}

struct State {
    /// `locked.db`, always open; `None` once the vault was wiped.
    locked: Option<Connection>,
    /// `Some` while unlocked.
    open: Option<Unlocked>,
}

/// Which profile an unlocked vault shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// `vault.db`, opened with the real PIN.
    Real,
    /// The duress PIN's decoy: an empty register in memory only (no file exists for it),
    /// gone at lock.
    Decoy,
}

/// What exists only while the PIN has opened the vault.
struct Unlocked {
    /// `vault.db`, opened with the page key; closed (and its page cache freed) at lock.
    /// For the decoy profile, an empty register in memory.
    conn: Connection,
    profile: Profile,
    /// Who is using the vault, for the audit log; forgotten on lock.
    actor: Option<Actor>,
    /// Audit entries of reads not yet stored (see [`Vault::read`]).
    read_audit: Vec<PendingEntry>,
}

/// What a capability module gets while the vault is unlocked: the records' connection
/// (inside a transaction for writes), the locked store's connection, the current time and
/// the actor. Audit entries made with [`Session::audit`] are collected
/// here and stored when the session ends well.
pub(crate) struct Session<'a> {
    pub conn: &'a Connection,
    /// `locked.db`: the emergency card, settings, outbox and content packs.
    pub locked: &'a Connection,
    pub now: DateTime<Utc>,
    /// The date on the device at `now` (its time zone): what "today" means to the person.
    pub today: chrono::NaiveDate,
    pub actor: Option<&'a Actor>,
    pub(crate) pending_audit: std::cell::RefCell<Vec<PendingEntry>>,
}

#[derive(Clone)]
struct Header {
    vault_id: String,
    kdf_salt: Vec<u8>,
    kdf_iterations: u32,
    /// What stretches the PIN for `wrapped_dek` (locked schema step 5).
    kdf: PinKdf,
    wrapped_dek: Vec<u8>,
    free_attempts: u32,
    erase_after: Option<u32>,
    failed_attempts: u32,
    last_failure_at: Option<DateTime<Utc>>,
    lockout_until: Option<DateTime<Utc>>,
    erased: bool,
    page_hmac: PageHmac,
    wrong_pins: u32,
    /// The latest wall-clock time the header was checked at (locked schema step 5).
    last_seen_at: Option<DateTime<Utc>>,
    /// The boot on whose monotonic clock the pending wait also runs, and the elapsed time
    /// at which it ends there; `None` when the wait was set without one (locked step 5).
    wait_boot_id: Option<String>,
    wait_end_elapsed_ms: Option<i64>,
    /// The hardware key factor's PIN key, and a retired one still to delete (locked
    /// schema step 6).
    factor_key_id: Option<String>,
    retired_key_id: Option<String>,
    /// The second key slot (locked schema step 10): the duress PIN's wrapping, or random
    /// bytes of the same length; `None` only before this build first wrote the header.
    second_slot: Option<Vec<u8>>,
    /// Raised by every write of the header (locked schema step 4).
    generation: i64,
    /// HMAC-SHA256 over the other fields ([`Header::mac_input`]); `None` only in a file
    /// not yet sealed by this build.
    header_mac: Option<Vec<u8>>,
}

impl Header {
    /// Every field the lockout depends on, each with its length, under a fixed label: what
    /// the header's MAC covers. The wrapped key and its salt are in it too, so that an
    /// older wrapping (an old PIN) cannot be put back under a current counter.
    fn mac_input(&self, layout: MacLayout) -> Vec<u8> {
        fn field(out: &mut Vec<u8>, bytes: &[u8]) {
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        let instant = |at: Option<DateTime<Utc>>| at.map(instant_text).unwrap_or_default();
        let mut out = match layout {
            MacLayout::V3 => b"migran/v3/lockout-header".to_vec(),
            MacLayout::V4 => b"migran/v4/lockout-header".to_vec(),
            MacLayout::V5 => b"migran/v5/lockout-header".to_vec(),
            MacLayout::V6 => b"migran/v6/lockout-header".to_vec(),
        };
        field(&mut out, self.vault_id.as_bytes());
        field(&mut out, &self.kdf_salt);
        field(&mut out, &self.kdf_iterations.to_be_bytes());
        field(&mut out, &self.wrapped_dek);
        field(&mut out, &self.free_attempts.to_be_bytes());
        field(
            &mut out,
            &self.erase_after.map_or(u64::MAX, u64::from).to_be_bytes(),
        );
        field(&mut out, &self.failed_attempts.to_be_bytes());
        field(&mut out, instant(self.last_failure_at).as_bytes());
        field(&mut out, instant(self.lockout_until).as_bytes());
        field(&mut out, &[u8::from(self.erased)]);
        field(
            &mut out,
            store::codes::StorageCode::code(self.page_hmac).as_bytes(),
        );
        field(&mut out, &self.wrong_pins.to_be_bytes());
        field(&mut out, &self.generation.to_be_bytes());
        if layout != MacLayout::V3 {
            let (kind, argon2) = self.kdf_columns();
            field(&mut out, store::codes::StorageCode::code(kind).as_bytes());
            let argon2 = argon2.map_or([0; 3], |a| [a.memory_kib, a.passes, a.lanes]);
            for value in argon2 {
                field(&mut out, &value.to_be_bytes());
            }
            field(&mut out, instant(self.last_seen_at).as_bytes());
            field(
                &mut out,
                self.wait_boot_id.as_deref().unwrap_or_default().as_bytes(),
            );
            field(
                &mut out,
                &self.wait_end_elapsed_ms.unwrap_or(i64::MIN).to_be_bytes(),
            );
        }
        if matches!(layout, MacLayout::V5 | MacLayout::V6) {
            // A present and an absent id differ in a leading byte, not only in length.
            for id in [&self.factor_key_id, &self.retired_key_id] {
                match id {
                    Some(id) => field(&mut out, &[&[1u8][..], id.as_bytes()].concat()),
                    None => field(&mut out, &[0]),
                }
            }
        }
        if layout == MacLayout::V6 {
            field(&mut out, self.second_slot.as_deref().unwrap_or_default());
        }
        out
    }

    /// Whether `mac` seals this header. A header last written before locked schema step 5
    /// is sealed in step 4's layout: accepted only while the new fields hold what that
    /// step implies (PBKDF2, nothing seen), which is the state it sealed; the next write
    /// seals it in the new layout.
    /// A header last written before step 6 is accepted in step 5's layout only while it
    /// names no factor key, which is the state it sealed.
    /// A header last written before step 10 is accepted in step 6's layout only while its
    /// second slot is empty, which is the state it sealed.
    fn sealed_by(&self, key: &SecretKey, mac: &[u8]) -> bool {
        let pre_step_10 = self.second_slot.is_none();
        let pre_step_6 = pre_step_10 && self.factor_key_id.is_none() && self.retired_key_id.is_none();
        let pre_step_5 = pre_step_6
            && matches!(self.kdf, PinKdf::Pbkdf2 { .. })
            && self.last_seen_at.is_none()
            && self.wait_boot_id.is_none()
            && self.wait_end_elapsed_ms.is_none();
        crypto::hmac_sha256_verify(key, &self.mac_input(MacLayout::V6), mac)
            || (pre_step_10 && crypto::hmac_sha256_verify(key, &self.mac_input(MacLayout::V5), mac))
            || (pre_step_6 && crypto::hmac_sha256_verify(key, &self.mac_input(MacLayout::V4), mac))
            || (pre_step_5 && crypto::hmac_sha256_verify(key, &self.mac_input(MacLayout::V3), mac))
    }

    fn kdf_columns(&self) -> (KdfKind, Option<Argon2Settings>) {
        match self.kdf {
            PinKdf::Pbkdf2 { .. } => (KdfKind::Pbkdf2Sha256, None),
            PinKdf::Argon2id(settings) => (KdfKind::Argon2id, Some(settings)),
        }
    }

    /// Takes in the wall-clock time `now`. A clock set back below the latest time seen
    /// moves the pending wait (and the last failure) back by as much: the wait keeps the
    /// length it had left at the latest time seen, neither restarted nor shortened, and a
    /// wait started while the clock was ahead survives the clock's return. `true` when the
    /// header must be stored now: after such a move, and while a wait is pending (so that
    /// the latest time seen is the last look at the clock, and a later set-back cannot
    /// give back time that already passed).
    fn observe_clock(&mut self, now: DateTime<Utc>) -> bool {
        let seen = self.last_seen_at.max(self.last_failure_at);
        let waiting = self
            .lockout_until
            .is_some_and(|until| seen.is_none_or(|seen| until > seen));
        self.last_seen_at = Some(now);
        match seen {
            Some(seen) if now < seen => {
                let back = seen - now;
                self.lockout_until = self.lockout_until.map(|until| until - back);
                self.last_failure_at = self.last_failure_at.map(|at| at - back);
                true
            }
            Some(seen) if now == seen => false,
            _ => waiting,
        }
    }

    /// Starts a wait of `length` from `now`, on the wall clock and, when the app gave one,
    /// on the monotonic clock of this boot.
    fn start_wait(&mut self, now: DateTime<Utc>, length: Duration, uptime: Option<&MonotonicTime>) {
        self.lockout_until = Some(now + length);
        self.wait_boot_id = uptime.map(|u| u.boot_id.clone());
        self.wait_end_elapsed_ms = uptime.map(|u| u.millis().saturating_add(length.num_milliseconds()));
    }

    fn clear_wait(&mut self) {
        self.lockout_until = None;
        self.wait_boot_id = None;
        self.wait_end_elapsed_ms = None;
    }

    /// Takes in the monotonic clock, when the app gave it, for a wait that also runs on
    /// one. Same boot: the wait ends at the later of its wall-clock and monotonic ends, so
    /// a wall clock set forward no longer shortens it. Another boot: how much of the wait
    /// passed is unknown, so it starts again in full, now on this boot. `true` when the
    /// header changed.
    fn observe_uptime(&mut self, now: DateTime<Utc>, uptime: Option<&MonotonicTime>) -> bool {
        let (Some(uptime), Some(boot), Some(end)) =
            (uptime, self.wait_boot_id.as_deref(), self.wait_end_elapsed_ms)
        else {
            return false;
        };
        if boot != uptime.boot_id {
            let length = backoff(self.failed_attempts, self.free_attempts);
            self.start_wait(now, length, Some(uptime));
            return true;
        }
        let left = end.saturating_sub(uptime.millis());
        if left <= 0 {
            // Over on the clock no one can set: the wall clock alone decides from here.
            self.wait_boot_id = None;
            self.wait_end_elapsed_ms = None;
            return true;
        }
        let monotonic_end = now + Duration::milliseconds(left);
        if self.lockout_until.is_some_and(|until| until >= monotonic_end) {
            return false;
        }
        self.lockout_until = Some(monotonic_end);
        true
    }

    /// Destroys the wrapped data key: without it no PIN opens the vault again. The second
    /// slot is zeroed too, in every erased vault alike, so that an erased header does not
    /// keep a wrapping that a guessed duress PIN would still open.
    fn erase(&mut self) {
        self.wrapped_dek.iter_mut().for_each(|byte| *byte = 0);
        if let Some(slot) = self.second_slot.as_mut() {
            slot.iter_mut().for_each(|byte| *byte = 0);
        }
        self.erased = true;
    }
}

#[uniffi::export]
impl Vault {
    /// Creates a new vault in `dir` (made if missing) and returns it unlocked.
    #[uniffi::constructor]
    pub fn create(
        dir: String,
        pin: String,
        device_secret: Option<Vec<u8>>,
        settings: VaultSettings,
    ) -> Result<Arc<Vault>> {
        // Every PIN the apps hand over is wiped when the call returns.
        let pin = Zeroizing::new(pin);
        Self::create_with_clock(
            Path::new(&dir),
            &pin,
            device_secret,
            settings,
            Arc::new(SystemClock),
        )
    }

    /// Opens an existing vault, locked.
    #[uniffi::constructor]
    pub fn open(dir: String, device_secret: Option<Vec<u8>>) -> Result<Arc<Vault>> {
        Self::open_with_clock(Path::new(&dir), device_secret, Arc::new(SystemClock))
    }

    /// As [`Vault::create_with_factor`], stretching the PIN with the Argon2id setting
    /// given: [`crate::calibrate_argon2`] measured on this phone at vault creation, so a
    /// fast phone spends more memory and passes than the fixed class `kdf_iterations`
    /// maps to, and a slow one stays usable. A setting outside what the vault accepts is
    /// refused (`Invalid { field: "argon2_memory_kib" }`, and so on), nothing is created.
    #[uniffi::constructor]
    pub fn create_with_factor_and_argon2(
        dir: String,
        pin: String,
        factor: Arc<dyn KeyFactor>,
        settings: VaultSettings,
        argon2: Argon2Settings,
    ) -> Result<Arc<Vault>> {
        let pin = Zeroizing::new(pin);
        Self::create_with_factor_and_clock(
            Path::new(&dir),
            &pin,
            factor,
            settings,
            argon2,
            Arc::new(SystemClock),
        )
    }

    /// Creates a new vault in `dir` whose keys come from the hardware key factor
    /// (docs/security.md, "The hardware key factor"): the factor makes its locked key and
    /// a PIN key, and no device secret exists. Returns it unlocked. Give each vault its own
    /// factor: creating replaces the factor's locked key.
    #[uniffi::constructor]
    pub fn create_with_factor(
        dir: String,
        pin: String,
        factor: Arc<dyn KeyFactor>,
        settings: VaultSettings,
    ) -> Result<Arc<Vault>> {
        validate_settings(&settings)?;
        let argon2 = Argon2Settings::for_iterations(settings.kdf_iterations);
        Self::create_with_factor_and_argon2(dir, pin, factor, settings, argon2)
    }

    /// Opens, locked, a vault made with [`Vault::create_with_factor`]. Another factor (or
    /// its locked key deleted) does not open it: `DeviceSecretMismatch`, or
    /// `KeyFactor { KeyMissing }`.
    #[uniffi::constructor]
    pub fn open_with_factor(dir: String, factor: Arc<dyn KeyFactor>) -> Result<Arc<Vault>> {
        Self::open_with_factor_and_clock(Path::new(&dir), factor, Arc::new(SystemClock))
    }

    /// Unlocks with the PIN. Wrong PINs are counted; see [`VaultSettings`].
    pub fn unlock(&self, pin: String) -> Result<()> {
        let pin = Zeroizing::new(pin);
        self.unlock_at(&pin, None)
    }

    /// As [`Vault::unlock`], with the phone's monotonic clock: a wait this sets also runs
    /// on it, and a wait that does is not shortened by a wall clock set forward
    /// (docs/security.md, "Lockout and the clock").
    pub fn unlock_with_uptime(&self, pin: String, uptime: MonotonicTime) -> Result<()> {
        let pin = Zeroizing::new(pin);
        uptime.validate()?;
        self.unlock_at(&pin, Some(&uptime))
    }

    /// As [`Vault::status`], with the phone's monotonic clock (see
    /// [`Vault::unlock_with_uptime`]).
    pub fn status_with_uptime(&self, uptime: MonotonicTime) -> Result<VaultStatus> {
        uptime.validate()?;
        self.status_at(Some(&uptime))
    }

    /// Stores the audit entries of reads not yet stored, then forgets the keys and the
    /// actor and closes the records' file. Safe to call at any time, also when locked.
    pub fn lock(&self) {
        let mut state = self.state();
        if let Some(mut open) = state.open.take() {
            if let Some(locked) = state.locked.as_ref() {
                // Best effort: a full disk here loses the last reads' entries (the loss
                // window docs/security.md states), never the lock itself.
                let _ = flush_read_audit(&mut open, locked, self.clock.now());
            }
        }
    }

    /// Whether the PIN has opened the vault and [`Vault::lock`] was not called since.
    pub fn is_unlocked(&self) -> bool {
        self.state().open.is_some()
    }

    /// Lockout state for the unlock screen; works locked. Fails with `Erased` after
    /// [`Vault::wipe`].
    pub fn status(&self) -> Result<VaultStatus> {
        self.status_at(None)
    }

    /// Replaces the PIN. The data key is only re-wrapped: nothing is re-encrypted.
    /// A wrong `old_pin` counts as a failed attempt, as at unlock.
    pub fn change_pin(&self, old_pin: String, new_pin: String) -> Result<()> {
        let (old_pin, new_pin) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        crate::pin::check_new("new_pin", &new_pin)?;
        self.replace_pin(&old_pin, &new_pin)
    }

    /// Sets the duress PIN, or replaces it: a second PIN that, entered at unlock, opens an
    /// empty profile and silently queues the emergency alert to the card's family and
    /// cadre (docs/security.md, "The duress PIN"). Needs the vault unlocked (`Locked`) and
    /// the real PIN, checked as at unlock (a wrong one counted). The duress PIN must pass
    /// the PIN policy and differ from the real PIN (`Invalid { field: "duress_pin" }`).
    /// Changing the real PIN later removes the duress PIN.
    pub fn set_duress_pin(&self, real_pin: String, duress_pin: String) -> Result<()> {
        let (real_pin, duress_pin) = (Zeroizing::new(real_pin), Zeroizing::new(duress_pin));
        if !self.is_unlocked() {
            return Err(MigranError::Locked);
        }
        crate::pin::check_new("duress_pin", &duress_pin)?;
        if *real_pin == *duress_pin {
            return Err(MigranError::invalid("duress_pin", InvalidReason::Inconsistent));
        }
        self.replace_duress_pin(&real_pin, Some(&duress_pin))
    }

    /// Removes the duress PIN, if one is set (the slot then holds random bytes again, of
    /// the same size); not an error when none is. Needs the vault unlocked and the real
    /// PIN, checked as at unlock.
    pub fn remove_duress_pin(&self, real_pin: String) -> Result<()> {
        let real_pin = Zeroizing::new(real_pin);
        if !self.is_unlocked() {
            return Err(MigranError::Locked);
        }
        self.replace_duress_pin(&real_pin, None)
    }

    /// Quick wipe: destroys the data key first (so the data is unreadable even if the
    /// file deletion is interrupted), then deletes the vault files.
    /// A vault made with a hardware key factor also has its hardware keys deleted, first:
    /// then no copy of its files, of any age, opens again. Should the factor fail to
    /// delete one, the files are still erased and deleted, and the factor's error is
    /// returned (`KeyFactor`).
    pub fn wipe(&self) -> Result<()> {
        let mut state = self.state();
        state.open = None;
        let mut forgotten = Ok(());
        if let Some(factor) = &self.factor {
            let header = state.locked.as_ref().and_then(|conn| read_header(conn).ok());
            let mut ids = vec![key_factor::LOCKED_KEY_ID.to_string()];
            if let Some(header) = header {
                ids.extend(header.factor_key_id);
                ids.extend(header.retired_key_id);
            }
            for id in ids {
                let deleted = key_factor::delete_key(factor.as_ref(), &id);
                if forgotten.is_ok() {
                    forgotten = deleted;
                }
            }
        }
        if let Some(conn) = state.locked.take() {
            // The erase protects a deletion that is interrupted. When it cannot finish
            // (another reader keeps the checkpoint from running past the busy timeout, a
            // full disk), the files still go: deleting them is what the wipe is for, and
            // stopping here would leave the old wrapping in them.
            let _ = crypto_erase(&conn);
        }
        store::remove_files(&self.dir)?;
        forgotten
    }
}

impl Vault {
    fn unlock_at(&self, pin: &str, uptime: Option<&MonotonicTime>) -> Result<()> {
        let mut state = self.state();
        let locked = locked_connection(&state)?;
        let (conn, profile) = match self.verify_pin(locked, pin, uptime)? {
            PinOpened::Real(dek) => {
                let page_hmac = read_header(locked)?.page_hmac;
                let conn = store::open(
                    &self.dir,
                    Database::Main,
                    DataKeys::from_dek(&dek)?.page_key(),
                    page_hmac,
                    false,
                )?;
                (conn, Profile::Real)
            }
            PinOpened::Duress => (open_decoy_register()?, Profile::Decoy),
        };
        state.open = Some(Unlocked {
            conn,
            profile,
            actor: None,
            read_audit: Vec::new(),
        });
        drop(state);
        self.run_data_migrations(store::DATA_MIGRATIONS)?;
        if profile == Profile::Decoy {
            // Silently: whatever happens to the alert (no card, no contact, a full disk),
            // the answer is the real unlock's, so the app shows nothing different.
            let _ = self.queue_duress_alert();
        }
        Ok(())
    }

    /// Whether the duress PIN's decoy profile is what is open. Not exported: the apps must
    /// not be able to tell, so that no build of them can show it (tests read it through
    /// [`crate::testing::decoy_profile_is_open`]).
    pub(crate) fn decoy_is_open(&self) -> bool {
        self.state()
            .open
            .as_ref()
            .is_some_and(|open| open.profile == Profile::Decoy)
    }

    fn status_at(&self, uptime: Option<&MonotonicTime>) -> Result<VaultStatus> {
        let state = self.state();
        let conn = locked_connection(&state)?;
        let now = self.clock.now();
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let (header, _) = self.checked_header(&tx, now, uptime)?;

        tx.commit()?;
        Ok(VaultStatus {
            unlocked: state.open.is_some(),
            failed_attempts: header.failed_attempts,
            retry_after_seconds: header.lockout_until.map_or(0, |until| seconds_until(now, until)),
            uses_device_secret: self.device_secret.is_some(),
            kdf_iterations: header.kdf_iterations,
            free_attempts: header.free_attempts,
            erase_after_failures: header.erase_after,
        })
    }

    /// Checks `pin` as [`Vault::unlock`] does (a wrong one counts as a failed attempt, a
    /// wait or erasure follows as there) without opening the records: for what the PIN
    /// must confirm on a locked phone, such as ending a check-in (docs/emergency.md).
    /// `true` when it was the duress PIN (the caller queues the alert, silently).
    pub(crate) fn check_pin(&self, pin: &str) -> Result<bool> {
        let state = self.state();
        let conn = locked_connection(&state)?;
        Ok(matches!(self.verify_pin(conn, pin, None)?, PinOpened::Duress))
    }

    /// Sets (`Some`) or removes (`None`) the duress PIN once `real_pin` is checked (counted
    /// like an unlock). Given the duress PIN instead (the decoy's "PIN"), it answers as if
    /// done and changes nothing: the decoy must look like a real profile, and the owner's
    /// duress PIN stays.
    pub(crate) fn replace_duress_pin(&self, real_pin: &str, duress_pin: Option<&str>) -> Result<()> {
        let state = self.state();
        let conn = locked_connection(&state)?;
        match self.verify_pin(conn, real_pin, None)? {
            PinOpened::Real(_) => self.write_second_slot(conn, duress_pin),
            PinOpened::Duress => Ok(()),
        }
    }

    /// Writes the second slot: the wrapping for `duress_pin` under the vault's current
    /// salt, KDF and PIN key, or an unset one. The slot is rewritten in place, same size;
    /// the old one is checkpointed out of the WAL (best effort, as the KDF upgrade's).
    fn write_second_slot(&self, conn: &Connection, duress_pin: Option<&str>) -> Result<()> {
        let current = read_header(conn)?;
        let slot = match duress_pin {
            Some(pin) => {
                let kek = self.pin_kek(
                    pin,
                    &current.kdf_salt,
                    current.kdf,
                    current.factor_key_id.as_deref(),
                )?;
                duress_second_slot(&kek, &current.vault_id)?
            }
            None => unset_second_slot(&current.vault_id)?,
        };
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let (mut header, _) = self.checked_header(&tx, self.clock.now(), None)?;
        if header.erased {
            tx.commit()?;
            return Err(MigranError::Erased);
        }
        if header.kdf_salt != current.kdf_salt || header.factor_key_id != current.factor_key_id {
            // The PIN changed meanwhile: the slot would be bound to the old salt.
            tx.commit()?;
            return Err(MigranError::storage(StorageProblem::Busy));
        }
        header.second_slot = Some(slot);
        self.store_header(&tx, &mut header)?;
        tx.commit()?;
        let _ = store::checkpoint(conn);
        Ok(())
    }

    /// Re-wraps the data key under `new_pin` once `old_pin` is checked (counted like an
    /// unlock). The policy for new PINs is the caller's: [`Vault::change_pin`] applies it.
    ///
    /// The real PIN's change drops the duress PIN (its slot is bound to the old salt and
    /// PIN key; set it again after). Given the duress PIN (the decoy's "PIN"), the change
    /// moves the duress PIN to `new_pin` and leaves the real wrapping alone, so that the
    /// decoy behaves as a real profile whose PIN was changed.
    pub(crate) fn replace_pin(&self, old_pin: &str, new_pin: &str) -> Result<()> {
        let state = self.state();
        let conn = locked_connection(&state)?;
        let dek = match self.verify_pin(conn, old_pin, None)? {
            PinOpened::Real(dek) => dek,
            PinOpened::Duress => return self.write_second_slot(conn, Some(new_pin)),
        };
        let mut salt = [0u8; crypto::SALT_LEN];
        crypto::fill_random(&mut salt)?;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let (mut header, _) = self.checked_header(&tx, self.clock.now(), None)?;
        if header.erased {
            return Err(MigranError::Erased);
        }
        // A factor vault's new PIN gets a new hardware key: a copy of the files taken
        // before the change needs the old key, which is deleted once the change is stored.
        let new_key = match (&self.factor, &header.factor_key_id) {
            (Some(factor), Some(_)) => {
                let id = key_factor::new_pin_key_id()?;
                key_factor::create_key(factor.as_ref(), &id, KeyPurpose::Pin)?;
                Some(id)
            }
            _ => None,
        };
        // The setting the header names now: `verify_pin` has moved a PBKDF2 vault to
        // Argon2id already. Derived inside the write lock: a PIN change is rare, and the
        // header must not change between reading the setting and storing the wrapping.
        let key_id = new_key.as_deref().or(header.factor_key_id.as_deref());
        let wrapped = self
            .pin_kek(new_pin, &salt, header.kdf, key_id)
            .and_then(|kek| crypto::wrap_key(&kek, &dek, &header.vault_id));
        let wrapped = match wrapped {
            Ok(wrapped) => wrapped,
            Err(error) => {
                self.forget_keys(new_key.as_deref());
                return Err(error);
            }
        };
        let old_wrapping = (
            header.kdf_salt.clone(),
            header.wrapped_dek.clone(),
            header.factor_key_id.clone(),
            header.retired_key_id.clone(),
            header.second_slot.clone(),
        );
        header.kdf_salt = salt.to_vec();
        header.wrapped_dek = wrapped;
        header.second_slot = Some(unset_second_slot(&header.vault_id)?);
        if new_key.is_some() {
            // A key an earlier change could not delete goes now, best effort: only one
            // retired id is kept.
            self.forget_keys(header.retired_key_id.as_deref());
            header.retired_key_id = header.factor_key_id.take();
            header.factor_key_id = new_key.clone();
        }
        self.store_header(&tx, &mut header)?;
        tx.commit()?;
        // The old wrapping must not survive in the WAL or in a page of the file: it opens
        // with the old PIN.
        if let Err(busy) = store::checkpoint(conn) {
            // Another reader (a second handle on these files) holds a snapshot that still
            // needs the old page, past the busy timeout. The change is undone, so that the
            // error means what it says: the PIN is still the old one, nothing to clean up
            // was left behind unreported, and the user can simply try again.
            let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
            let (mut header, _) = self.checked_header(&tx, self.clock.now(), None)?;
            (
                header.kdf_salt,
                header.wrapped_dek,
                header.factor_key_id,
                header.retired_key_id,
                header.second_slot,
            ) = old_wrapping;
            self.store_header(&tx, &mut header)?;
            tx.commit()?;
            self.forget_keys(new_key.as_deref());
            return Err(busy);
        }
        // Best effort: the change is stored; a key left undeleted keeps its id in the
        // header and goes at the next correct unlock.
        let _ = self.delete_retired_key(conn);
        Ok(())
    }

    /// The key-encryption key for `pin`: with the hardware factor's PIN key `key_id` for a
    /// factor vault, else with the device secret.
    fn pin_kek(&self, pin: &str, salt: &[u8], kdf: PinKdf, key_id: Option<&str>) -> Result<SecretKey> {
        match (key_id, &self.factor) {
            (Some(id), Some(factor)) => key_factor::factor_kek(factor.as_ref(), id, pin, salt, kdf),
            (Some(_), None) => Err(MigranError::KeyFactor {
                problem: crate::error::KeyFactorProblem::KeyMissing,
            }),
            (None, _) => crypto::derive_pin_kek(pin, salt, kdf, self.device_secret()),
        }
    }

    /// Deletes the hardware key `key_id`, best effort: for keys nothing refers to any more
    /// (a new key whose PIN change was undone) and for erasure, retried at every later
    /// attempt on the erased vault.
    fn forget_keys(&self, key_id: Option<&str>) {
        if let (Some(factor), Some(id)) = (&self.factor, key_id) {
            let _ = key_factor::delete_key(factor.as_ref(), id);
        }
    }

    /// Deletes the PIN key a PIN change retired, then clears its id from the header. A
    /// factor that cannot delete it now leaves the id, for the next correct unlock: the
    /// PIN change itself has succeeded.
    fn delete_retired_key(&self, conn: &Connection) -> Result<()> {
        let Some(factor) = &self.factor else {
            return Ok(());
        };
        let Some(retired) = read_header(conn)?.retired_key_id else {
            return Ok(());
        };
        if key_factor::delete_key(factor.as_ref(), &retired).is_err() {
            return Ok(());
        }
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let (mut header, _) = self.checked_header(&tx, self.clock.now(), None)?;
        if header.retired_key_id.as_deref() == Some(retired.as_str()) {
            header.retired_key_id = None;
            self.store_header(&tx, &mut header)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// As [`Vault::create`], with the time source given (tests inject a fixed clock).
    pub fn create_with_clock(
        dir: &Path,
        pin: &str,
        device_secret: Option<Vec<u8>>,
        settings: VaultSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        validate_settings(&settings)?;
        let argon2 = Argon2Settings::for_iterations(settings.kdf_iterations);
        Self::create_with_argon2(dir, pin, device_secret, settings, argon2, clock)
    }

    /// As [`Vault::create_with_clock`], stretching the PIN with the Argon2id setting given
    /// (from [`crate::calibrate_argon2`] on the device) instead of the one that follows
    /// from `settings.kdf_iterations`.
    pub fn create_with_argon2(
        dir: &Path,
        pin: &str,
        device_secret: Option<Vec<u8>>,
        settings: VaultSettings,
        argon2: Argon2Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        let device_secret = device_secret.map(Zeroizing::new);
        if let Some(secret) = &device_secret {
            validate_device_secret(secret)?;
        }
        Self::create_inner(dir, pin, device_secret, None, settings, argon2, clock)
    }

    /// As [`Vault::create_with_factor`], with the Argon2id setting and the time source
    /// given.
    pub fn create_with_factor_and_clock(
        dir: &Path,
        pin: &str,
        factor: Arc<dyn KeyFactor>,
        settings: VaultSettings,
        argon2: Argon2Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        Self::create_inner(dir, pin, None, Some(factor), settings, argon2, clock)
    }

    fn create_inner(
        dir: &Path,
        pin: &str,
        device_secret: Option<Zeroizing<Vec<u8>>>,
        factor: Option<Arc<dyn KeyFactor>>,
        settings: VaultSettings,
        argon2: Argon2Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        crate::pin::check_new("pin", pin)?;
        validate_settings(&settings)?;
        argon2.validate()?;
        std::fs::create_dir_all(dir)?;
        restrict_to_owner(dir);
        // Before any hardware key is made: making the locked key replaces the factor's
        // old one, which an existing vault here would need.
        if dir.join(store::LOCKED_FILE).exists() {
            return Err(MigranError::VaultExists);
        }
        // A creation killed before the header was written leaves only `vault.db`
        // behind: unreadable (its key was never stored) and safe to replace.
        store::remove_files(dir)?;
        let (device_secret, factor_key_id) = match &factor {
            Some(factor) => {
                let factor = factor.as_ref();
                key_factor::create_key(factor, key_factor::LOCKED_KEY_ID, KeyPurpose::Locked)?;
                let pin_key = key_factor::new_pin_key_id()?;
                key_factor::create_key(factor, &pin_key, KeyPurpose::Pin)?;
                (Some(key_factor::locked_secret(factor)?), Some(pin_key))
            }
            None => (device_secret, None),
        };

        let vault_id = crypto::new_row_id()?;
        let dek = SecretKey::random()?;
        let conn = store::open(
            dir,
            Database::Main,
            DataKeys::from_dek(&dek)?.page_key(),
            PageHmac::NEW,
            true,
        )?;
        conn.execute("INSERT INTO vault_meta (id, data_version) VALUES (1, 0)", [])?;
        let mut salt = [0u8; crypto::SALT_LEN];
        crypto::fill_random(&mut salt)?;
        let kek = match (&factor, &factor_key_id) {
            (Some(factor), Some(id)) => {
                key_factor::factor_kek(factor.as_ref(), id, pin, &salt, PinKdf::Argon2id(argon2))?
            }
            _ => crypto::derive_pin_kek(pin, &salt, PinKdf::Argon2id(argon2), secret_bytes(&device_secret))?,
        };
        let wrapped = crypto::wrap_key(&kek, &dek, &vault_id)?;
        let locked_key = crypto::locked_store_key(secret_bytes(&device_secret))?;
        // The header is written last: its presence is what makes the folder a vault.
        let locked = store::open(dir, Database::Locked, &locked_key, PageHmac::LOCKED_STORE, true)?;
        let lockout_key = crypto::lockout_mac_key(secret_bytes(&device_secret))?;
        // Written and sealed in one transaction: a creation killed between the two would
        // leave an unsealed header, which reads as altered and locks the new vault for a day.
        let tx = Transaction::new_unchecked(&locked, TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO vault_header (id, vault_id, created_at, kdf_salt, kdf_iterations,
                 wrapped_dek, free_attempts, erase_after, page_hmac, kdf, argon2_memory_kib,
                 argon2_passes, argon2_lanes, factor_key_id)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                vault_id,
                instant_text(clock.now()),
                salt.as_slice(),
                settings.kdf_iterations,
                wrapped,
                settings.free_attempts,
                settings.erase_after_failures,
                PageHmac::NEW,
                KdfKind::Argon2id,
                argon2.memory_kib,
                argon2.passes,
                argon2.lanes,
                factor_key_id,
            ],
        )?;
        let mut header = read_header(&tx)?;
        write_sealed_header(&tx, &mut header, &lockout_key)?;
        tx.commit()?;
        let vault = Vault {
            dir: dir.to_path_buf(),
            device_secret,
            factor,
            clock,
            lockout_key,
            highest_generation: AtomicI64::new(0),
            state: Mutex::new(State {
                locked: Some(locked),
                open: Some(Unlocked {
                    conn,
                    profile: Profile::Real,
                    actor: None,
                    read_audit: Vec::new(),
                }),
            }),
        };
        vault.run_data_migrations(store::DATA_MIGRATIONS)?;
        Ok(Arc::new(vault))
    }

    /// As [`Vault::open`], with the time source given.
    pub fn open_with_clock(
        dir: &Path,
        device_secret: Option<Vec<u8>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        let device_secret = device_secret.map(Zeroizing::new);
        // "No vault here" before judging the secret: a folder left by a failed init
        // (an empty key file alone) must read as no vault, so `init` may run again.
        if !dir.join(store::LOCKED_FILE).exists() {
            return Err(MigranError::NoVault);
        }
        if let Some(secret) = &device_secret {
            validate_device_secret(secret)?;
        }
        Self::open_inner(dir, device_secret, None, clock)
    }

    /// As [`Vault::open_with_factor`], with the time source given.
    pub fn open_with_factor_and_clock(
        dir: &Path,
        factor: Arc<dyn KeyFactor>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        if !dir.join(store::LOCKED_FILE).exists() {
            return Err(MigranError::NoVault);
        }
        let secret = key_factor::locked_secret(factor.as_ref())?;
        Self::open_inner(dir, Some(secret), Some(factor), clock)
    }

    fn open_inner(
        dir: &Path,
        device_secret: Option<Zeroizing<Vec<u8>>>,
        factor: Option<Arc<dyn KeyFactor>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Vault>> {
        if !dir.join(store::LOCKED_FILE).exists() {
            return Err(MigranError::NoVault);
        }
        let locked_key = crypto::locked_store_key(secret_bytes(&device_secret))?;
        // The locked store is keyed from the device secret: another secret (or none for
        // a vault made with one) does not open it.
        let opened = store::open_from_step(dir, Database::Locked, &locked_key, PageHmac::LOCKED_STORE, false);
        let (locked, earlier_step) = match opened {
            Err(MigranError::Storage {
                problem: StorageProblem::NotADatabase,
            }) => return Err(MigranError::DeviceSecretMismatch),
            other => other?,
        };
        read_header_opt(&locked)?.ok_or(MigranError::NoVault)?;
        let lockout_key = crypto::lockout_mac_key(secret_bytes(&device_secret))?;
        if earlier_step < LOCKED_HEADER_MAC_STEP {
            // A vault from before the header's MAC: sealed now, once. From here on a
            // header without a valid MAC is an altered one.
            seal_unsealed_header(&locked, &lockout_key)?;
        }
        let vault = Vault {
            dir: dir.to_path_buf(),
            device_secret,
            factor,
            clock,
            lockout_key,
            highest_generation: AtomicI64::new(0),
            state: Mutex::new(State {
                locked: Some(locked),
                open: None,
            }),
        };
        if earlier_step < LOCKED_SECOND_SLOT_STEP {
            // A vault from before the second slot gets its (unset) slot at once, so that
            // from its first open by this build its header looks like every other.
            vault.fill_second_slot()?;
        }
        Ok(Arc::new(vault))
    }

    /// Fills an empty second slot (a header from before locked step 10) with an unset
    /// one, after checking the header as every attempt does.
    fn fill_second_slot(&self) -> Result<()> {
        let state = self.state();
        let conn = locked_connection(&state)?;
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let (mut header, _) = self.checked_header(&tx, self.clock.now(), None)?;
        if header.second_slot.is_none() {
            self.store_header(&tx, &mut header)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes the vault files in `dir` (records, locked store, their WAL and SHM) when no
    /// vault opens there with `device_secret`: the remains of a creation killed before its
    /// header was written (`NoVault`), or of a vault whose device secret is lost for good
    /// (`DeviceSecretMismatch`: nothing in it can be read again). A vault that opens is
    /// refused with `VaultExists`: [`Vault::wipe`] erases it properly. So that `init`,
    /// `status` and `wipe` agree, what the files are is decided by opening, never by which
    /// files exist.
    pub fn remove_unopenable(dir: &Path, device_secret: Option<Vec<u8>>) -> Result<()> {
        let mut device_secret = device_secret.map(Zeroizing::new);
        let opened = match &mut device_secret {
            Some(secret) if validate_device_secret(secret).is_err() => Err(MigranError::DeviceSecretMismatch),
            // Moved out whole (no copy), into the `Zeroizing` the opened vault keeps.
            secret => Self::open_with_clock(
                dir,
                secret.as_mut().map(|secret| std::mem::take(&mut **secret)),
                Arc::new(SystemClock),
            )
            .map(drop),
        };
        match opened {
            Ok(()) => Err(MigranError::VaultExists),
            Err(MigranError::NoVault | MigranError::DeviceSecretMismatch) => store::remove_files(dir),
            Err(other) => Err(other),
        }
    }

    /// The vault's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The date on the device now (its time zone).
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        crate::time::local_date(self.clock.as_ref(), self.clock.now())
    }

    pub(crate) fn device_secret(&self) -> Option<&[u8]> {
        secret_bytes(&self.device_secret)
    }

    /// Runs `read` on the unlocked records, without a transaction: each statement sees a
    /// consistent state and this handle's writers are kept out by the mutex.
    ///
    /// A read must not cost a durable commit: its audit entries wait in memory and are
    /// stored with the next write, at lock, or in one batch once [`READ_AUDIT_BATCH`]
    /// wait or the oldest is [`READ_AUDIT_MAX_AGE_SECONDS`] old. A batch that cannot be
    /// stored fails the read that triggered it, and stays waiting.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&Session<'_>) -> Result<T>) -> Result<T> {
        let mut guard = self.state();
        let State { locked, open } = &mut *guard;
        let locked = locked.as_ref().ok_or(MigranError::Erased)?;
        let open = open.as_mut().ok_or(MigranError::Locked)?;
        let now = self.clock.now();
        // The read's entries go straight onto the waiting ones: no list per read.
        let waiting = open.read_audit.len();
        let session = Session {
            conn: &open.conn,
            locked,
            now,
            today: crate::time::local_date(self.clock.as_ref(), now),
            actor: open.actor.as_ref(),
            pending_audit: std::cell::RefCell::new(std::mem::take(&mut open.read_audit)),
        };
        let result = read(&session);
        open.read_audit = session.pending_audit.into_inner();
        if result.is_err() {
            open.read_audit.truncate(waiting);
        }
        let result = result?;
        let oldest_due = open
            .read_audit
            .first()
            .is_some_and(|entry| (now - entry.made_at()).num_seconds() >= READ_AUDIT_MAX_AGE_SECONDS);
        if open.read_audit.len() >= READ_AUDIT_BATCH || oldest_due {
            flush_read_audit(open, locked, now)?;
        }
        Ok(result)
    }

    /// Runs `write` in one transaction: all of it is stored, or none of it, its audit
    /// entries (and those of earlier reads still waiting) included.
    pub(crate) fn write<T>(&self, write: impl FnOnce(&Session<'_>) -> Result<T>) -> Result<T> {
        let mut guard = self.state();
        let State { locked, open } = &mut *guard;
        let locked = locked.as_ref().ok_or(MigranError::Erased)?;
        let Unlocked {
            conn,
            actor,
            read_audit,
            ..
        } = open.as_mut().ok_or(MigranError::Locked)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = self.clock.now();
        let session = Session {
            conn: &tx,
            locked,
            now,
            today: crate::time::local_date(self.clock.as_ref(), now),
            actor: actor.as_ref(),
            pending_audit: Default::default(),
        };
        let result = write(&session)?;
        audit::store_read_batch(&session, read_audit)?;
        audit::store_pending(&session)?;
        drop(session);
        tx.commit()?;
        read_audit.clear();
        Ok(result)
    }

    /// Stores the audit entries of reads still waiting, so that a view of the audit log
    /// (or a person's export) shows every read made until now.
    pub(crate) fn store_waiting_reads(&self) -> Result<()> {
        let mut guard = self.state();
        let State { locked, open } = &mut *guard;
        let locked = locked.as_ref().ok_or(MigranError::Erased)?;
        let open = open.as_mut().ok_or(MigranError::Locked)?;
        flush_read_audit(open, locked, self.clock.now())
    }

    /// Sets who is using the vault (after unlock); see the audit module.
    pub(crate) fn set_actor_state(&self, actor: Option<Actor>) -> Result<()> {
        let mut state = self.state();
        let open = state.open.as_mut().ok_or(MigranError::Locked)?;
        open.actor = actor;
        Ok(())
    }

    pub(crate) fn actor_state(&self) -> Option<Actor> {
        self.state().open.as_ref().and_then(|open| open.actor.clone())
    }

    /// Runs `work` on the locked store whether or not the vault is unlocked: for what
    /// must work locked (the emergency button), which brings its own device-secret keys.
    pub(crate) fn with_locked_store<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.state();
        let conn = guard.locked.as_mut().ok_or(MigranError::Erased)?;
        work(conn)
    }

    /// Empties the records' WAL into the database file, e.g. after an erasure.
    pub(crate) fn checkpoint(&self) -> Result<()> {
        let guard = self.state();
        let open = guard.open.as_ref().ok_or(MigranError::Locked)?;
        store::checkpoint(&open.conn)
    }

    /// Runs the registered data migrations newer than the vault's data version, each in
    /// its own write, recording the new version with it.
    fn run_data_migrations(&self, migrations: &[store::DataMigration]) -> Result<()> {
        let current: u32 = {
            let state = self.state();
            let open = state.open.as_ref().ok_or(MigranError::Locked)?;
            open.conn
                .query_row("SELECT data_version FROM vault_meta WHERE id = 1", [], |row| {
                    row.get(0)
                })?
        };
        for migration in migrations.iter().filter(|m| m.version > current) {
            self.write(|s| {
                (migration.run)(s)?;
                s.conn.execute(
                    "UPDATE vault_meta SET data_version = ?1 WHERE id = 1",
                    params![migration.version],
                )?;
                Ok(())
            })?;
        }
        Ok(())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data behind (every write is a
        // transaction), so a poisoned lock is taken over rather than propagated.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Checks a PIN against the header, counting an attempt first (for the wait), and
    /// returns the DEK. A PIN found wrong is counted once more, for erasure. Each count is
    /// read, checked and raised inside one IMMEDIATE transaction on a freshly read header,
    /// so attempts made at once (threads, processes) are each counted; the key derivation
    /// runs between the two transactions, holding no lock.
    ///
    /// Both slots are tried on every attempt, from one stretching of the PIN: the real
    /// wrapping and the second slot (the duress PIN's, or random). The duress PIN resets
    /// the counts exactly as the real one does, in the same writes, so neither the header
    /// nor the time taken tells the two apart.
    fn verify_pin(&self, conn: &Connection, pin: &str, uptime: Option<&MonotonicTime>) -> Result<PinOpened> {
        crate::pin::check_shape("pin", pin)?;
        if self.factor.is_none() && read_header(conn)?.factor_key_id.is_some() {
            // A factor vault's locked store opened with its locked secret but without the
            // factor: no PIN can be checked, so none is counted.
            return Err(MigranError::KeyFactor {
                problem: crate::error::KeyFactorProblem::KeyMissing,
            });
        }
        let attempt = self.begin_attempt(conn, uptime)?;
        // A factor that fails here leaves the attempt counted for the wait (as a check
        // interrupted), never as a wrong PIN.
        let key_id = attempt.factor_key_id.as_deref();
        let kek = self.pin_kek(pin, &attempt.kdf_salt, attempt.kdf, key_id)?;
        let second_kek = second_slot_kek(&kek)?;
        // A vault still on PBKDF2 is moved to Argon2id by its next correct unlock. The new
        // key is derived here, before the PIN is known to be right and outside any lock,
        // so that the re-wrapping commits in the same transaction as the counter reset: a
        // kill before that commit leaves the PBKDF2 wrapping as it was, and working.
        let upgrade = match attempt.kdf {
            PinKdf::Pbkdf2 { iterations } => {
                let settings = Argon2Settings::for_iterations(iterations);
                let mut salt = vec![0u8; crypto::SALT_LEN];
                crypto::fill_random(&mut salt)?;
                let kek = self.pin_kek(pin, &salt, PinKdf::Argon2id(settings), key_id)?;
                Some((settings, salt, kek))
            }
            PinKdf::Argon2id(_) => None,
        };

        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let now = self.clock.now();
        let (mut header, altered) = self.checked_header(&tx, now, uptime)?;
        if header.erased {
            tx.commit()?;
            self.forget_keys(header.factor_key_id.as_deref());
            if altered {
                store::checkpoint(conn)?;
            }
            return Err(MigranError::Erased);
        }
        if header.kdf_salt != attempt.kdf_salt {
            // Another handle changed the PIN during this check: nothing is known about this
            // PIN. The attempt stays counted for the wait, never as a wrong PIN.
            tx.commit()?;
            return Err(MigranError::storage(StorageProblem::Busy));
        }
        let real = crypto::unwrap_key(&kek, &header.wrapped_dek, &header.vault_id)?;
        // Tried whatever the first gave, so that the work is the same for every PIN.
        let second = match &header.second_slot {
            Some(slot) => crypto::unwrap_key(&second_kek, slot, &second_slot_context(&header.vault_id))?,
            None => None,
        };
        if real.is_none() && second.is_some() {
            // The duress PIN: the same writes as the real PIN's below, minus what only the
            // real wrapping can do (a PBKDF2 vault cannot hold a duress PIN: setting one
            // needs a correct unlock, which moves it to Argon2id first).
            header.failed_attempts = 0;
            header.wrong_pins = 0;
            header.last_failure_at = None;
            header.clear_wait();
            self.store_header(&tx, &mut header)?;
            tx.commit()?;
            return Ok(PinOpened::Duress);
        }
        if let Some(dek) = real {
            header.failed_attempts = 0;
            header.wrong_pins = 0;
            header.last_failure_at = None;
            header.clear_wait();
            let upgraded = upgrade.is_some();
            if let Some((settings, salt, kek)) = upgrade {
                header.kdf = PinKdf::Argon2id(settings);
                header.kdf_salt = salt;
                header.wrapped_dek = crypto::wrap_key(&kek, &dek, &header.vault_id)?;
            }
            let retired = header.retired_key_id.is_some();
            self.store_header(&tx, &mut header)?;
            tx.commit()?;
            if retired {
                // A PIN change's old key whose deletion failed then: tried again, best
                // effort (the unlock itself has succeeded; the id stays for next time).
                let _ = self.delete_retired_key(conn);
            }
            if upgraded {
                // The PBKDF2 wrapping opens with the same PIN at a fraction of the cost:
                // it should leave the WAL. Best effort: another reader may hold it
                // (`Busy`), and SQLite's own checkpoints overwrite it later; the unlock
                // itself has succeeded.
                let _ = store::checkpoint(conn);
            }
            return Ok(PinOpened::Real(dek));
        }

        // Only now is this PIN known to be wrong: an attempt killed before this line is
        // counted for the wait, never for erasure.
        header.wrong_pins = header.wrong_pins.saturating_add(1);
        if header.erase_after.is_some_and(|limit| header.wrong_pins >= limit) {
            header.erase();
            self.store_header(&tx, &mut header)?;
            tx.commit()?;
            // The PIN key goes too: no older copy of the files opens with any PIN. The
            // locked key stays, so that the emergency button still works.
            self.forget_keys(header.factor_key_id.as_deref());
            self.forget_keys(header.retired_key_id.as_deref());
            store::checkpoint(conn)?;
            return Err(MigranError::Erased);
        }
        if header.failed_attempts >= header.free_attempts {
            let length = backoff(header.failed_attempts, header.free_attempts);
            header.start_wait(now, length, uptime);
        }
        self.store_header(&tx, &mut header)?;
        tx.commit()?;
        let attempts_left = match header.erase_after {
            Some(limit) => limit.saturating_sub(header.wrong_pins),
            None => header.free_attempts.saturating_sub(header.failed_attempts),
        };
        Err(MigranError::WrongPin { attempts_left })
    }

    /// Counts an attempt before its PIN is derived, or refuses it (erased, a wait
    /// pending); returns the header the PIN is to be checked against.
    fn begin_attempt(&self, conn: &Connection, uptime: Option<&MonotonicTime>) -> Result<Header> {
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let now = self.clock.now();
        let (mut header, altered) = self.checked_header(&tx, now, uptime)?;
        let refusal = if header.erased {
            Some(MigranError::Erased)
        } else if let Some(until) = header.lockout_until.filter(|until| *until > now) {
            Some(MigranError::LockedOut {
                retry_after_seconds: seconds_until(now, until),
            })
        } else {
            header.failed_attempts = header.failed_attempts.saturating_add(1);
            header.last_failure_at = Some(now);
            self.store_header(&tx, &mut header)?;
            None
        };
        tx.commit()?;
        if header.erased {
            self.forget_keys(header.factor_key_id.as_deref());
            self.forget_keys(header.retired_key_id.as_deref());
        }
        match refusal {
            Some(MigranError::Erased) if altered => {
                // Erased just now because the header was altered: the old wrapping must
                // leave the WAL as after any erasure.
                store::checkpoint(conn)?;
                Err(MigranError::Erased)
            }
            Some(refused) => Err(refused),
            None => Ok(header),
        }
    }

    /// The header as the caller's write transaction sees it, its MAC and generation
    /// checked; `true` with it when it failed. A header that fails (changed by an SQL
    /// UPDATE, its MAC removed, an earlier header put back) is never taken as it reads:
    /// it becomes the harshest state it names, stored under a fresh MAC: erased when
    /// erase-after is set, else every attempt used and the longest wait, from now. An
    /// authentic header takes in `now` ([`Header::observe_clock`]).
    fn checked_header(
        &self,
        conn: &Connection,
        now: DateTime<Utc>,
        uptime: Option<&MonotonicTime>,
    ) -> Result<(Header, bool)> {
        let mut header = read_header(conn)?;
        let authentic = header
            .header_mac
            .as_deref()
            .is_some_and(|mac| header.sealed_by(&self.lockout_key, mac));
        let highest = self.highest_generation.load(Ordering::SeqCst);
        let altered = !authentic || header.generation < highest;
        if !altered {
            // Both looks run: each may move the wait.
            let moved = header.observe_clock(now);
            if header.observe_uptime(now, uptime) || moved {
                self.store_header(conn, &mut header)?;
            }
        } else {
            if header.erase_after.is_some() {
                header.erase();
            } else {
                let worst = header.free_attempts.saturating_add(BACKOFF_DOUBLINGS_TO_MAX);
                header.failed_attempts = header.failed_attempts.max(worst);
                header.last_failure_at = Some(now);
                header.start_wait(now, Duration::seconds(BACKOFF_MAX_SECONDS), uptime);
            }
            header.last_seen_at = Some(now);
            header.generation = header.generation.max(highest);
            self.store_header(conn, &mut header)?;
        }
        self.highest_generation
            .fetch_max(header.generation, Ordering::SeqCst);
        Ok((header, altered))
    }

    /// Writes the header's changing fields with the next generation and a fresh MAC.
    fn store_header(&self, conn: &Connection, header: &mut Header) -> Result<()> {
        write_sealed_header(conn, header, &self.lockout_key)?;
        self.highest_generation
            .fetch_max(header.generation, Ordering::SeqCst);
        Ok(())
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        // Reads' audit entries still waiting are stored when the app lets go of the vault.
        self.lock();
        // The device secret (or a factor vault's locked secret), which opens `locked.db`,
        // is a `Zeroizing` buffer: it does not outlive the handle in freed memory.
    }
}

/// Stores the waiting read audit entries in one transaction, without waiting for the
/// flash (`synchronous=NORMAL` for this commit: WAL keeps it consistent, the next write's
/// or checkpoint's sync makes it durable). A power cut may lose the last reads' entries,
/// which docs/security.md states; it cannot damage the log.
fn flush_read_audit(open: &mut Unlocked, locked: &Connection, now: DateTime<Utc>) -> Result<()> {
    if open.read_audit.is_empty() {
        return Ok(());
    }
    fn run(conn: &Connection, pragma: &str) -> Result<()> {
        conn.prepare_cached(pragma)?.execute([])?;
        Ok(())
    }
    run(&open.conn, "PRAGMA synchronous = NORMAL")?;
    let stored = store_read_audit(open, locked, now);
    run(&open.conn, "PRAGMA synchronous = FULL")?;
    stored
}

fn store_read_audit(open: &mut Unlocked, locked: &Connection, now: DateTime<Utc>) -> Result<()> {
    let tx = open.conn.transaction()?;
    let session = Session {
        conn: &tx,
        locked,
        now,
        // Only audit entries are stored here; none of them reads "today".
        today: now.date_naive(),
        actor: open.actor.as_ref(),
        pending_audit: Default::default(),
    };
    audit::store_read_batch(&session, &open.read_audit)?;
    drop(session);
    tx.commit()?;
    open.read_audit.clear();
    Ok(())
}

/// The decoy profile's register: empty, in memory only, with every table of `vault.db`, so
/// that every call works on it as on a new register. No file is made for it.
fn open_decoy_register() -> Result<Connection> {
    let conn = store::open_in_memory(Database::Main)?;
    conn.execute("INSERT INTO vault_meta (id, data_version) VALUES (1, 0)", [])?;
    Ok(conn)
}

fn locked_connection(state: &State) -> Result<&Connection> {
    state.locked.as_ref().ok_or(MigranError::Erased)
}

/// The wait after `failed` wrong PINs: 30 s at the first over the free ones, doubling.
fn backoff(failed: u32, free: u32) -> Duration {
    let over = failed.saturating_sub(free).min(20);
    Duration::seconds((BACKOFF_FIRST_SECONDS << over).min(BACKOFF_MAX_SECONDS))
}

fn seconds_until(now: DateTime<Utc>, until: DateTime<Utc>) -> u64 {
    let millis = (until - now).num_milliseconds().max(0) as u64;
    millis.div_ceil(1000)
}

/// Writes the header's changing fields with the next generation and their MAC.
/// A header from before locked step 10 gets its second slot here, unset (random).
fn write_sealed_header(conn: &Connection, header: &mut Header, key: &SecretKey) -> Result<()> {
    if header.second_slot.is_none() {
        header.second_slot = Some(unset_second_slot(&header.vault_id)?);
    }
    header.generation = header.generation.saturating_add(1);
    let mac = crypto::hmac_sha256(key, &header.mac_input(MacLayout::V6));
    let (kind, argon2) = header.kdf_columns();
    conn.execute(
        "UPDATE vault_header SET kdf_salt = ?1, wrapped_dek = ?2, failed_attempts = ?3, wrong_pins = ?4,
             last_failure_at = ?5, lockout_until = ?6, erased = ?7, generation = ?8, header_mac = ?9,
             kdf = ?10, argon2_memory_kib = ?11, argon2_passes = ?12, argon2_lanes = ?13,
             last_seen_at = ?14, wait_boot_id = ?15, wait_end_elapsed_ms = ?16,
             factor_key_id = ?17, retired_key_id = ?18, second_slot = ?19
         WHERE id = 1",
        params![
            header.kdf_salt,
            header.wrapped_dek,
            header.failed_attempts,
            header.wrong_pins,
            header.last_failure_at.map(instant_text),
            header.lockout_until.map(instant_text),
            header.erased,
            header.generation,
            mac.as_slice(),
            kind,
            argon2.map(|a| a.memory_kib),
            argon2.map(|a| a.passes),
            argon2.map(|a| a.lanes),
            header.last_seen_at.map(instant_text),
            header.wait_boot_id,
            header.wait_end_elapsed_ms,
            header.factor_key_id,
            header.retired_key_id,
            header.second_slot,
        ],
    )?;
    header.header_mac = Some(mac.to_vec());
    Ok(())
}

/// What binds a second slot's wrapping to its vault and its place.
fn second_slot_context(vault_id: &str) -> String {
    format!("{vault_id}/second-slot")
}

/// The second slot's key from the KEK that the one stretching of a PIN gave: HKDF under
/// its own label, so the two slots never share a key and knowing one gives not the other.
fn second_slot_kek(kek: &SecretKey) -> Result<SecretKey> {
    crypto::derive_subkey(kek.expose(), &[], SECOND_SLOT_LABEL)
}

/// A second slot holding no duress PIN: a random key wrapped under a random key, exactly
/// as long as a set slot and, like any AES-GCM output, indistinguishable from one.
fn unset_second_slot(vault_id: &str) -> Result<Vec<u8>> {
    crypto::wrap_key(
        &SecretKey::random()?,
        &SecretKey::random()?,
        &second_slot_context(vault_id),
    )
}

/// The second slot holding the duress PIN whose KEK (from the vault's salt and KDF) is
/// `kek`: a random key wrapped under the slot's key. The key opens nothing; that it
/// unwraps is what recognises the PIN.
fn duress_second_slot(kek: &SecretKey, vault_id: &str) -> Result<Vec<u8>> {
    crypto::wrap_key(
        &second_slot_kek(kek)?,
        &SecretKey::random()?,
        &second_slot_context(vault_id),
    )
}

/// Seals a header written without a MAC (a new vault's, or one from before locked schema
/// step 4), in one transaction.
fn seal_unsealed_header(conn: &Connection, key: &SecretKey) -> Result<()> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut header = read_header(&tx)?;
    write_sealed_header(&tx, &mut header, key)?;
    tx.commit()?;
    Ok(())
}

/// Destroys the wrapped data key for a wipe, which deletes the files next: the header is
/// not sealed again (if the deletion fails, an unsealed header reads as altered and stays
/// erased).
fn crypto_erase(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE vault_header SET wrapped_dek = zeroblob(length(wrapped_dek)),
             second_slot = zeroblob(length(second_slot)), erased = 1 WHERE id = 1",
        [],
    )?;
    store::checkpoint(conn)
}

fn read_header(conn: &Connection) -> Result<Header> {
    read_header_opt(conn)?.ok_or(MigranError::NoVault)
}

fn read_header_opt(conn: &Connection) -> Result<Option<Header>> {
    let header = conn
        .query_row(
            "SELECT vault_id, kdf_salt, kdf_iterations, wrapped_dek, free_attempts,
                    erase_after, failed_attempts, last_failure_at, lockout_until, erased, page_hmac,
                    wrong_pins, generation, header_mac, kdf, argon2_memory_kib, argon2_passes,
                    argon2_lanes, last_seen_at, wait_boot_id, wait_end_elapsed_ms,
                    factor_key_id, retired_key_id, second_slot
             FROM vault_header WHERE id = 1",
            [],
            |row| {
                let kdf = match row.get::<_, KdfKind>(14)? {
                    KdfKind::Pbkdf2Sha256 => PinKdf::Pbkdf2 {
                        iterations: row.get(2)?,
                    },
                    KdfKind::Argon2id => PinKdf::Argon2id(Argon2Settings {
                        memory_kib: row.get(15)?,
                        passes: row.get(16)?,
                        lanes: row.get(17)?,
                    }),
                };
                Ok((
                    Header {
                        vault_id: row.get(0)?,
                        kdf_salt: row.get(1)?,
                        kdf_iterations: row.get(2)?,
                        kdf,
                        wrapped_dek: row.get(3)?,
                        free_attempts: row.get(4)?,
                        erase_after: row.get(5)?,
                        failed_attempts: row.get(6)?,
                        last_failure_at: None,
                        lockout_until: None,
                        erased: row.get(9)?,
                        page_hmac: row.get(10)?,
                        wrong_pins: row.get(11)?,
                        last_seen_at: None,
                        wait_boot_id: row.get(19)?,
                        wait_end_elapsed_ms: row.get(20)?,
                        factor_key_id: row.get(21)?,
                        retired_key_id: row.get(22)?,
                        second_slot: row.get(23)?,
                        generation: row.get(12)?,
                        header_mac: row.get(13)?,
                    },
                    [7, 8, 18].map(|column| row.get::<_, Option<String>>(column)),
                ))
            },
        )
        .optional()?;
    let Some((mut header, [last_failure, lockout, last_seen])) = header else {
        return Ok(None);
    };
    let instant = |text: rusqlite::Result<Option<String>>| -> Result<Option<DateTime<Utc>>> {
        text?.as_deref().map(parse_instant).transpose()
    };
    header.last_failure_at = instant(last_failure)?;
    header.lockout_until = instant(lockout)?;
    header.last_seen_at = instant(last_seen)?;
    Ok(Some(header))
}

fn validate_settings(settings: &VaultSettings) -> Result<()> {
    if !(crypto::MIN_KDF_ITERATIONS..=crypto::MAX_KDF_ITERATIONS).contains(&settings.kdf_iterations) {
        return Err(MigranError::invalid("kdf_iterations", InvalidReason::OutOfRange));
    }
    if !(1..=100).contains(&settings.free_attempts) {
        return Err(MigranError::invalid("free_attempts", InvalidReason::OutOfRange));
    }
    if settings
        .erase_after_failures
        .is_some_and(|n| !(3..=1000).contains(&n))
    {
        return Err(MigranError::invalid(
            "erase_after_failures",
            InvalidReason::OutOfRange,
        ));
    }
    Ok(())
}

fn secret_bytes(secret: &Option<Zeroizing<Vec<u8>>>) -> Option<&[u8]> {
    secret.as_ref().map(|secret| secret.as_slice())
}

fn validate_device_secret(secret: &[u8]) -> Result<()> {
    if secret.len() < DEVICE_SECRET_MIN_BYTES {
        return Err(MigranError::invalid("device_secret", InvalidReason::TooShort));
    }
    if secret.len() > DEVICE_SECRET_MAX_BYTES {
        return Err(MigranError::invalid("device_secret", InvalidReason::TooLong));
    }
    Ok(())
}

#[cfg(unix)]
fn restrict_to_owner(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: on a phone the app's private directory is already private.
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
use crate::owner_only::restrict_folder as restrict_to_owner;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(5, 5), Duration::seconds(30));
        assert_eq!(backoff(6, 5), Duration::seconds(60));
        assert_eq!(backoff(7, 5), Duration::seconds(120));
        assert_eq!(backoff(60, 5), Duration::seconds(BACKOFF_MAX_SECONDS));
    }

    /// A boot id is 1 to 64 characters (not bytes): the 64th is taken, the 65th refused.
    #[test]
    fn a_boot_id_of_64_characters_is_taken_and_65_are_refused() {
        let uptime = |boot_id: String| MonotonicTime {
            boot_id,
            elapsed_millis: 1,
        };
        assert!(uptime("b".repeat(64)).validate().is_ok());
        assert!(uptime("é".repeat(64)).validate().is_ok());
        for (boot_id, reason) in [
            ("b".repeat(65), InvalidReason::TooLong),
            (String::new(), InvalidReason::Empty),
        ] {
            assert_eq!(
                uptime(boot_id).validate(),
                Err(MigranError::invalid("boot_id", reason))
            );
        }
    }

    /// A header in the state locked schema step 4 wrote: none of the later columns set.
    fn step_4_header() -> Header {
        Header {
            vault_id: "00000000000000000000000000000001".into(),
            kdf_salt: vec![7; 16],
            kdf_iterations: 600_000,
            kdf: PinKdf::Pbkdf2 { iterations: 600_000 },
            wrapped_dek: vec![9; 60],
            free_attempts: 5,
            erase_after: Some(10),
            failed_attempts: 2,
            last_failure_at: None,
            lockout_until: None,
            erased: false,
            page_hmac: PageHmac::Sha256,
            wrong_pins: 2,
            last_seen_at: None,
            wait_boot_id: None,
            wait_end_elapsed_ms: None,
            factor_key_id: None,
            retired_key_id: None,
            second_slot: None,
            generation: 3,
            header_mac: None,
        }
    }

    /// A header sealed in an older layout (by an older build) is accepted only in the
    /// state that layout could seal: a column it does not cover, set afterwards, would be
    /// unauthenticated, so the header reads as altered. Each column is set on a header
    /// whose MAC was taken before, in each layout that does not cover it.
    #[test]
    fn a_header_sealed_in_an_older_layout_is_refused_once_a_column_it_does_not_cover_is_set() {
        let key = SecretKey::from_slice(&[3; 32]).unwrap();
        let at = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        type Change = fn(&mut Header, DateTime<Utc>);
        let step_5: [(&str, Change); 4] = [
            ("argon2id", |h, _| {
                h.kdf = PinKdf::Argon2id(Argon2Settings {
                    memory_kib: 19_456,
                    passes: 2,
                    lanes: 1,
                })
            }),
            ("last_seen_at", |h, at| h.last_seen_at = Some(at)),
            ("wait_boot_id", |h, _| h.wait_boot_id = Some("boot".into())),
            ("wait_end_elapsed_ms", |h, _| h.wait_end_elapsed_ms = Some(1)),
        ];
        let step_6: [(&str, Change); 2] = [
            ("factor_key_id", |h, _| h.factor_key_id = Some("key".into())),
            ("retired_key_id", |h, _| h.retired_key_id = Some("old".into())),
        ];
        let step_10: [(&str, Change); 1] = [("second_slot", |h, _| h.second_slot = Some(vec![1; 60]))];

        let layouts = [
            (MacLayout::V3, [&step_5[..], &step_6, &step_10].concat()),
            (MacLayout::V4, [&step_6[..], &step_10].concat()),
            (MacLayout::V5, step_10.to_vec()),
            (MacLayout::V6, vec![]),
        ];
        for (layout, not_covered) in layouts {
            let sealed = step_4_header();
            let mac = crypto::hmac_sha256(&key, &sealed.mac_input(layout));
            assert!(sealed.sealed_by(&key, &mac), "{layout:?}: as sealed");
            let mut other = step_4_header();
            other.wrong_pins += 1;
            assert!(
                !other.sealed_by(&key, &mac),
                "{layout:?}: a covered field changed"
            );
            for (column, set) in not_covered {
                let mut altered = step_4_header();
                set(&mut altered, at);
                assert_eq!(
                    altered.mac_input(layout),
                    sealed.mac_input(layout),
                    "{layout:?} does not cover {column}"
                );
                assert!(
                    !altered.sealed_by(&key, &mac),
                    "{layout:?} with {column} set after sealing was accepted"
                );
            }
        }
    }
}
