//! Team sync through the public API: enrolment, bundles, merge, conflicts, erasure,
//! refusals (docs/sync.md).

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::Duration;
use migran_core::{
    CaseInput, CaseType, ConflictReason, MigranError, Reporter, SyncRefusal, TeamRole, Vault, VisitInput,
    VisitTopic,
};
use proptest::prelude::*;
use support::*;

struct Device {
    vault: Arc<Vault>,
    clock: Arc<TestClock>,
    id: String,
    dir: PathBuf,
}

/// A team of `n` devices (the first made it, the others joined), each on its own clock.
fn team(root: &std::path::Path, n: usize) -> Vec<Device> {
    let devices: Vec<Device> = (0..n)
        .map(|index| {
            let dir = root.join(format!("device{index}"));
            let clock = TestClock::at(2027, 1, 4);
            // Clocks apart by minutes: merge must not depend on them agreeing.
            clock.advance(Duration::minutes(index as i64 * 7));
            let vault = new_vault(&dir, clock.clone());
            let id = vault.sync_status().unwrap().device_id;
            Device {
                vault,
                clock,
                id,
                dir,
            }
        })
        .collect();
    devices[0].vault.team_create(TeamRole::Officer).unwrap();
    for joining in devices.iter().skip(1) {
        let request = joining.vault.team_join_request().unwrap();
        assert_eq!(
            migran_core::join_request_fingerprint(request.text.clone()).unwrap(),
            request.fingerprint
        );
        let admission = devices[0]
            .vault
            .team_admit(request.text, TeamRole::Cadre)
            .unwrap();
        joining.vault.team_accept(admission).unwrap();
    }
    devices
}

fn send(from: &Device, to: &Device) -> Result<migran_core::SyncReport, MigranError> {
    let bundle = from.vault.sync_export(Some(to.id.clone())).unwrap();
    to.vault.sync_import(bundle)
}

/// Every device sends to every other until they all hold the same register.
fn settle(devices: &[Device]) {
    for _ in 0..4 {
        for from in devices {
            for to in devices {
                if from.id != to.id {
                    send(from, to).unwrap();
                }
            }
        }
        let first = devices[0].vault.sync_register_text().unwrap();
        if devices
            .iter()
            .all(|device| device.vault.sync_register_text().unwrap() == first)
        {
            return;
        }
    }
}

fn refusal(result: Result<migran_core::SyncReport, MigranError>) -> SyncRefusal {
    match result {
        Err(MigranError::SyncRefused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_emergency_referrals_lawful_basis_reaches_every_device_and_so_does_telling_the_person() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    let person = devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    let case = devices[0]
        .vault
        .open_case(
            person.id.clone(),
            CaseInput {
                case_type: CaseType::TraffickingSuspicion,
                description: "Disekap majikan".into(),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    devices[0]
        .vault
        .refer_case_in_emergency(
            case.id,
            migran_core::ReferralInput {
                agency: migran_core::Agency::Kbri,
                office: None,
                date: None,
                note: None,
            },
            "Disekap, tidak bisa menelepon sendiri".into(),
        )
        .unwrap();
    settle(&devices);
    let received = devices[1].vault.processing_records(person.id.clone()).unwrap();
    assert_eq!(
        received,
        devices[0].vault.processing_records(person.id.clone()).unwrap()
    );
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].person_told_on, None);
    // The cadre who visits the family tells the person, on their own phone.
    devices[1].clock.advance(Duration::days(2));
    let told = devices[1]
        .vault
        .record_person_told(received[0].id.clone(), None)
        .unwrap();
    settle(&devices);
    let seen = devices[0].vault.processing_records(person.id.clone()).unwrap();
    assert_eq!(seen, vec![told]);
    // Erasing the person takes the record away on every device.
    devices[1].vault.erase_person(person.id.clone()).unwrap();
    settle(&devices);
    assert_eq!(
        devices[0].vault.processing_records(person.id).err(),
        Some(MigranError::NotFound {
            kind: migran_core::RecordKind::Person
        })
    );
}

#[test]
fn a_joined_device_receives_the_register_and_both_agree_on_the_team() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    let person = devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    let report = send(&devices[0], &devices[1]).unwrap();
    assert!(report.applied >= 2, "{report:?}");
    assert_eq!(devices[1].vault.get_person(person.id.clone()).unwrap(), person);
    let infos: Vec<_> = devices
        .iter()
        .map(|d| d.vault.sync_status().unwrap().team.unwrap())
        .collect();
    assert_eq!(infos[0].team_id, infos[1].team_id);
    assert_eq!(infos[0].fingerprint, infos[1].fingerprint);
    assert_eq!(infos[1].role, TeamRole::Cadre);
    assert_eq!(devices[1].vault.team_devices().unwrap().len(), 2);
    // Sending and receiving are in each device's own audit log, with the count.
    let log = |device: &Device| {
        device
            .vault
            .audit_log(migran_core::AuditQuery {
                person_id: None,
                from: None,
                to: None,
                page: migran_core::PageRequest {
                    offset: 0,
                    limit: 100,
                },
            })
            .unwrap()
            .items
    };
    assert!(
        log(&devices[0])
            .iter()
            .any(|entry| entry.action == migran_core::AuditAction::Export
                && entry.count == Some(report.applied))
    );
    assert!(
        log(&devices[1])
            .iter()
            .any(|entry| entry.action == migran_core::AuditAction::Import
                && entry.count == Some(report.applied))
    );
    // Nothing new: a second bundle changes nothing.
    let again = send(&devices[0], &devices[1]).unwrap();
    assert_eq!(again.applied, 0);
    assert_eq!(
        devices[0].vault.sync_register_digest().unwrap(),
        devices[1].vault.sync_register_digest().unwrap()
    );
}

#[test]
fn concurrent_edits_of_a_person_keep_the_loser_as_a_conflict_on_every_device() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    let person = devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    settle(&devices);
    devices[0]
        .vault
        .update_person(person.id.clone(), fake_person("Siti Contoh Satu", 1))
        .unwrap();
    devices[1].clock.advance(Duration::minutes(30));
    devices[1]
        .vault
        .update_person(person.id.clone(), fake_person("Siti Contoh Dua", 1))
        .unwrap();
    settle(&devices);
    for device in &devices {
        // Device 1's edit is later by its clock: it wins; device 0's is kept.
        assert_eq!(
            device.vault.get_person(person.id.clone()).unwrap().full_name,
            "Siti Contoh Dua"
        );
        let conflicts = device.vault.list_conflicts().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].reason, ConflictReason::ConcurrentEdit);
        let name = conflicts[0]
            .fields
            .iter()
            .find(|f| f.field == "full_name")
            .unwrap();
        assert_eq!(name.losing.as_deref(), Some("Siti Contoh Satu"));
        assert_eq!(name.kept.as_deref(), Some("Siti Contoh Dua"));
    }
    // Resolving on one device by keeping the loser: it wins everywhere, nothing left open.
    let id = devices[0].vault.list_conflicts().unwrap()[0].id.clone();
    devices[0].vault.resolve_conflict(id, true).unwrap();
    settle(&devices);
    for device in &devices {
        assert_eq!(
            device.vault.get_person(person.id.clone()).unwrap().full_name,
            "Siti Contoh Satu"
        );
        assert!(device.vault.list_conflicts().unwrap().is_empty());
    }
}

#[test]
fn a_sequential_edit_is_no_conflict_even_with_a_clock_behind() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    devices[0].clock.advance(Duration::hours(5));
    let person = devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    settle(&devices);
    // Device 1's clock is hours behind, but it edits after seeing device 0's version.
    devices[1]
        .vault
        .update_person(person.id.clone(), fake_person("Siti Contoh Baru", 1))
        .unwrap();
    settle(&devices);
    for device in &devices {
        assert_eq!(
            device.vault.get_person(person.id.clone()).unwrap().full_name,
            "Siti Contoh Baru"
        );
        assert!(device.vault.list_conflicts().unwrap().is_empty());
    }
}

#[test]
fn erasure_reaches_every_device_and_leaves_the_values_in_no_file_and_no_later_bundle() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 3);
    let marker = "Penanda Terhapus";
    let mut input = fake_person(marker, 7);
    input.nik = "3201000000000777".to_string();
    let person = devices[0].vault.add_person(input).unwrap();
    devices[0]
        .vault
        .open_case(
            person.id.clone(),
            CaseInput {
                case_type: CaseType::UnpaidWages,
                description: "Catatan Penanda Kasus".into(),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    settle(&devices);
    // Device 2 edits concurrently with the erasure on device 1: the erasure wins.
    devices[2]
        .vault
        .update_person(person.id.clone(), fake_person(marker, 7))
        .ok();
    devices[1].vault.erase_person(person.id.clone()).unwrap();
    settle(&devices);
    for device in &devices {
        assert!(matches!(
            device.vault.get_person(person.id.clone()),
            Err(MigranError::NotFound { .. })
        ));
        assert!(device.vault.list_cases(None).unwrap().is_empty());
        assert!(device.vault.list_conflicts().unwrap().is_empty());
        device.vault.lock();
        for value in [marker, "3201000000000777", "Catatan Penanda Kasus"] {
            assert!(files_containing(&device.dir, value).is_empty(), "{value}");
        }
        device.vault.unlock(PIN.into()).unwrap();
    }
    let later = devices[2].vault.sync_export(None).unwrap();
    let scan = root.path().join("later.bundle");
    std::fs::write(&scan, &later).unwrap();
    for value in [marker, "3201000000000777", "Catatan Penanda Kasus"] {
        assert!(files_containing(&scan, value).is_empty());
    }
}

#[test]
fn bundles_hold_no_plaintext_value() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    devices[0]
        .vault
        .add_person(fake_person("Nama Penanda Bundel", 3))
        .unwrap();
    let bundle = devices[0].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    let file = root.path().join("b.bundle");
    std::fs::write(&file, &bundle).unwrap();
    for value in [
        "Nama Penanda Bundel",
        "3201000000000003",
        "Dusun Contoh RT 003",
        "persons",
        "full_name",
    ] {
        assert!(files_containing(&file, value).is_empty(), "{value}");
    }
    // And it is a real bundle: it applies.
    assert!(devices[1].vault.sync_import(bundle).unwrap().applied > 0);
}

#[test]
fn tampered_replayed_foreign_and_removed_bundles_are_refused_and_change_nothing() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 3);
    devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    let bundle = devices[0].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    let before = devices[1].vault.sync_register_digest().unwrap();
    let status_before = devices[1].vault.sync_status().unwrap();

    for at in [10, bundle.len() / 2, bundle.len() - 1] {
        let mut tampered = bundle.clone();
        tampered[at] ^= 0x20;
        let reason = refusal(devices[1].vault.sync_import(tampered));
        assert!(
            matches!(reason, SyncRefusal::Tampered | SyncRefusal::Format),
            "{at}: {reason:?}"
        );
    }
    assert_eq!(
        refusal(devices[1].vault.sync_import(bundle[..bundle.len() - 10].to_vec())),
        SyncRefusal::Tampered
    );
    assert_eq!(
        refusal(
            devices[1]
                .vault
                .sync_import(b"not a bundle at all, just text".repeat(4))
        ),
        SyncRefusal::Format
    );
    assert_eq!(devices[1].vault.sync_register_digest().unwrap(), before);
    assert_eq!(devices[1].vault.sync_status().unwrap(), status_before);

    // Applied once; the same file again, or an older one, is a replay.
    let older = devices[0].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    let newer = devices[0].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    devices[1].vault.sync_import(newer.clone()).unwrap();
    let applied = devices[1].vault.sync_register_digest().unwrap();
    assert_eq!(
        refusal(devices[1].vault.sync_import(newer)),
        SyncRefusal::Replayed
    );
    assert_eq!(
        refusal(devices[1].vault.sync_import(older)),
        SyncRefusal::Replayed
    );
    assert_eq!(devices[1].vault.sync_register_digest().unwrap(), applied);

    // Another team's bundle.
    let other_root = tempfile::tempdir().unwrap();
    let other = team(other_root.path(), 2);
    other[0].vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    let foreign = other[0].vault.sync_export(None).unwrap();
    assert_eq!(
        refusal(devices[1].vault.sync_import(foreign)),
        SyncRefusal::ForeignTeam
    );

    // Device 2 is removed by device 0; device 1 hears of it with device 0's next bundle.
    let from_removed = devices[2].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    devices[0].vault.team_remove(devices[2].id.clone()).unwrap();
    send(&devices[0], &devices[1]).unwrap();
    let settled = devices[1].vault.sync_register_digest().unwrap();
    assert_eq!(
        refusal(devices[1].vault.sync_import(from_removed)),
        SyncRefusal::RemovedDevice
    );
    devices[2]
        .vault
        .add_person(fake_person("Dari Perangkat Keluar", 9))
        .unwrap();
    let after_removal = devices[2].vault.sync_export(None).unwrap();
    assert_eq!(
        refusal(devices[1].vault.sync_import(after_removal)),
        SyncRefusal::RemovedDevice
    );
    assert_eq!(devices[1].vault.sync_register_digest().unwrap(), settled);
    // The removed device cannot take what is sealed after its removal.
    devices[1]
        .vault
        .add_person(fake_person("Sesudah Pengeluaran", 10))
        .unwrap();
    let new_epoch = devices[1].vault.sync_export(Some(devices[2].id.clone())).unwrap();
    let reason = refusal(devices[2].vault.sync_import(new_epoch));
    assert!(
        matches!(reason, SyncRefusal::RemovedDevice | SyncRefusal::NoTeamKey),
        "{reason:?}"
    );
    let removed = devices[1].vault.team_devices().unwrap();
    assert!(removed
        .iter()
        .any(|device| device.device_id == devices[2].id && device.removed));
}

#[test]
fn a_bundle_that_starts_after_changes_not_received_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 3);
    devices[0]
        .vault
        .add_person(fake_person("Siti Contoh", 1))
        .unwrap();
    send(&devices[0], &devices[1]).unwrap();
    // Device 1 tells device 0 what it holds; device 0's next team bundle starts there,
    // which device 2 has not received.
    send(&devices[1], &devices[0]).unwrap();
    devices[0]
        .vault
        .add_person(fake_person("Budi Contoh", 2))
        .unwrap();
    send(&devices[2], &devices[0]).unwrap();
    let for_one = devices[0].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    assert_eq!(
        refusal(devices[2].vault.sync_import(for_one)),
        SyncRefusal::MissingEarlierChanges
    );
    send(&devices[0], &devices[2]).unwrap();
    assert_eq!(
        devices[2]
            .vault
            .list_persons(
                migran_core::PageRequest {
                    offset: 0,
                    limit: 100
                },
                true
            )
            .unwrap()
            .total,
        2
    );
}

#[test]
fn enrolment_texts_are_checked() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    let outsider = new_vault(&root.path().join("outsider"), TestClock::at(2027, 1, 4));
    let request = outsider.team_join_request().unwrap();
    assert!(request.text.len() < 200, "{}", request.text);
    let admission = devices[0]
        .vault
        .team_admit(request.text.clone(), TeamRole::Cadre)
        .unwrap();
    // An admission for another device is refused by this one.
    let third = new_vault(&root.path().join("third"), TestClock::at(2027, 1, 4));
    assert_eq!(
        third.team_accept(admission.clone()).err(),
        Some(MigranError::SyncRefused {
            reason: SyncRefusal::NotForThisDevice
        })
    );
    let mut damaged = admission.clone().into_bytes();
    let middle = damaged.len() / 2;
    damaged[middle] = if damaged[middle] == b'A' { b'B' } else { b'A' };
    // One base32 letter changed: the JSON no longer parses (Format) or no longer matches
    // its signature (Tampered), depending on where it falls.
    let refused = outsider.team_accept(String::from_utf8(damaged).unwrap()).err();
    assert!(
        matches!(
            refused,
            Some(MigranError::SyncRefused {
                reason: SyncRefusal::Format | SyncRefusal::Tampered
            })
        ),
        "{refused:?}"
    );
    assert!(outsider.sync_status().unwrap().team.is_none());
    outsider.team_accept(admission).unwrap();
    assert_eq!(
        devices[0].vault.team_join_request().err(),
        Some(MigranError::SyncRefused {
            reason: SyncRefusal::AlreadyInTeam
        })
    );
    assert_eq!(
        migran_core::join_request_fingerprint("MEJ1AAAA".into()).err(),
        Some(MigranError::SyncRefused {
            reason: SyncRefusal::Format
        })
    );
}

#[test]
fn refusals_speak_indonesian_and_english() {
    use migran_core::{BackupRefusal, Locale};
    let replayed = MigranError::SyncRefused {
        reason: SyncRefusal::Replayed,
    };
    assert_eq!(
        replayed.message(Locale::Id),
        "Berkas sinkronisasi ditolak: berkas ini (atau yang lebih baru dari perangkat yang sama) sudah diterapkan. Tidak ada data yang berubah."
    );
    assert_eq!(
        replayed.message(Locale::En),
        "Sync file refused: this file (or a later one from the same device) was applied before. Nothing was changed."
    );
    let wrong_key = MigranError::BackupRefused {
        reason: BackupRefusal::WrongRecoveryKey,
    };
    assert_eq!(
        wrong_key.message(Locale::Id),
        "Cadangan ditolak: kunci pemulihan tidak cocok dengan cadangan ini."
    );
    assert_eq!(
        wrong_key.message(Locale::En),
        "Backup refused: the recovery key does not open this backup."
    );
}

#[derive(Debug, Clone)]
enum Op {
    Add {
        device: usize,
    },
    Edit {
        device: usize,
        person: usize,
    },
    Erase {
        device: usize,
        person: usize,
    },
    Case {
        device: usize,
        person: usize,
    },
    Visit {
        device: usize,
        person: usize,
    },
    Send {
        from: usize,
        to: usize,
        deliver: Delivery,
    },
    Tick {
        device: usize,
        minutes: i64,
    },
}

#[derive(Debug, Clone, Copy)]
enum Delivery {
    Now,
    Twice,
    Dropped,
    /// Kept and delivered after the next operations (out of order).
    Later,
}

const DEVICES: usize = 3;

fn op() -> impl Strategy<Value = Op> {
    let device = 0..DEVICES;
    let person = 0..5usize;
    prop_oneof![
        1 => device.clone().prop_map(|device| Op::Add { device }),
        4 => (device.clone(), person.clone()).prop_map(|(device, person)| Op::Edit { device, person }),
        1 => (device.clone(), person.clone()).prop_map(|(device, person)| Op::Erase { device, person }),
        1 => (device.clone(), person.clone()).prop_map(|(device, person)| Op::Case { device, person }),
        1 => (device.clone(), person.clone()).prop_map(|(device, person)| Op::Visit { device, person }),
        4 => (device.clone(), device.clone(), prop_oneof![
            Just(Delivery::Now), Just(Delivery::Twice), Just(Delivery::Dropped), Just(Delivery::Later)
        ]).prop_map(|(from, to, deliver)| Op::Send { from, to, deliver }),
        1 => (device, -3i64..10).prop_map(|(device, minutes)| Op::Tick { device, minutes }),
    ]
}

/// What the test knows of the edits of each person: each edit's name, and which edits
/// each device's current version descends from.
#[derive(Default)]
struct Model {
    persons: Vec<String>,
    /// Per device, per person, the edits (names) its version includes.
    known: Vec<BTreeMap<String, BTreeSet<String>>>,
    /// Per person, per edit, the edits it descends from.
    past: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    edits: u32,
}

impl Model {
    fn edit(&mut self, device: usize, person: &str, name: String) {
        let known = self.known[device].entry(person.to_string()).or_default();
        self.past
            .entry(person.to_string())
            .or_default()
            .insert(name.clone(), known.clone());
        known.insert(name);
    }

    fn received(&mut self, from: usize, to: usize) {
        let from_known = self.known[from].clone();
        for (person, edits) in from_known {
            self.known[to].entry(person).or_default().extend(edits);
        }
    }
}

fn run(ops: Vec<Op>) {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), DEVICES);
    let mut model = Model {
        known: vec![BTreeMap::new(); DEVICES],
        ..Model::default()
    };
    let mut later: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let name_of = |model: &mut Model| {
        model.edits += 1;
        format!("Warga Contoh E{}", model.edits)
    };
    // Persons are numbered by NIK (the index): every device writes the same NIK for one.
    let input = |name: &str, index: usize| fake_person(name, 100 + index as u32);
    // Three persons every device holds from the start, so that edits meet.
    for _ in 0..3 {
        let name = name_of(&mut model);
        let index = model.persons.len();
        let person = devices[0].vault.add_person(input(&name, index)).unwrap();
        model.persons.push(person.id.clone());
        model.edit(0, &person.id, name);
    }
    settle(&devices);
    for to in 1..DEVICES {
        model.received(0, to);
    }
    for op in ops {
        match op {
            Op::Add { device } => {
                let name = name_of(&mut model);
                let index = model.persons.len();
                let person = devices[device].vault.add_person(input(&name, index)).unwrap();
                model.persons.push(person.id.clone());
                model.edit(device, &person.id, name);
            }
            Op::Edit { device, person } => {
                let Some(id) = model.persons.get(person).cloned() else {
                    continue;
                };
                let name = name_of(&mut model);
                if devices[device]
                    .vault
                    .update_person(id.clone(), input(&name, person))
                    .is_ok()
                {
                    model.edit(device, &id, name);
                }
            }
            Op::Erase { device, person } => {
                let Some(id) = model.persons.get(person).cloned() else {
                    continue;
                };
                let _ = devices[device].vault.erase_person(id);
            }
            Op::Case { device, person } => {
                let Some(id) = model.persons.get(person).cloned() else {
                    continue;
                };
                if let Ok(case) = devices[device].vault.open_case(
                    id,
                    CaseInput {
                        case_type: CaseType::UnpaidWages,
                        description: "Gaji belum dibayar".into(),
                        reported_by: Reporter::Family,
                        reported_on: None,
                    },
                ) {
                    devices[device]
                        .vault
                        .add_case_note(case.id, "Catatan".into(), None)
                        .unwrap();
                }
            }
            Op::Visit { device, person } => {
                let Some(id) = model.persons.get(person).cloned() else {
                    continue;
                };
                let _ = devices[device].vault.add_visit(
                    id,
                    VisitInput {
                        date: "2027-01-04".into(),
                        cadre: Some("Kader Contoh".into()),
                        present: vec!["ibu".into()],
                        topics: vec![VisitTopic::SafeMigration],
                        observations: None,
                        follow_ups: vec![],
                        next_visit_on: None,
                    },
                );
            }
            Op::Send { from, to, deliver } => {
                if from == to {
                    continue;
                }
                let bundle = devices[from]
                    .vault
                    .sync_export(Some(devices[to].id.clone()))
                    .unwrap();
                match deliver {
                    Delivery::Dropped => {}
                    Delivery::Later => later.push((from, to, bundle)),
                    Delivery::Now | Delivery::Twice => {
                        deliver_bundle(&devices, &mut model, from, to, bundle.clone());
                        if matches!(deliver, Delivery::Twice) {
                            assert_eq!(
                                refusal(devices[to].vault.sync_import(bundle)),
                                SyncRefusal::Replayed
                            );
                        }
                    }
                }
                // Deliver one held-back bundle now: it may arrive after newer ones.
                if later.len() > 1 {
                    let (from, to, bundle) = later.remove(0);
                    deliver_bundle(&devices, &mut model, from, to, bundle);
                }
            }
            Op::Tick { device, minutes } => devices[device].clock.advance(Duration::minutes(minutes)),
        }
    }
    for (from, to, bundle) in later.drain(..) {
        deliver_bundle(&devices, &mut model, from, to, bundle);
    }
    settle(&devices);
    for (from, _) in devices.iter().enumerate() {
        for to in 0..DEVICES {
            model.received(from, to);
        }
    }

    // Every device holds the same register and lists the same conflicts.
    let register = devices[0].vault.sync_register_text().unwrap();
    let conflicts = devices[0].vault.list_conflicts().unwrap();
    for device in &devices[1..] {
        assert_eq!(device.vault.sync_register_text().unwrap(), register);
        assert_eq!(device.vault.list_conflicts().unwrap(), conflicts);
    }
    // No edit is lost: every edit no other edit descends from is the person's name now
    // or the losing side of a conflict about them.
    for id in &model.persons {
        let Ok(person) = devices[0].vault.get_person(id.clone()) else {
            continue;
        };
        let losing: BTreeSet<String> = conflicts
            .iter()
            .filter(|conflict| &conflict.person_id == id)
            .flat_map(|conflict| conflict.fields.iter())
            .filter(|field| field.field == "full_name")
            .filter_map(|field| field.losing.clone())
            .collect();
        let past = &model.past[id];
        for edit in past.keys() {
            let superseded = past.values().any(|ancestors| ancestors.contains(edit));
            if !superseded {
                assert!(
                    *edit == person.full_name || losing.contains(edit),
                    "edit {edit} of {id} lost (now {}, conflicts {losing:?})",
                    person.full_name
                );
            }
        }
    }
}

fn deliver_bundle(devices: &[Device], model: &mut Model, from: usize, to: usize, bundle: Vec<u8>) {
    match devices[to].vault.sync_import(bundle) {
        Ok(_) => model.received(from, to),
        Err(MigranError::SyncRefused {
            reason: SyncRefusal::Replayed | SyncRefusal::MissingEarlierChanges,
        }) => {}
        Err(other) => panic!("bundle {from} -> {to} failed: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn devices_exchanging_in_any_order_end_with_one_register_and_every_conflict(
        ops in proptest::collection::vec(op(), 5..50)
    ) {
        run(ops);
    }
}

/// The child side of the kill test: applies the bundle file named by the environment to
/// the vault folder named by it. Does nothing when run as an ordinary test.
#[test]
fn child_applies_a_bundle_when_asked() {
    let (Ok(dir), Ok(file)) = (
        std::env::var("MIGRAN_SYNC_CHILD_VAULT"),
        std::env::var("MIGRAN_SYNC_CHILD_BUNDLE"),
    ) else {
        return;
    };
    let vault = reopen(std::path::Path::new(&dir), TestClock::at(2027, 1, 5));
    vault.unlock(PIN.into()).unwrap();
    vault.sync_import(std::fs::read(file).unwrap()).unwrap();
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_process_killed_while_applying_a_bundle_leaves_the_vault_before_or_after_it() {
    let root = tempfile::tempdir().unwrap();
    let devices = team(root.path(), 2);
    devices[0]
        .vault
        .import_persons((0..3000).map(|n| fake_person("Warga Contoh", 1000 + n)).collect())
        .unwrap();
    let bundle = devices[0].vault.sync_export(Some(devices[1].id.clone())).unwrap();
    let file = root.path().join("big.bundle");
    std::fs::write(&file, &bundle).unwrap();
    let before = devices[1].vault.sync_register_text().unwrap();
    let after = devices[0].vault.sync_register_text().unwrap();
    let receiver_dir = devices[1].dir.clone();
    drop(devices);

    let spawn = |dir: &std::path::Path| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_applies_a_bundle_when_asked", "--test-threads=1"])
            .env("MIGRAN_SYNC_CHILD_VAULT", dir)
            .env("MIGRAN_SYNC_CHILD_BUNDLE", &file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole run takes here, so that the kills fall across it.
    let timed = root.path().join("timed");
    copy_dir(&receiver_dir, &timed);
    let started = std::time::Instant::now();
    assert!(spawn(&timed).wait().unwrap().success());
    let whole = started.elapsed();

    for (attempt, share) in [0.3, 0.5, 0.7, 0.85, 0.95].into_iter().enumerate() {
        let dir = root.path().join(format!("attempt{attempt}"));
        copy_dir(&receiver_dir, &dir);
        let mut child = spawn(&dir);
        std::thread::sleep(whole.mul_f64(share));
        // SIGKILL: no destructor, no lock, no flush runs.
        let _ = child.kill();
        child.wait().unwrap();
        let vault = reopen(&dir, TestClock::at(2027, 1, 5));
        vault.unlock(PIN.into()).unwrap();
        let register = vault.sync_register_text().unwrap();
        assert!(
            register == before || register == after,
            "attempt {attempt}: in between"
        );
        // Whatever the kill left, the bundle still applies, and cleanly.
        if register == before {
            vault.sync_import(bundle.clone()).unwrap();
        }
        assert_eq!(vault.sync_register_text().unwrap(), after);
    }
}
