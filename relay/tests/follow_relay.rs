//! Follow links through the relay (docs/relay.md, "Follow links"), on both engines
//! (PostgreSQL when MIGRAN_RELAY_PG_URL is set): the journey with real core
//! vaults and the core's clients (`follow_sync_with_relay`, `followed_sync_with_relay`),
//! ending links, and the channel's refusals at the HTTP level (another link's channel,
//! a follower pushing views, replayed and forged requests, limits).

// Test code: helpers outside `#[test]` fail with a panic, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::Duration;
use migran_core::{
    AgendaKind, AgendaRequest, ChecklistItemUpdate, ConsentPurpose, DeviceRole, EmergencyKind, FollowKind,
    ItemState, JourneyInput, LinkEndReason, Locale, MigranError, SyncRefusal, TeamRole,
};
use migran_relay::Limits;
use migran_testkit::{fake_person, files_containing, link_phone, phone, record_consent, sync_refusal, Phone};
use serde_json::json;
use support::{engine, public_key_b64, random_text, Kind, RelayClient, TestRelay};

on_both_engines!(
    the_journey_through_the_relay_and_ended_links_deliver_nothing_more,
    a_follower_reaches_its_own_channel_only_and_replays_and_forgeries_are_refused,
    channel_files_keep_to_the_limits_and_the_newest,
);

/// Links `follower` to the person by hand (the package goes by QR code or file, in
/// person); returns the link id.
fn link(cadre: &Phone, person_id: &str, follower: &Phone, kind: FollowKind) -> String {
    link_phone(&cadre.vault, person_id, &follower.vault, kind, None)
}

fn the_journey_through_the_relay_and_ended_links_deliver_nothing_more(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let url = relay.url();

    // The cadre registers Siti and records her consent to share with family.
    let cadre = phone(root.path(), "cadre");
    cadre.vault.team_create(TeamRole::Cadre).unwrap();
    let mut input = fake_person("Siti Contoh", 1);
    input.nik = "3201000000000001".into();
    let siti = cadre.vault.add_person(input).unwrap().id;
    cadre
        .vault
        .set_journey(
            siti.clone(),
            JourneyInput {
                phase: None,
                destination_country: Some("MY".into()),
                sector: None,
                employer_name: None,
                employer_address: None,
                agency_name: None,
                agency_licence: None,
                departure_date: Some("2027-03-01".into()),
                contract_end_date: None,
            },
        )
        .unwrap();
    record_consent(&cadre.vault, &siti, ConsentPurpose::ShareWithFamily, true);

    // Siti's and her family's phones are linked by hand.
    let siti_phone = phone(root.path(), "siti");
    let family_phone = phone(root.path(), "family");
    siti_phone.vault.set_device_role(DeviceRole::Migrant).unwrap();
    family_phone.vault.set_device_role(DeviceRole::Family).unwrap();
    let siti_link = link(&cadre, &siti, &siti_phone, FollowKind::Migrant);
    let family_link = link(&cadre, &siti, &family_phone, FollowKind::Family);
    // Before the team is on the relay, there is nothing to serve the links from.
    assert!(matches!(
        cadre.vault.follow_sync_with_relay(url.clone()),
        Err(MigranError::RelayFailed {
            problem: migran_core::RelayProblem::TeamNotRegistered
        })
    ));
    cadre.vault.sync_with_relay(url.clone(), None).unwrap();
    // A follower syncing before the cadre registered its channel: not on the relay yet.
    assert!(matches!(
        family_phone.vault.followed_sync_with_relay(url.clone()),
        Err(MigranError::RelayFailed {
            problem: migran_core::RelayProblem::NotEnrolled
        })
    ));

    let first = cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    assert_eq!((first.links_registered, first.views_pushed), (2, 2));
    let again = cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    assert_eq!((again.links_registered, again.views_pushed), (0, 2));

    // The cadre ticks an item; through the relay the family sees it.
    let family_first = family_phone.vault.followed_sync_with_relay(url.clone()).unwrap();
    assert!(family_first.view_received);
    assert!(!family_first.events_pushed, "a family phone sends no events");
    let before = family_phone.vault.followed_family_view(Locale::Id).unwrap();
    cadre
        .vault
        .set_checklist_item(
            siti.clone(),
            "ktp".into(),
            ChecklistItemUpdate {
                state: ItemState::Done,
                by: Some("Kader Contoh".into()),
                note: None,
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
    cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    let synced = family_phone.vault.followed_sync_with_relay(url.clone()).unwrap();
    assert!(synced.view_received);
    let after = family_phone.vault.followed_family_view(Locale::Id).unwrap();
    assert_eq!(after.checklist.done, before.checklist.done + 1);
    // Nothing newer on the relay: nothing received.
    let quiet = family_phone.vault.followed_sync_with_relay(url.clone()).unwrap();
    assert!(!quiet.view_received);
    assert_eq!(quiet.link.view_number, synced.link.view_number);

    // Abroad, Siti presses the button; through the relay it leads the cadre's agenda.
    siti_phone.clock.advance(Duration::days(40));
    cadre.clock.advance(Duration::days(40));
    let alert = siti_phone
        .vault
        .trigger_emergency(EmergencyKind::HeldAgainstWill, None, None, Locale::Id)
        .unwrap();
    let pushed = siti_phone.vault.followed_sync_with_relay(url.clone()).unwrap();
    assert!(pushed.events_pushed);
    let served = cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    assert_eq!((served.events_imported, served.new_alerts), (1, 1));
    let agenda = cadre
        .vault
        .agenda(AgendaRequest {
            on: None,
            look_ahead_days: 0,
        })
        .unwrap();
    assert_eq!(agenda.items[0].kind, AgendaKind::MigrantAlert);
    assert_eq!(agenda.items[0].record_id.as_deref(), Some(alert.id.as_str()));
    // The same events file is not imported twice.
    let served = cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    assert_eq!((served.events_imported, served.new_alerts), (0, 0));

    // The cadre acknowledges; through the relay Siti's outbox shows it.
    cadre
        .vault
        .acknowledge_follow_alert(alert.id.clone(), "Kader Contoh".into())
        .unwrap();
    cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    assert!(
        siti_phone
            .vault
            .followed_sync_with_relay(url.clone())
            .unwrap()
            .view_received
    );
    let outbox = siti_phone.vault.emergency_log().unwrap();
    assert_eq!(outbox[0].id, alert.id);
    assert_eq!(outbox[0].acknowledged_by.as_deref(), Some("Kader Contoh"));
    // The family is told an alert was raised and answered, not what it said.
    family_phone.vault.followed_sync_with_relay(url.clone()).unwrap();
    let notices = family_phone
        .vault
        .followed_family_view(Locale::Id)
        .unwrap()
        .alerts;
    assert_eq!(notices.len(), 1);
    assert!(notices[0].acknowledged);

    // Siti withdraws her consent to share with family: the family's link ends, its
    // channel is deleted at the cadre's next sync, and the family's phone is refused.
    let held = family_phone.vault.followed_link().unwrap();
    record_consent(&cadre.vault, &siti, ConsentPurpose::ShareWithFamily, false);
    cadre
        .vault
        .set_checklist_item(
            siti.clone(),
            "ktp".into(),
            ChecklistItemUpdate {
                state: ItemState::InProgress,
                by: None,
                note: None,
                document_id: None,
            },
            Locale::Id,
        )
        .unwrap();
    let closing = cadre.vault.follow_sync_with_relay(url.clone()).unwrap();
    assert_eq!((closing.links_closed, closing.views_pushed), (1, 1));
    assert_eq!(
        sync_refusal(family_phone.vault.followed_sync_with_relay(url.clone())),
        SyncRefusal::LinkEnded
    );
    assert_eq!(
        family_phone.vault.followed_link().unwrap(),
        held,
        "nothing more delivered"
    );
    // Closed once: later syncs do not count it again.
    assert_eq!(
        cadre
            .vault
            .follow_sync_with_relay(url.clone())
            .unwrap()
            .links_closed,
        0
    );

    // Siti's phone is lost: ended by hand; its next sync is refused, its events too.
    cadre
        .vault
        .end_follow_link(siti_link, LinkEndReason::PhoneLost)
        .unwrap();
    assert_eq!(
        cadre
            .vault
            .follow_sync_with_relay(url.clone())
            .unwrap()
            .links_closed,
        1
    );
    siti_phone
        .vault
        .trigger_emergency(EmergencyKind::Medical, None, None, Locale::Id)
        .unwrap();
    assert_eq!(
        sync_refusal(siti_phone.vault.followed_sync_with_relay(url.clone())),
        SyncRefusal::LinkEnded
    );
    assert_eq!(cadre.vault.follow_alerts(None).unwrap().len(), 1);
    let _ = family_link;

    // The relay holds the files sealed: no name, no NIK in its files (SQLite's folder).
    if kind == Kind::Sqlite {
        for marker in ["Siti", "3201000000000001"] {
            assert_eq!(
                files_containing(&root.path().join("relay-data"), marker),
                Vec::<String>::new(),
                "{marker}"
            );
        }
    }
}

/// A team on the relay (a member's key) and two link channels registered by it, each
/// with its follower's own key.
struct Channels {
    member: RelayClient,
    migrant: RelayClient,
    family: RelayClient,
    migrant_link: String,
    family_link: String,
}

fn channels(base: &str) -> Channels {
    let team_id = random_text(8);
    let member = RelayClient::new(base, &team_id, &random_text(8));
    member.register_team().assert_created();
    let migrant = RelayClient::new(base, &team_id, &random_text(8));
    let family = RelayClient::new(base, &team_id, &random_text(8));
    let (migrant_link, family_link) = (random_text(16), random_text(16));
    for (follower, link_id, kind) in [
        (&migrant, &migrant_link, "migrant"),
        (&family, &family_link, "family"),
    ] {
        member.register_link(link_id, kind, follower).assert_created();
    }
    Channels {
        member,
        migrant,
        family,
        migrant_link,
        family_link,
    }
}

trait Created {
    fn assert_created(&self);
}

impl Created for support::Answer {
    fn assert_created(&self) {
        assert_eq!(self.status, 201, "{:?}", self.json);
    }
}

impl RelayClient {
    fn register_link(&self, link_id: &str, kind: &str, follower: &RelayClient) -> support::Answer {
        let body = json!({
            "link_id": link_id,
            "kind": kind,
            "device_id": follower.device_id,
            "public_key": public_key_b64(&follower.key),
        });
        self.send(
            "POST",
            &format!("/v1/teams/{}/links", self.team_id),
            serde_json::to_vec(&body).unwrap(),
        )
    }

    fn member_path(&self, link_id: &str, rest: &str) -> String {
        format!("/v1/teams/{}/links/{link_id}{rest}", self.team_id)
    }

    fn follower_path(&self, link_id: &str, rest: &str) -> String {
        format!("/v1/follow/{}/{link_id}{rest}", self.team_id)
    }
}

fn body_of(answer: &support::Answer) -> Option<Vec<u8>> {
    answer.json["body"]
        .as_str()
        .map(|body| BASE64.decode(body).unwrap())
}

fn a_follower_reaches_its_own_channel_only_and_replays_and_forgeries_are_refused(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let relay = TestRelay::start(&engine, Limits::default());
    let c = channels(&relay.url());
    let (m, f) = (&c.migrant_link, &c.family_link);

    // The member puts a view in each channel; each follower takes its own.
    c.member
        .send(
            "PUT",
            &c.member.member_path(m, "/view?seq=1"),
            b"view for migrant".to_vec(),
        )
        .assert_created();
    c.member
        .send(
            "PUT",
            &c.member.member_path(f, "/view?seq=1"),
            b"view for family".to_vec(),
        )
        .assert_created();
    let own = c
        .family
        .send("GET", &c.family.follower_path(f, "/view?after=0"), Vec::new());
    assert_eq!(body_of(&own).as_deref(), Some(&b"view for family"[..]));
    assert_eq!(own.json["seq"], 1);
    // Held already: nothing newer.
    let none = c
        .family
        .send("GET", &c.family.follower_path(f, "/view?after=1"), Vec::new());
    assert_eq!((none.status, body_of(&none)), (200, None));

    // Another link's channel, with the family's own key and id: refused, nothing handed.
    c.family
        .send("GET", &c.family.follower_path(m, "/view"), Vec::new())
        .assert_refused(401, "unknown_device");
    // ... even claiming the migrant phone's device id: the signature is not its key's.
    let impostor = RelayClient {
        key: support::new_key(),
        ..RelayClient::new(&relay.url(), &c.member.team_id, &c.migrant.device_id)
    };
    impostor
        .send("GET", &impostor.follower_path(m, "/view"), Vec::new())
        .assert_refused(401, "bad_signature");
    // A follower is no team device: no team route, no view pushed, no events read.
    c.family
        .send(
            "PUT",
            &c.family.member_path(f, "/view?seq=9"),
            b"forged view".to_vec(),
        )
        .assert_refused(401, "unknown_device");
    c.family
        .send(
            "PUT",
            &c.family.follower_path(f, "/view?seq=9"),
            b"forged view".to_vec(),
        )
        .assert_refused(405, "method_not_allowed");
    c.migrant
        .send("GET", &c.migrant.member_path(m, "/events"), Vec::new())
        .assert_refused(401, "unknown_device");
    c.family.pull_page(0, 10).assert_refused(401, "unknown_device");
    // A family phone sends no events.
    c.family
        .send(
            "PUT",
            &c.family.follower_path(f, "/events?seq=1"),
            b"events".to_vec(),
        )
        .assert_refused(403, "wrong_link_kind");
    let view = c
        .family
        .send("GET", &c.family.follower_path(f, "/view"), Vec::new());
    assert_eq!(body_of(&view).as_deref(), Some(&b"view for family"[..]));

    // The migrant's events reach the member; a replayed request is refused, and so is a
    // body changed under a good signature.
    let path = c.migrant.follower_path(m, "/events?seq=1");
    let signing = c.migrant.signing();
    let (timestamp, nonce) = (signing.timestamp, signing.nonce.clone());
    c.migrant
        .send_signed("PUT", &path, b"events 1".to_vec(), signing)
        .assert_created();
    let replay = support::Signing {
        key: &c.migrant.key,
        timestamp,
        nonce: nonce.clone(),
    };
    c.migrant
        .send_signed("PUT", &path, b"events 1".to_vec(), replay)
        .assert_refused(401, "replayed_nonce");
    let headers = migran_relay::auth::sign(
        &c.migrant.key,
        &c.migrant.device_id,
        "PUT",
        &c.migrant.follower_path(m, "/events?seq=2"),
        b"events 2",
        support::unix_now(),
        &random_text(16),
    );
    c.migrant
        .send_with(
            "PUT",
            &c.migrant.follower_path(m, "/events?seq=2"),
            b"forged events".to_vec(),
            &headers.pairs(),
        )
        .assert_refused(401, "bad_signature");
    let events = c
        .member
        .send("GET", &c.member.member_path(m, "/events?after=0"), Vec::new());
    assert_eq!(body_of(&events).as_deref(), Some(&b"events 1"[..]));

    // A link registered again the same way is fine; with another key it is refused.
    assert_eq!(c.member.register_link(m, "migrant", &c.migrant).status, 200);
    c.member
        .register_link(m, "migrant", &c.family)
        .assert_refused(409, "link_exists");
    c.member
        .register_link(m, "family", &c.migrant)
        .assert_refused(409, "link_exists");

    // The member ends the family's link: the follower is told so, nothing more comes,
    // nothing more can be put there, and the id is never registered again.
    let ended = c.member.send("DELETE", &c.member.member_path(f, ""), Vec::new());
    assert_eq!(
        (ended.status, ended.json["ended_now"].as_bool()),
        (200, Some(true))
    );
    let again = c.member.send("DELETE", &c.member.member_path(f, ""), Vec::new());
    assert_eq!(again.json["ended_now"].as_bool(), Some(false));
    c.family
        .send("GET", &c.family.follower_path(f, "/view"), Vec::new())
        .assert_refused(410, "link_ended");
    c.member
        .send(
            "PUT",
            &c.member.member_path(f, "/view?seq=2"),
            b"after the end".to_vec(),
        )
        .assert_refused(410, "link_ended");
    c.member
        .register_link(f, "family", &c.family)
        .assert_refused(410, "link_ended");
    // The other link still runs.
    let view = c
        .migrant
        .send("GET", &c.migrant.follower_path(m, "/view"), Vec::new());
    assert_eq!(body_of(&view).as_deref(), Some(&b"view for migrant"[..]));
    // Unknown channels, and the member's own routes unsigned.
    c.member
        .send("DELETE", &c.member.member_path(&random_text(16), ""), Vec::new())
        .assert_refused(404, "unknown_link");
    c.migrant
        .send_with("GET", &c.migrant.follower_path(m, "/view"), Vec::new(), &[])
        .assert_refused(401, "missing_auth");
}

fn channel_files_keep_to_the_limits_and_the_newest(kind: Kind) {
    let root = tempfile::tempdir().unwrap();
    let Some(engine) = engine(kind, root.path()) else {
        return;
    };
    let limits = Limits {
        max_bundle_bytes: 1_000,
        max_team_bytes: 2_500,
        ..Limits::default()
    };
    let relay = TestRelay::start(&engine, limits);
    let c = channels(&relay.url());
    let (m, f) = (&c.migrant_link, &c.family_link);
    let put_view = |link: &str, seq: u64, bytes: usize| {
        c.member.send(
            "PUT",
            &c.member.member_path(link, &format!("/view?seq={seq}")),
            vec![b'v'; bytes],
        )
    };
    // At the size limit it passes; one byte more is too large, and nothing is kept.
    put_view(m, 1, 1_000).assert_created();
    put_view(m, 2, 1_001).assert_refused(413, "too_large");
    // An older or equal number is not kept: the newest stays.
    let older = c
        .member
        .send("PUT", &c.member.member_path(m, "/view?seq=1"), b"old".to_vec());
    assert_eq!(
        (
            older.status,
            older.json["kept"].as_bool(),
            older.json["seq"].as_i64()
        ),
        (200, Some(false), Some(1))
    );
    // Replacing a file counts only its own bytes: 1,000 + 1,000 of 2,500, then a
    // replacement of 900 in place of 1,000.
    put_view(f, 1, 1_000).assert_created();
    put_view(m, 3, 900).assert_created();
    c.migrant
        .send(
            "PUT",
            &c.migrant.follower_path(m, "/events?seq=1"),
            vec![b'e'; 500],
        )
        .assert_created();
    // 2,400 used. A view is held to the bundle limit too; one of the same size replaces
    // the family's (nothing grows); 101 more bytes of events do not fit.
    put_view(f, 2, 1_001).assert_refused(413, "too_large");
    put_view(f, 2, 1_000).assert_created();
    c.migrant
        .send(
            "PUT",
            &c.migrant.follower_path(m, "/events?seq=2"),
            vec![b'e'; 601],
        )
        .assert_refused(507, "team_storage_full");
    // Ending a link gives its bytes back to the team.
    let ended = c.member.send("DELETE", &c.member.member_path(f, ""), Vec::new());
    assert_eq!(ended.status, 200, "{:?}", ended.json);
    c.migrant
        .send(
            "PUT",
            &c.migrant.follower_path(m, "/events?seq=2"),
            vec![b'e'; 601],
        )
        .assert_created();
    let view = c
        .migrant
        .send("GET", &c.migrant.follower_path(m, "/view"), Vec::new());
    assert_eq!(
        (view.json["seq"].as_i64(), body_of(&view).map(|b| b.len())),
        (Some(3), Some(900))
    );
    // Bad numbers are refused.
    for bad in ["/view?seq=0", "/view?seq=-1", "/view?seq=x", "/view"] {
        c.member
            .send("PUT", &c.member.member_path(m, bad), b"v".to_vec())
            .assert_refused(400, "bad_request");
    }
}
