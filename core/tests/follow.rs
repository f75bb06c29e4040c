//! Follow links through the public API (docs/follow.md): the migrant's and the family's
//! own phones linked to a cadre's team for one person, views, events, the agenda, ending
//! a link, and what a follower can never receive.

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;

use chrono::Duration;
use migran_core::{
    AgendaKind, AgendaRequest, CardContact, CardContactRole, CaseInput, CaseType, ChecklistItemUpdate,
    ConsentPurpose, ContactInput, DeviceRole, DocumentInput, DocumentKind, EmergencyKind, FollowKind,
    ItemState, JourneyInput, LinkEndReason, Locale, MigranError, Relation, Reporter, SyncRefusal, TeamRole,
    Vault,
};
use support::*;

/// Markers planted where no follower may ever see them.
const NOTE_MARKER: &str = "CATATANRAHASIA7731";
const SCREENER_MARKER: &str = "PENAPISRAHASIA7732";
const OTHER_PERSON_MARKER: &str = "ORANGLAIN7733";
const SITI_NIK: &str = "3201000000000001";
const CHECKLIST_NOTE_MARKER: &str = "NOTEBUTIR7734";

fn done(vault: &Vault, person_id: &str, item: &str, note: Option<&str>) {
    vault
        .set_checklist_item(
            person_id.to_string(),
            item.to_string(),
            ChecklistItemUpdate {
                state: ItemState::Done,
                by: Some("Kader Contoh".into()),
                note: note.map(str::to_string),
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
}

/// A cadre's phone in a team of its own, with Siti registered (journey to Malaysia, a
/// passport, her mother's phone, consent to share with family), a case note and a
/// screening planted with markers, and another person.
fn cadre_with_siti(root: &Path) -> (Phone, String) {
    let cadre = phone(root, "cadre");
    cadre.vault.team_create(TeamRole::Cadre).unwrap();
    let mut input = fake_person("Siti Contoh", 1);
    input.nik = SITI_NIK.into();
    let siti = cadre.vault.add_person(input).unwrap().id;
    cadre
        .vault
        .set_journey(
            siti.clone(),
            JourneyInput {
                phase: None,
                destination_country: Some("MY".into()),
                sector: None,
                employer_name: Some("Keluarga Contoh".into()),
                employer_address: Some("Jalan Contoh 2".into()),
                agency_name: None,
                agency_licence: None,
                departure_date: Some("2027-03-01".into()),
                contract_end_date: None,
            },
        )
        .unwrap();
    cadre
        .vault
        .add_document(
            siti.clone(),
            DocumentInput {
                kind: DocumentKind::Passport,
                number: "C0000001".into(),
                issued_on: None,
                expires_on: Some("2031-01-01".into()),
            },
        )
        .unwrap();
    cadre
        .vault
        .add_contact(
            siti.clone(),
            ContactInput {
                name: "Ibu Contoh".into(),
                relation: Relation::Mother,
                phone: Some("081299990001".into()),
                address: None,
            },
        )
        .unwrap();
    record_consent(&cadre.vault, &siti, ConsentPurpose::ShareWithFamily, true);
    cadre
        .vault
        .open_case(
            siti.clone(),
            CaseInput {
                case_type: CaseType::TraffickingSuspicion,
                description: format!("Disekap majikan {NOTE_MARKER}"),
                reported_by: Reporter::Family,
                reported_on: None,
            },
        )
        .unwrap();
    let mut screening = every_answer_yes();
    screening.screened_by = format!("Kader {SCREENER_MARKER}");
    cadre.vault.screen_person(siti.clone(), screening).unwrap();
    cadre
        .vault
        .add_person(fake_person(&format!("Budi {OTHER_PERSON_MARKER}"), 2))
        .unwrap();
    (cadre, siti)
}

fn cadre_contact() -> Option<CardContact> {
    Some(CardContact {
        name: "Kader Contoh".into(),
        phone: "081299990002".into(),
        role: CardContactRole::Cadre,
    })
}

/// Links `follower` to Siti, checking both fingerprints and the first view's number.
fn link(cadre: &Phone, siti: &str, follower: &Phone, kind: FollowKind) -> String {
    let request = follower.vault.follow_request().unwrap();
    assert_eq!(
        migran_core::follow_request_fingerprint(request.text).unwrap(),
        request.fingerprint
    );
    let link_id = link_phone(&cadre.vault, siti, &follower.vault, kind, cadre_contact());
    let followed = follower.vault.followed_link().unwrap();
    assert_eq!(followed.view_number, 1);
    assert_eq!(
        followed.team_fingerprint,
        cadre.vault.sync_status().unwrap().team.unwrap().fingerprint
    );
    link_id
}

#[test]
fn the_journey_from_registration_to_an_acknowledged_alert() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let siti_phone = phone(root.path(), "siti");
    let family_phone = phone(root.path(), "family");
    siti_phone.vault.set_device_role(DeviceRole::Migrant).unwrap();
    family_phone.vault.set_device_role(DeviceRole::Family).unwrap();

    // Siti's phone imports her package once: her card is on the button at once.
    let siti_link = link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    let card = siti_phone.vault.emergency_card().unwrap().unwrap();
    assert_eq!(card.full_name, "Siti Contoh");
    assert_eq!(card.country, "MY");
    assert_eq!(card.passport_number.as_deref(), Some("C0000001"));
    let roles: Vec<_> = card.contacts.iter().map(|c| c.role).collect();
    assert_eq!(roles, [CardContactRole::Family, CardContactRole::Cadre]);
    // Her own change to the card stays until the team changes the card.
    let mut own = card.clone();
    own.city = Some("Kota Contoh".into());
    siti_phone.vault.set_emergency_card(own.clone()).unwrap();
    let view = cadre.vault.follow_view_export(siti_link.clone()).unwrap();
    siti_phone.vault.follow_view_import(view).unwrap();
    assert_eq!(siti_phone.vault.emergency_card().unwrap(), Some(own));
    // The cadre adds a family phone: the team's card changed, so it replaces hers.
    cadre
        .vault
        .add_contact(
            siti.clone(),
            ContactInput {
                name: "Ayah Contoh".into(),
                relation: Relation::Father,
                phone: Some("081299990003".into()),
                address: None,
            },
        )
        .unwrap();
    let view = cadre.vault.follow_view_export(siti_link.clone()).unwrap();
    siti_phone.vault.follow_view_import(view).unwrap();
    let card = siti_phone.vault.emergency_card().unwrap().unwrap();
    assert_eq!(card.contacts.len(), 3);
    assert_eq!(card.city, None);
    let migrant_view = siti_phone.vault.followed_migrant_view(Locale::En).unwrap();
    assert_eq!(migrant_view.departure_date.as_deref(), Some("2027-03-01"));
    assert_eq!(migrant_view.checklist.first_name, "Siti");

    // Her family's phone links; the cadre ticks an item; after sync the family sees it.
    let family_link = link(&cadre, &siti, &family_phone, FollowKind::Family);
    let before = family_phone.vault.followed_family_view(Locale::Id).unwrap();
    done(&cadre.vault, &siti, "ktp", None);
    let view = cadre.vault.follow_view_export(family_link.clone()).unwrap();
    let after = family_phone.vault.follow_view_import(view).unwrap();
    assert_eq!(after.view_number, 2);
    let family_view = family_phone.vault.followed_family_view(Locale::Id).unwrap();
    assert_eq!(family_view.checklist.done, before.checklist.done + 1);
    assert_eq!(family_view.alerts, []);

    // Abroad, Siti presses the button; after sync the alert leads the cadre's agenda.
    siti_phone.clock.advance(Duration::days(40));
    cadre.clock.advance(Duration::days(40));
    let alert = siti_phone
        .vault
        .trigger_emergency(EmergencyKind::HeldAgainstWill, None, None, Locale::Id)
        .unwrap();
    let events = siti_phone.vault.follow_events_export().unwrap();
    let report = cadre.vault.follow_events_import(events).unwrap();
    assert_eq!((report.new_alerts, report.updated), (1, 0));
    let agenda = cadre
        .vault
        .agenda(AgendaRequest {
            on: None,
            look_ahead_days: 0,
        })
        .unwrap();
    let first = &agenda.items[0];
    assert_eq!(first.kind, AgendaKind::MigrantAlert);
    assert_eq!(first.record_id.as_deref(), Some(alert.id.as_str()));
    assert_eq!(first.person_id, siti);
    assert!(first.text.id.contains("DARURAT"), "{}", first.text.id);

    // The family is told an alert was raised, not what it said.
    let view = cadre.vault.follow_view_export(family_link.clone()).unwrap();
    family_phone.vault.follow_view_import(view).unwrap();
    let notices = family_phone
        .vault
        .followed_family_view(Locale::Id)
        .unwrap()
        .alerts;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, EmergencyKind::HeldAgainstWill);
    assert!(!notices[0].acknowledged);

    // The cadre acknowledges; Siti's outbox shows it after the next view.
    cadre
        .vault
        .acknowledge_follow_alert(alert.id.clone(), "Kader Contoh".into())
        .unwrap();
    let agenda = cadre
        .vault
        .agenda(AgendaRequest {
            on: None,
            look_ahead_days: 0,
        })
        .unwrap();
    assert!(agenda
        .items
        .iter()
        .all(|item| item.kind != AgendaKind::MigrantAlert));
    let view = cadre.vault.follow_view_export(family_link).unwrap();
    family_phone.vault.follow_view_import(view).unwrap();
    let notices = family_phone
        .vault
        .followed_family_view(Locale::Id)
        .unwrap()
        .alerts;
    assert!(notices[0].acknowledged);
    let view = cadre.vault.follow_view_export(siti_link).unwrap();
    siti_phone.vault.follow_view_import(view).unwrap();
    let outbox = siti_phone.vault.emergency_log().unwrap();
    assert_eq!(outbox[0].id, alert.id);
    assert_eq!(outbox[0].acknowledged_by.as_deref(), Some("Kader Contoh"));
    let acks = siti_phone
        .vault
        .followed_migrant_view(Locale::Id)
        .unwrap()
        .acknowledgements;
    assert_eq!(acks.len(), 1);
}

#[test]
fn a_missed_check_in_reaches_the_agenda_as_one() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let siti_phone = phone(root.path(), "siti");
    link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    siti_phone
        .vault
        .set_check_in(migran_core::CheckInRequest {
            schedule: migran_core::CheckInSchedule::Every { minutes: 60 },
            grace_minutes: 15,
            kind: EmergencyKind::Other,
        })
        .unwrap();
    siti_phone.clock.advance(Duration::minutes(90));
    let poll = siti_phone.vault.poll_check_in(None, Locale::Id).unwrap();
    let queued = poll.queued.unwrap();
    let events = siti_phone.vault.follow_events_export().unwrap();
    cadre.vault.follow_events_import(events).unwrap();
    let alerts = cadre.vault.follow_alerts(Some(siti.clone())).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].alert_id, queued.id);
    assert!(alerts[0].missed_check_in);
    let agenda = cadre
        .vault
        .agenda(AgendaRequest {
            on: None,
            look_ahead_days: 0,
        })
        .unwrap();
    assert_eq!(agenda.items[0].kind, AgendaKind::MissedCheckIn);
}

/// Every value a follower received, decrypted, holds none of the markers: not the case
/// note, the screener, another person, the NIK or a checklist item's note.
#[test]
fn a_follower_receives_nothing_outside_its_view() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    done(&cadre.vault, &siti, "ktp", Some(CHECKLIST_NOTE_MARKER));
    for (name, kind) in [("family", FollowKind::Family), ("migrant", FollowKind::Migrant)] {
        let follower = phone(root.path(), name);
        let link_id = link(&cadre, &siti, &follower, kind);
        let view = cadre.vault.follow_view_export(link_id).unwrap();
        let wire = String::from_utf8_lossy(&view).to_string();
        follower.vault.follow_view_import(view).unwrap();
        let received = follower.vault.followed_view_text().unwrap();
        assert!(received.contains("Siti"), "the view is really there: {received}");
        for marker in [
            NOTE_MARKER,
            SCREENER_MARKER,
            OTHER_PERSON_MARKER,
            SITI_NIK,
            CHECKLIST_NOTE_MARKER,
        ] {
            assert!(!received.contains(marker), "{name} received {marker}");
            assert!(!wire.contains(marker), "{name}'s file shows {marker}");
        }
        // The family also never gets the passport, the employer or a phone number.
        if kind == FollowKind::Family {
            for private in ["C0000001", "Jalan Contoh", "+62812"] {
                assert!(!received.contains(private), "family received {private}");
            }
        }
        // Nothing of the view lies in the follower's files in the clear either.
        follower.vault.lock();
        assert_eq!(
            files_containing(&root.path().join(name), "Siti"),
            Vec::<String>::new()
        );
    }
}

#[test]
fn withdrawing_consent_ends_every_family_link_and_nothing_more_is_delivered() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let family_phone = phone(root.path(), "family");
    let migrant_phone = phone(root.path(), "siti");
    let family_link = link(&cadre, &siti, &family_phone, FollowKind::Family);
    let migrant_link = link(&cadre, &siti, &migrant_phone, FollowKind::Migrant);
    // Giving this consent again, or withdrawing another one, ends nothing.
    record_consent(&cadre.vault, &siti, ConsentPurpose::ShareWithFamily, true);
    record_consent(&cadre.vault, &siti, ConsentPurpose::ShareWithAgencies, false);
    cadre.vault.follow_view_export(family_link.clone()).unwrap();
    record_consent(&cadre.vault, &siti, ConsentPurpose::ShareWithFamily, false);
    assert_eq!(
        sync_refusal(cadre.vault.follow_view_export(family_link.clone())),
        SyncRefusal::LinkEnded
    );
    let links = cadre.vault.follow_links(siti.clone()).unwrap();
    let family = links.iter().find(|l| l.link_id == family_link).unwrap();
    assert_eq!(family.end_reason, Some(LinkEndReason::ConsentWithdrawn));
    assert!(family.ended_at.is_some());
    // The migrant's own link does not hang on sharing with family.
    let migrant = links.iter().find(|l| l.link_id == migrant_link).unwrap();
    assert_eq!(migrant.ended_at, None);
    cadre.vault.follow_view_export(migrant_link).unwrap();
    // The end is in the audit log, and a family link cannot be made again without consent.
    let request = phone(root.path(), "family2").vault.follow_request().unwrap();
    let again = cadre
        .vault
        .follow_link(siti, FollowKind::Family, request.text, None);
    assert!(matches!(again, Err(MigranError::NotAllowed { .. })), "{again:?}");
}

#[test]
fn an_ended_link_refuses_the_migrants_events_and_a_lost_phone_is_ended_by_hand() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let siti_phone = phone(root.path(), "siti");
    let link_id = link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    siti_phone
        .vault
        .trigger_emergency(EmergencyKind::Medical, None, None, Locale::Id)
        .unwrap();
    let events = siti_phone.vault.follow_events_export().unwrap();
    let ended = cadre
        .vault
        .end_follow_link(link_id.clone(), LinkEndReason::PhoneLost)
        .unwrap();
    assert_eq!(ended.end_reason, Some(LinkEndReason::PhoneLost));
    assert_eq!(
        sync_refusal(cadre.vault.follow_events_import(events)),
        SyncRefusal::LinkEnded
    );
    assert_eq!(cadre.vault.follow_alerts(None).unwrap(), []);
    assert_eq!(
        sync_refusal(cadre.vault.follow_view_export(link_id)),
        SyncRefusal::LinkEnded
    );
}

#[test]
fn old_altered_or_foreign_files_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let family_phone = phone(root.path(), "family");
    let other_phone = phone(root.path(), "other");
    let family_link = link(&cadre, &siti, &family_phone, FollowKind::Family);
    let second = cadre.vault.follow_view_export(family_link.clone()).unwrap();
    let third = cadre.vault.follow_view_export(family_link).unwrap();
    family_phone.vault.follow_view_import(third.clone()).unwrap();
    // The same view twice.
    assert_eq!(
        sync_refusal(family_phone.vault.follow_view_import(third)),
        SyncRefusal::Replayed
    );
    // An older view after a newer one.
    assert_eq!(
        sync_refusal(family_phone.vault.follow_view_import(second.clone())),
        SyncRefusal::Replayed
    );
    // A view for another phone's link.
    link(&cadre, &siti, &other_phone, FollowKind::Family);
    assert_eq!(
        sync_refusal(other_phone.vault.follow_view_import(second.clone())),
        SyncRefusal::NotForThisDevice
    );
    // A byte changed in the sealed payload.
    let mut altered = String::from_utf8(second).unwrap();
    let at = altered.find("\"sealed\":\"").unwrap() + 12;
    let flipped = if &altered[at..=at] == "0" { "1" } else { "0" };
    altered.replace_range(at..=at, flipped);
    let fresh = phone(root.path(), "fresh");
    let request = fresh.vault.follow_request().unwrap();
    let package = cadre
        .vault
        .follow_link(siti.clone(), FollowKind::Family, request.text, None)
        .unwrap();
    // A package made for another phone.
    assert_eq!(
        sync_refusal(
            phone(root.path(), "thief")
                .vault
                .follow_accept(package.text.clone())
        ),
        SyncRefusal::NotForThisDevice
    );
    fresh.vault.follow_accept(package.text).unwrap();
    assert_eq!(
        sync_refusal(family_phone.vault.follow_view_import(altered.into_bytes())),
        SyncRefusal::Tampered
    );
    // A migrant's events file replayed.
    let siti_phone = phone(root.path(), "siti");
    link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    let events = siti_phone.vault.follow_events_export().unwrap();
    cadre.vault.follow_events_import(events.clone()).unwrap();
    assert_eq!(
        sync_refusal(cadre.vault.follow_events_import(events)),
        SyncRefusal::Replayed
    );
    // Garbage.
    assert_eq!(
        sync_refusal(family_phone.vault.follow_view_import(b"not a view".to_vec())),
        SyncRefusal::Format
    );
    assert_eq!(
        sync_refusal(phone(root.path(), "blank").vault.follow_accept("MEK1AAAA".into())),
        SyncRefusal::Format
    );
}

#[test]
fn roles_shape_what_a_device_may_do() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    assert_eq!(cadre.vault.device_role().unwrap(), Some(DeviceRole::Cadre));
    // A team member follows nobody, and cannot take a follower's role.
    assert_eq!(
        sync_refusal(cadre.vault.follow_request()),
        SyncRefusal::AlreadyInTeam
    );
    assert!(cadre.vault.set_device_role(DeviceRole::Family).is_err());
    let fresh = phone(root.path(), "fresh");
    assert_eq!(fresh.vault.device_role().unwrap(), None);
    assert_eq!(
        sync_refusal(fresh.vault.followed_link()),
        SyncRefusal::NotFollowing
    );
    // A phone set up for the family refuses a migrant's package.
    fresh.vault.set_device_role(DeviceRole::Family).unwrap();
    let request = fresh.vault.follow_request().unwrap();
    let package = cadre
        .vault
        .follow_link(siti.clone(), FollowKind::Migrant, request.text, None)
        .unwrap();
    assert_eq!(
        sync_refusal(fresh.vault.follow_accept(package.text)),
        SyncRefusal::WrongLinkKind
    );
    // A family phone sends no events and has no migrant view.
    link(&cadre, &siti, &fresh, FollowKind::Family);
    assert_eq!(
        sync_refusal(fresh.vault.follow_events_export()),
        SyncRefusal::WrongLinkKind
    );
    assert_eq!(
        sync_refusal(fresh.vault.followed_migrant_view(Locale::Id)),
        SyncRefusal::WrongLinkKind
    );
    assert_eq!(
        sync_refusal(fresh.vault.follow_request()),
        SyncRefusal::AlreadyFollowing
    );
    // Nor does a following phone join or make a team: it would hold every record.
    assert_eq!(
        sync_refusal(fresh.vault.team_create(TeamRole::Cadre)),
        SyncRefusal::AlreadyFollowing
    );
    assert_eq!(
        sync_refusal(fresh.vault.team_join_request()),
        SyncRefusal::AlreadyFollowing
    );
    assert!(fresh.vault.set_device_role(DeviceRole::Cadre).is_err());
    fresh.vault.forget_followed_link().unwrap();
    assert_eq!(
        sync_refusal(fresh.vault.followed_link()),
        SyncRefusal::NotFollowing
    );
}

#[test]
fn links_and_alerts_travel_to_the_rest_of_the_team() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let officer = phone(root.path(), "officer");
    let request = officer.vault.team_join_request().unwrap();
    let admission = cadre.vault.team_admit(request.text, TeamRole::Officer).unwrap();
    officer.vault.team_accept(admission).unwrap();
    let siti_phone = phone(root.path(), "siti");
    let link_id = link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    siti_phone
        .vault
        .trigger_emergency(EmergencyKind::UnpaidWages, None, None, Locale::Id)
        .unwrap();
    cadre
        .vault
        .follow_events_import(siti_phone.vault.follow_events_export().unwrap())
        .unwrap();
    let officer_id = officer.vault.sync_status().unwrap().device_id;
    let bundle = cadre.vault.sync_export(Some(officer_id)).unwrap();
    officer.vault.sync_import(bundle).unwrap();
    // The officer sees the alert and can make the next view, numbered after the cadre's.
    assert_eq!(officer.vault.follow_alerts(None).unwrap().len(), 1);
    let view = officer.vault.follow_view_export(link_id.clone()).unwrap();
    assert_eq!(siti_phone.vault.follow_view_import(view).unwrap().view_number, 2);
    // Erasing Siti erases her links and alerts with her, on every device.
    officer.vault.erase_person(siti.clone()).unwrap();
    assert_eq!(officer.vault.follow_alerts(None).unwrap(), []);
    let bundle = officer
        .vault
        .sync_export(Some(cadre.vault.sync_status().unwrap().device_id))
        .unwrap();
    cadre.vault.sync_import(bundle).unwrap();
    assert_eq!(cadre.vault.follow_alerts(None).unwrap(), []);
    assert!(matches!(
        cadre.vault.follow_view_export(link_id),
        Err(MigranError::NotFound { .. })
    ));
}

#[test]
fn a_link_refusal_speaks_both_languages_without_calling_it_a_sync_file() {
    let ended = MigranError::SyncRefused {
        reason: SyncRefusal::LinkEnded,
    };
    assert_eq!(
        ended.message(Locale::Id),
        "Ditolak: tautan ini sudah diakhiri; tidak ada lagi yang dikirim atau diterima lewat tautan ini. Tidak ada data yang berubah."
    );
    assert_eq!(
        ended.message(Locale::En),
        "Refused: this link was ended; nothing more is sent or taken through it. Nothing was changed."
    );
}

/// The role shapes the home screen: locked, and behind the duress PIN's decoy, the phone
/// answers the same role as unlocked, from a sealed copy (the decoy must not open on the
/// set-up question a migrant's phone never shows).
#[test]
fn the_role_is_known_locked_and_to_the_duress_decoy() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let siti_phone = phone(root.path(), "siti");
    link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    siti_phone
        .vault
        .set_duress_pin(PIN.into(), "580241".into())
        .unwrap();
    assert_eq!(siti_phone.vault.device_role().unwrap(), Some(DeviceRole::Migrant));
    siti_phone.vault.lock();
    assert_eq!(siti_phone.vault.device_role().unwrap(), Some(DeviceRole::Migrant));
    siti_phone.vault.unlock("580241".into()).unwrap();
    assert_eq!(siti_phone.vault.device_role().unwrap(), Some(DeviceRole::Migrant));
    // The decoy follows no one: its home shows a phone not linked yet.
    assert_eq!(
        sync_refusal(siti_phone.vault.followed_link()),
        SyncRefusal::NotFollowing
    );
    // The sealed copy has one size whatever the role, and the role is in no file in clear.
    siti_phone.vault.lock();
    let dir = root.path().join("siti");
    assert_eq!(files_containing(&dir, "migrant"), Vec::<String>::new());
    let family_phone = phone(root.path(), "family");
    family_phone.vault.set_device_role(DeviceRole::Family).unwrap();
    let sealed_size = |dir: &Path| {
        let conn = migran_core::testing::open_locked_store(dir, Some(&device_secret())).unwrap();
        conn.query_row("SELECT length(data) FROM device_role_sealed", [], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap()
    };
    family_phone.vault.lock();
    assert_eq!(sealed_size(&dir), sealed_size(&root.path().join("family")));
}

/// A file above the bound is refused before it is parsed, even one that would parse: a
/// real view padded with 5 MiB of spaces (JSON allows them) holds nothing more, and a
/// file that large is not one of ours.
#[test]
fn a_view_or_events_file_too_large_is_refused_before_it_is_read() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let family_phone = phone(root.path(), "family");
    let siti_phone = phone(root.path(), "siti");
    let family_link = link(&cadre, &siti, &family_phone, FollowKind::Family);
    link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    let padding = vec![b' '; 5 * 1024 * 1024];
    let mut view = cadre.vault.follow_view_export(family_link).unwrap();
    view.extend_from_slice(&padding);
    assert_eq!(
        sync_refusal(family_phone.vault.follow_view_import(view)),
        SyncRefusal::Format
    );
    assert_eq!(family_phone.vault.followed_link().unwrap().view_number, 1);
    let mut events = siti_phone.vault.follow_events_export().unwrap();
    events.extend_from_slice(&padding);
    assert_eq!(
        sync_refusal(cadre.vault.follow_events_import(events)),
        SyncRefusal::Format
    );
}

/// The same events file imported twice at once (two screens, a timer and a tap): one
/// import applies it, the other is refused as a replay; the alert is held once.
#[test]
fn the_same_events_file_imported_twice_at_once_is_applied_once() {
    let root = tempfile::tempdir().unwrap();
    let (cadre, siti) = cadre_with_siti(root.path());
    let siti_phone = phone(root.path(), "siti");
    link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    siti_phone
        .vault
        .trigger_emergency(EmergencyKind::Violence, None, None, Locale::Id)
        .unwrap();
    let events = siti_phone.vault.follow_events_export().unwrap();
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let imports: Vec<_> = (0..2)
            .map(|_| {
                let (vault, events) = (cadre.vault.clone(), events.clone());
                scope.spawn(move || vault.follow_events_import(events))
            })
            .collect();
        imports.into_iter().map(|i| i.join().unwrap()).collect()
    });
    let applied = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(applied, 1, "{outcomes:?}");
    let refused = outcomes.into_iter().find(|o| o.is_err()).unwrap();
    assert_eq!(sync_refusal(refused), SyncRefusal::Replayed);
    assert_eq!(cadre.vault.follow_alerts(None).unwrap().len(), 1);
}
