//! Consent enforcement, the audit log, the person's export, and erasure of the links.
// Test code: a failed setup should panic with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use migran_core::{
    ActorInput, ActorRole, AuditAction, CaseInput, CaseType, ChecklistItemUpdate, ConsentInput,
    ConsentPurpose, ConsentState, ContactInput, DocumentInput, DocumentKind, ExportFormat, ItemState,
    JourneyInput, Locale, MigranError, NotAllowedReason, PageRequest, RecordKind, Relation, ReportRequest,
    Reporter, VisitInput, VisitTopic,
};
use support::*;

const MARKER: &str = "Wqjmarker";
const ALL: PageRequest = PageRequest {
    offset: 0,
    limit: 1000,
};

fn consent(purpose: ConsentPurpose, given: bool) -> ConsentInput {
    ConsentInput {
        purpose,
        given,
        date: None,
        note: None,
    }
}

fn cadre() -> ActorInput {
    ActorInput {
        name: "Kader Contoh".into(),
        role: ActorRole::Cadre,
    }
}

#[test]
fn registration_records_its_consent_and_a_withdrawal_stops_new_records() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 2, 1);
    let vault = new_vault(dir.path(), clock.clone());
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let states = vault.consents(siti.id.clone()).unwrap();
    assert_eq!(states[0].purpose, ConsentPurpose::Registration);
    assert_eq!(states[0].state, ConsentState::Given);
    assert_eq!(states[0].since.as_deref(), Some("2026-02-01"));
    assert!(states[1..].iter().all(|s| s.state == ConsentState::NotAsked));

    clock.advance(chrono::Duration::days(3));
    vault
        .record_consent(siti.id.clone(), consent(ConsentPurpose::Registration, false))
        .unwrap();
    let withdrawn = MigranError::NotAllowed {
        reason: NotAllowedReason::ConsentWithdrawn {
            purpose: ConsentPurpose::Registration,
        },
    };
    assert_eq!(
        vault
            .set_journey(siti.id.clone(), JourneyInput::default())
            .unwrap_err(),
        withdrawn
    );
    assert_eq!(
        vault
            .add_contact(
                siti.id.clone(),
                ContactInput {
                    name: "Ibu Contoh".into(),
                    relation: Relation::Parent,
                    phone: None,
                    address: None
                }
            )
            .unwrap_err(),
        withdrawn
    );
    let visit = VisitInput {
        date: "2026-02-04".into(),
        cadre: None,
        present: vec![],
        topics: vec![VisitTopic::SafeMigration],
        observations: None,
        follow_ups: vec![],
        next_visit_on: None,
    };
    assert_eq!(
        vault.add_visit(siti.id.clone(), visit.clone()).unwrap_err(),
        withdrawn
    );
    assert_eq!(
        vault
            .open_case(
                siti.id.clone(),
                CaseInput {
                    case_type: CaseType::Abuse,
                    description: "x".into(),
                    reported_by: Reporter::Family,
                    reported_on: None
                }
            )
            .unwrap_err(),
        withdrawn
    );
    assert_eq!(
        vault
            .set_checklist_item(
                siti.id.clone(),
                "ktp".into(),
                ChecklistItemUpdate {
                    state: ItemState::Done,
                    by: None,
                    note: None,
                    document_id: None
                },
                Locale::Id
            )
            .unwrap_err(),
        withdrawn
    );
    assert_eq!(
        vault
            .screen_person(siti.id.clone(), every_answer_yes())
            .unwrap_err(),
        withdrawn
    );
    assert!(
        vault.screening_history(siti.id.clone()).unwrap().is_empty(),
        "nothing stored"
    );
    let message = withdrawn.message(migran_core::Locale::Id);
    assert!(
        message.contains("menarik persetujuan untuk pendaftaran"),
        "{message}"
    );
    // Reading, exporting and erasing stay possible: they serve the person's rights.
    assert!(vault.get_person(siti.id.clone()).is_ok());
    assert!(vault.export_person(siti.id.clone()).is_ok());
    // Given again: work resumes; the history keeps all three changes.
    vault
        .record_consent(siti.id.clone(), consent(ConsentPurpose::Registration, true))
        .unwrap();
    vault.add_visit(siti.id.clone(), visit).unwrap();
    let history = vault.consent_history(siti.id.clone()).unwrap();
    assert_eq!(
        history.iter().map(|c| c.given).collect::<Vec<_>>(),
        vec![true, false, true]
    );
    // A consent cannot be dated in the future.
    let mut future = consent(ConsentPurpose::Reporting, true);
    future.date = Some("2026-03-01".into());
    assert!(matches!(
        vault.record_consent(siti.id, future),
        Err(MigranError::Invalid { field, .. }) if field == "date"
    ));
}

#[test]
fn only_people_with_reporting_consent_are_broken_down_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    let siti = vault.add_person(fake_person("Siti Contoh", 2)).unwrap();
    let budi = vault.add_person(fake_person("Budi Contoh", 1)).unwrap();
    vault
        .record_consent(siti.id.clone(), consent(ConsentPurpose::Reporting, true))
        .unwrap();
    let report = vault.village_report(ReportRequest::default()).unwrap();
    assert_eq!((report.people_counted, report.people_not_counted), (1, 1));
    assert_eq!(report.by_sex[0].key, "female");
    assert_eq!(report.by_sex[0].count, 1);
    vault
        .record_consent(budi.id.clone(), consent(ConsentPurpose::Reporting, true))
        .unwrap();
    vault
        .record_consent(siti.id.clone(), consent(ConsentPurpose::Reporting, false))
        .unwrap();
    let report = vault.village_report(ReportRequest::default()).unwrap();
    assert_eq!((report.people_counted, report.people_not_counted), (1, 1));
    assert_eq!(report.by_sex[1].key, "male");
    assert_eq!(report.by_sex[1].count, 1);

    // Another purpose given after the withdrawal does not count as reporting consent
    // (found by mutation testing: each purpose keeps its own state).
    vault
        .record_consent(siti.id, consent(ConsentPurpose::ShareWithFamily, true))
        .unwrap();
    let report = vault.village_report(ReportRequest::default()).unwrap();
    assert_eq!((report.people_counted, report.people_not_counted), (1, 1));
}

/// A consent record names who recorded it, as it is read back (found by mutation
/// testing: no test read `recorded_by`).
#[test]
fn a_consent_record_names_who_recorded_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    vault.set_actor(cadre()).unwrap();
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let record = vault
        .record_consent(siti.id.clone(), consent(ConsentPurpose::Reporting, true))
        .unwrap();
    let cadre = Some(migran_core::Actor {
        name: "Kader Contoh".into(),
        role: ActorRole::Cadre,
    });
    assert_eq!(record.recorded_by, cadre);
    let history = vault.consent_history(siti.id).unwrap();
    assert!(history.iter().all(|r| r.recorded_by == cadre), "{history:?}");
}

/// What the cadre reads to the person before recording a consent: one text per purpose,
/// in Bahasa Indonesia and in English (found by mutation testing: no test read it).
#[test]
fn each_consent_purpose_has_its_own_text_in_both_languages() {
    let purposes = [
        ConsentPurpose::Registration,
        ConsentPurpose::ShareWithFamily,
        ConsentPurpose::ShareWithAgencies,
        ConsentPurpose::Reporting,
    ];
    let mut texts = std::collections::HashSet::new();
    for purpose in purposes {
        let (id, en) = (
            migran_core::consent_text(purpose, Locale::Id),
            migran_core::consent_text(purpose, Locale::En),
        );
        assert!(id.len() > 40 && en.len() > 40 && id != en, "{purpose:?}");
        texts.insert(id);
        texts.insert(en);
    }
    assert_eq!(texts.len(), 2 * purposes.len());
    assert!(migran_core::consent_text(ConsentPurpose::Registration, Locale::Id).contains("NIK"));
    assert!(migran_core::consent_text(ConsentPurpose::Registration, Locale::En).contains("erase"));
}

#[test]
fn every_access_to_personal_data_is_in_the_audit_log_with_who_and_no_value() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    vault.set_actor(cadre()).unwrap();
    let mut input = fake_person(&format!("Siti {MARKER}"), 1);
    input.address = Some(format!("Jalan {MARKER}"));
    let siti = vault.add_person(input).unwrap();
    vault.get_person(siti.id.clone()).unwrap();
    vault.search_persons(MARKER.into(), 10).unwrap();
    vault
        .find_persons(migran_core::Lookup::Nik {
            nik: siti.nik.clone(),
        })
        .unwrap();
    vault.list_persons(ALL, false).unwrap();
    vault
        .add_contact(
            siti.id.clone(),
            ContactInput {
                name: format!("Ibu {MARKER}"),
                relation: Relation::Parent,
                phone: Some("081211112222".into()),
                address: None,
            },
        )
        .unwrap();
    let case = vault
        .open_case(
            siti.id.clone(),
            CaseInput {
                case_type: CaseType::TraffickingSuspicion,
                description: format!("Uraian {MARKER}"),
                reported_by: Reporter::Migrant,
                reported_on: None,
            },
        )
        .unwrap();
    vault.get_case(case.id.clone()).unwrap();
    vault.village_report(ReportRequest::default()).unwrap();
    vault.checklist(siti.id.clone(), Locale::Id).unwrap();
    vault
        .set_checklist_item(
            siti.id.clone(),
            "ktp".into(),
            ChecklistItemUpdate {
                state: ItemState::Done,
                by: Some(format!("Kader {MARKER}")),
                note: Some(format!("Catatan {MARKER}")),
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
    vault.screen_person(siti.id.clone(), every_answer_yes()).unwrap();
    vault.screening_history(siti.id.clone()).unwrap();
    let follow_up = vault.list_follow_ups(siti.id.clone()).unwrap().remove(0);
    vault.complete_follow_up(follow_up.id).unwrap();

    let about_siti = vault.audit_log(audit_query(Some(siti.id.clone()))).unwrap();
    let actions: Vec<(AuditAction, RecordKind)> =
        about_siti.items.iter().map(|e| (e.action, e.kind)).collect();
    for wanted in [
        (AuditAction::Create, RecordKind::Person),
        (AuditAction::Create, RecordKind::Consent),
        (AuditAction::Read, RecordKind::Person),
        (AuditAction::Search, RecordKind::Person),
        (AuditAction::Create, RecordKind::Contact),
        (AuditAction::Create, RecordKind::Case),
        (AuditAction::Read, RecordKind::Case),
        (AuditAction::Read, RecordKind::Checklist),
        (AuditAction::Update, RecordKind::Checklist),
        (AuditAction::Create, RecordKind::Screening),
        (AuditAction::Create, RecordKind::ScreeningFollowUp),
        (AuditAction::List, RecordKind::Screening),
        (AuditAction::List, RecordKind::ScreeningFollowUp),
        (AuditAction::Update, RecordKind::ScreeningFollowUp),
    ] {
        assert!(actions.contains(&wanted), "{wanted:?} missing from {actions:?}");
    }
    assert!(about_siti
        .items
        .iter()
        .all(|e| e.actor.as_ref().map(|a| a.name.as_str()) == Some("Kader Contoh")));
    let everything = vault.audit_log(audit_query(None)).unwrap();
    assert!(everything.total > about_siti.total);
    assert!(everything
        .items
        .iter()
        .any(|e| e.action == AuditAction::Report && e.person_id.is_none()));

    // No value in any view of the log.
    let json = vault.export_audit_log(None, None, ExportFormat::Json).unwrap();
    let csv = vault.export_audit_log(None, None, ExportFormat::Csv).unwrap();
    for text in [&json, &csv, &format!("{everything:?}")] {
        for secret in [MARKER, siti.nik.as_str(), "6281211112222", "Trafficking"] {
            assert!(!text.contains(secret), "{secret} in the audit log");
        }
    }
    // The scan can fail: the actor (who) is there, and Siti's record id.
    assert!(csv.contains("Kader Contoh") && csv.contains(&siti.id));
    assert!(
        csv.starts_with("at,actor_role,actor_name,action,kind,record_id,person_id,count,subject_erased\r\n")
    );
    // Nor in the files: the actor's name is sealed too.
    drop(vault);
    for secret in [MARKER, "Kader Contoh"] {
        assert_eq!(
            files_containing(dir.path(), secret),
            Vec::<String>::new(),
            "{secret}"
        );
    }
}

#[test]
fn the_actor_is_forgotten_on_lock_and_needs_an_unlocked_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    vault.set_actor(cadre()).unwrap();
    assert_eq!(vault.current_actor().unwrap().unwrap().role, ActorRole::Cadre);
    vault.lock();
    assert_eq!(vault.current_actor().unwrap(), None);
    assert_eq!(vault.set_actor(cadre()), Err(MigranError::Locked));
    vault.unlock(PIN.into()).unwrap();
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let entries = vault.audit_log(audit_query(Some(siti.id))).unwrap().items;
    assert!(
        entries.iter().all(|e| e.actor.is_none()),
        "no actor set after unlock"
    );
}

#[test]
fn the_export_holds_everything_about_one_person_and_nobody_else() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let budi = vault.add_person(fake_person("Budi Lainnya", 2)).unwrap();
    vault
        .add_contact(
            siti.id.clone(),
            ContactInput {
                name: "Ibu Siti".into(),
                relation: Relation::Parent,
                phone: None,
                address: None,
            },
        )
        .unwrap();
    vault
        .open_case(
            siti.id.clone(),
            CaseInput {
                case_type: CaseType::UnpaidWages,
                description: "Gaji belum dibayar".into(),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    vault.screen_person(siti.id.clone(), every_answer_yes()).unwrap();
    vault.screen_person(budi.id.clone(), every_answer_yes()).unwrap();
    let export = vault.export_person(siti.id.clone()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(value["format"], "migran-person-export/1");
    assert_eq!(value["person"]["full_name"], "Siti Contoh");
    assert_eq!(value["contacts"][0]["name"], "Ibu Siti");
    assert_eq!(value["cases"][0]["case"]["description"], "Gaji belum dibayar");
    assert_eq!(value["cases"][0]["timeline"][0]["change"], "opened");
    assert_eq!(value["consents"][0]["purpose"], "registration");
    assert!(value["audit"].as_array().unwrap().len() >= 3);
    // The checklist (every applicable item, none done yet) and the screening with its
    // follow-up.
    let items = value["checklist"]["items"].as_array().unwrap();
    assert!(items.len() > 10);
    assert!(items
        .iter()
        .any(|i| i["id"] == "ktp" && i["state"] == "not_started"));
    assert_eq!(value["screening"]["screenings"][0]["screened_by"], "Kader Contoh");
    assert_eq!(
        value["screening"]["screenings"][0]["answers"]
            .as_array()
            .unwrap()
            .len(),
        13,
        "every question of the catalogue"
    );
    assert_eq!(value["screening"]["follow_ups"][0]["kind"], "screening");
    assert!(!export.contains("Budi") && !export.contains(&budi.id));
    assert_eq!(
        vault.export_person("nobody".into()).unwrap_err(),
        MigranError::NotFound {
            kind: RecordKind::Person
        }
    );
}

#[test]
fn erasure_leaves_audit_entries_that_no_longer_point_at_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    vault.set_actor(cadre()).unwrap();
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let budi = vault.add_person(fake_person("Budi Contoh", 2)).unwrap();
    vault.get_person(siti.id.clone()).unwrap();
    vault.get_person(budi.id.clone()).unwrap();
    let case = vault
        .open_case(
            siti.id.clone(),
            CaseInput {
                case_type: CaseType::Abuse,
                description: "x".into(),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    let before = vault.audit_log(audit_query(None)).unwrap().total;
    vault.erase_person(siti.id.clone()).unwrap();

    let entries = vault.audit_log(audit_query(None)).unwrap().items;
    assert!(
        entries.len() as u32 > before,
        "entries are kept, and the erasure added"
    );
    assert!(entries
        .iter()
        .any(|e| e.action == AuditAction::Erase && e.person_id.is_none()));
    let anonymised = entries.iter().filter(|e| e.subject_erased).count();
    assert!(anonymised >= 4, "{anonymised}");
    let listing = format!("{entries:?}");
    assert!(!listing.contains(&siti.id) && !listing.contains(&case.id));
    assert!(listing.contains(&budi.id), "other people's entries are untouched");
    assert!(vault
        .audit_log(audit_query(Some(siti.id.clone())))
        .unwrap()
        .items
        .is_empty());
    // Not in the files either (the WAL was emptied by the erasure).
    assert_eq!(files_containing(dir.path(), &siti.id), Vec::<String>::new());
    assert_eq!(files_containing(dir.path(), &case.id), Vec::<String>::new());
}

/// A consent may be dated up to today somewhere on Earth (UTC+14), not a day later: a
/// form signed in Kiribati's morning is not refused in Jakarta's (found by mutation
/// testing: no test sat on that line).
#[test]
fn a_consent_may_be_dated_today_anywhere_on_earth_and_not_after() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(2026, 11, 28); // 09:00 UTC: 23:00 at UTC+14
    let vault = new_vault(dir.path(), clock.clone());
    let person = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let dated = |date: &str| ConsentInput {
        date: Some(date.into()),
        ..consent(ConsentPurpose::ShareWithFamily, true)
    };
    let out_of_range = Some(MigranError::Invalid {
        field: "date".into(),
        reason: migran_core::InvalidReason::OutOfRange,
    });
    assert!(vault
        .record_consent(person.id.clone(), dated("2026-11-28"))
        .is_ok());
    assert_eq!(
        vault.record_consent(person.id.clone(), dated("2026-11-29")).err(),
        out_of_range
    );
    clock.advance(chrono::Duration::hours(1)); // 10:00 UTC: midnight at UTC+14
    assert!(vault
        .record_consent(person.id.clone(), dated("2026-11-29"))
        .is_ok());
    assert_eq!(
        vault.record_consent(person.id, dated("2026-11-30")).err(),
        out_of_range
    );
}

/// A person's contacts and documents are audited under their own kind, each entry naming
/// the record (or, for a list, how many): added, listed, removed. Each removal empties
/// the WAL, so no copy of the removed record stays in the log.
#[test]
fn contacts_and_documents_are_audited_under_their_own_kind() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), TestClock::at(2026, 2, 1));
    let siti = vault.add_person(fake_person("Siti Contoh", 1)).unwrap();
    let mother = vault
        .add_contact(
            siti.id.clone(),
            ContactInput {
                name: "Ibu Contoh".into(),
                relation: Relation::Parent,
                phone: None,
                address: None,
            },
        )
        .unwrap();
    let ktp = vault
        .add_document(
            siti.id.clone(),
            DocumentInput {
                kind: DocumentKind::Ktp,
                number: "3201000000000001".into(),
                issued_on: None,
                expires_on: None,
            },
        )
        .unwrap();
    assert_eq!(
        vault.list_contacts(siti.id.clone()).unwrap(),
        vec![mother.clone()]
    );
    assert_eq!(vault.list_documents(siti.id.clone()).unwrap(), vec![ktp.clone()]);
    vault.remove_contact(mother.id.clone()).unwrap();
    assert_eq!(
        std::fs::metadata(dir.path().join("vault.db-wal")).unwrap().len(),
        0
    );
    vault.remove_document(ktp.id.clone()).unwrap();
    assert_eq!(
        std::fs::metadata(dir.path().join("vault.db-wal")).unwrap().len(),
        0
    );

    let trail: Vec<_> = vault
        .audit_log(audit_query(Some(siti.id.clone())))
        .unwrap()
        .items
        .into_iter()
        .filter(|entry| matches!(entry.kind, RecordKind::Contact | RecordKind::Document))
        .map(|entry| (entry.action, entry.kind, entry.record_id, entry.count))
        .collect();
    assert_eq!(
        trail,
        vec![
            (
                AuditAction::Create,
                RecordKind::Contact,
                Some(mother.id.clone()),
                None
            ),
            (
                AuditAction::Create,
                RecordKind::Document,
                Some(ktp.id.clone()),
                None
            ),
            (AuditAction::List, RecordKind::Contact, None, Some(1)),
            (AuditAction::List, RecordKind::Document, None, Some(1)),
            (AuditAction::Delete, RecordKind::Contact, Some(mother.id), None),
            (AuditAction::Delete, RecordKind::Document, Some(ktp.id), None),
        ]
    );
}
