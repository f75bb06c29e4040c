//! What the tests of the core, its benches, the CLI's tests and the journeys share: a
//! clock the test moves by hand, a quick vault, obviously fake people, and a scan of a
//! folder's files for plaintext. Test code: a failed setup panics with what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use migran_core::{
    Answer, AuditQuery, CardContact, CardContactRole, Clock, ConsentInput, ConsentPurpose, EmergencyCard,
    FollowKind, Locale, MigranError, PageRequest, PersonInput, ScreeningAnswer, ScreeningInput, Sex,
    SyncRefusal, Vault, VaultSettings,
};

pub const PIN: &str = "246810";

/// A clock that stands still until the test moves it.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn at(year: i32, month: u32, day: u32) -> Arc<TestClock> {
        let start = Utc
            .with_ymd_and_hms(year, month, day, 9, 0, 0)
            .single()
            .expect("a valid test date");
        Arc::new(TestClock(Mutex::new(start)))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub fn fast_settings() -> VaultSettings {
    VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    }
}

pub fn device_secret() -> Vec<u8> {
    vec![0x5a; 32]
}

/// A new vault (with a device secret) in `dir`, unlocked, on `clock`.
pub fn new_vault(dir: &Path, clock: Arc<TestClock>) -> Arc<Vault> {
    Vault::create_with_clock(dir, PIN, Some(device_secret()), fast_settings(), clock).unwrap_or_else(|err| {
        let unlisted = migran_core::testing::last_unlisted_storage_failure();
        panic!("vault not created: {err:?} (last unlisted storage failure: {unlisted:?})")
    })
}

pub fn reopen(dir: &Path, clock: Arc<TestClock>) -> Arc<Vault> {
    Vault::open_with_clock(dir, Some(device_secret()), clock).expect("vault opened")
}

/// An obviously fake person; `n` makes NIK and phone unique.
pub fn fake_person(name: &str, n: u32) -> PersonInput {
    PersonInput {
        full_name: name.to_string(),
        nik: format!("32010000{n:08}"),
        birth_date: "1998-04-12".to_string(),
        sex: if n.is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        },
        phone: Some(format!("+62812{n:08}")),
        address: Some(format!("Dusun Contoh RT {n:03}")),
        village: "Desa Contoh".to_string(),
    }
}

/// An obviously fake emergency card working in `country`, with a family member and a
/// cadre to alert.
pub fn fake_card(country: &str) -> EmergencyCard {
    EmergencyCard {
        full_name: "Siti Contoh".into(),
        passport_number: Some("C0000001".into()),
        country: country.into(),
        city: Some("Kota Contoh".into()),
        employer_name: Some("Keluarga Contoh".into()),
        employer_address: Some("Flat 1, Jalan Contoh 2".into()),
        contacts: vec![
            CardContact {
                name: "Ibu Contoh".into(),
                phone: "081299990001".into(),
                role: CardContactRole::Family,
            },
            CardContact {
                name: "Kader Contoh".into(),
                phone: "081299990002".into(),
                role: CardContactRole::Cadre,
            },
        ],
    }
}

/// Every encoding in which a grep over the files could find `marker`.
fn encodings(marker: &str) -> Vec<Vec<u8>> {
    let utf16le: Vec<u8> = marker.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let utf16be: Vec<u8> = marker.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    vec![marker.as_bytes().to_vec(), utf16le, utf16be]
}

/// The files under `dir` (recursively) that contain `marker` in any encoding.
pub fn files_containing(dir: &Path, marker: &str) -> Vec<String> {
    let patterns = encodings(marker);
    let mut hits = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                pending.push(entry.unwrap().path());
            }
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        if patterns.iter().any(|pattern| {
            bytes
                .windows(pattern.len())
                .any(|window| window == pattern.as_slice())
        }) {
            hits.push(path.display().to_string());
        }
    }
    hits
}

/// Names of the files in `dir`, to show that the scan really looked at the WAL.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The whole audit log (as much as one page holds), or only the entries about a person.
pub fn audit_query(person_id: Option<String>) -> AuditQuery {
    AuditQuery {
        person_id,
        from: None,
        to: None,
        page: PageRequest {
            offset: 0,
            limit: migran_core::MAX_PAGE,
        },
    }
}

/// A screening by "Kader Contoh" with every question of the catalogue answered "yes"
/// (which makes it high or critical, with a follow-up).
pub fn every_answer_yes() -> ScreeningInput {
    ScreeningInput {
        screened_by: "Kader Contoh".into(),
        answers: migran_core::screening_questions(Locale::Id)
            .unwrap()
            .into_iter()
            .map(|q| ScreeningAnswer {
                question_id: q.id,
                answer: Answer::Yes,
            })
            .collect(),
    }
}

/// Bytes from the hex text a signature file holds (content packs' `.sig`).
pub fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// One phone of a follow-link test (docs/follow.md): a vault in its own folder under
/// the test's root, on its own clock.
pub struct Phone {
    pub vault: Arc<Vault>,
    pub clock: Arc<TestClock>,
}

/// A phone in `root/name`, its clock at 2027-01-04.
pub fn phone(root: &Path, name: &str) -> Phone {
    let clock = TestClock::at(2027, 1, 4);
    Phone {
        vault: new_vault(&root.join(name), clock.clone()),
        clock,
    }
}

/// Records a consent given (or withdrawn) today.
pub fn record_consent(vault: &Vault, person_id: &str, purpose: ConsentPurpose, given: bool) {
    vault
        .record_consent(
            person_id.to_string(),
            ConsentInput {
                purpose,
                given,
                date: None,
                note: None,
            },
        )
        .unwrap();
}

/// Links `follower` to the person: its request, the cadre's package (with
/// `cadre_contact` for a migrant's card), the follower accepting it. Returns the link id.
pub fn link_phone(
    cadre: &Vault,
    person_id: &str,
    follower: &Vault,
    kind: FollowKind,
    cadre_contact: Option<CardContact>,
) -> String {
    let request = follower.follow_request().unwrap();
    let package = cadre
        .follow_link(person_id.to_string(), kind, request.text, cadre_contact)
        .unwrap();
    let followed = follower.follow_accept(package.text).unwrap();
    assert_eq!(followed.link_id, package.link.link_id);
    package.link.link_id
}

/// The reason of a sync refusal; anything else fails the test.
pub fn sync_refusal<T: std::fmt::Debug>(result: Result<T, MigranError>) -> SyncRefusal {
    match result {
        Err(MigranError::SyncRefused { reason }) => reason,
        other => panic!("expected a sync refusal, got {other:?}"),
    }
}
