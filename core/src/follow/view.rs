//! What a follower receives: one person's **view**, built field by field from an
//! allow-list (the `Wire*` types below are all it can hold), sent whole with a number,
//! sealed with the link key and signed by the cadre device that made it. The follower
//! keeps the newest only: no merge runs on a follower, and an old view replayed is
//! refused.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::link::{consent_needed, refused, LinkCert, StoredLink};
use super::{
    AlertAcknowledgement, FamilyAlertNotice, FamilyFollowView, FollowKind, FollowedLink, MigrantFollowView,
};
use crate::audit::AuditAction;
use crate::checklist::{self, FamilyChecklistView, FamilyItem, ItemState};
use crate::crypto::{self, SecretKey};
use crate::emergency::{CardContact, CardContactRole, EmergencyCard, EmergencyKind};
use crate::error::{MigranError, RecordKind, Result, SyncRefusal};
use crate::i18n::Locale;
use crate::people::DocumentKind;
use crate::sync::team::{self, DeviceKeys, Roster};
use crate::sync::text::{from_hex, hex};
use crate::time::instant_text;
use crate::vault::Session;

/// The most contacts a card holds, the cadre's included (the card's own limit).
const CARD_CONTACTS: usize = 10;

/// A view as it travels: the sealed payload, its number, the device that made it and
/// the team's certificates (so that a view made by a member admitted after the link still
/// checks, through the chain to the team's creator).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SealedView {
    pub link_id: String,
    pub seq: u64,
    pub made_by: String,
    pub roster: Roster,
    pub sealed: String,
    pub signature: String,
}

impl SealedView {
    fn signed_bytes(&self) -> Vec<u8> {
        team::signed_text(&[
            "migran/v1/follow-view",
            &self.link_id,
            &self.seq.to_string(),
            &self.made_by,
            &self.sealed,
        ])
    }
}

fn seal_aad(link_id: &str, seq: u64) -> Vec<u8> {
    team::signed_text(&["migran/v1/follow-view", link_id, &seq.to_string()])
}

/// The view's content. Every field is named here; nothing else of the register can
/// reach a follower without a change to this type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ViewPayload {
    kind: FollowKind,
    made_at: String,
    checklist_id: WireChecklist,
    checklist_en: WireChecklist,
    /// Family links only.
    family_alerts: Vec<WireFamilyAlert>,
    /// Migrant links only.
    migrant: Option<WireMigrant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireChecklist {
    first_name: String,
    legal_blocks: Vec<String>,
    done: u32,
    total: u32,
    items: Vec<WireItem>,
    next_steps: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireItem {
    title: String,
    text: String,
    state: ItemState,
    due_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireFamilyAlert {
    raised_on: String,
    kind: EmergencyKind,
    acknowledged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireMigrant {
    destination_country: Option<String>,
    departure_date: Option<String>,
    card: Option<EmergencyCard>,
    acknowledgements: Vec<WireAcknowledgement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct WireAcknowledgement {
    alert_id: String,
    by: String,
    at: String,
}

impl From<FamilyChecklistView> for WireChecklist {
    fn from(view: FamilyChecklistView) -> Self {
        WireChecklist {
            first_name: view.first_name,
            legal_blocks: view.legal_blocks,
            done: view.done,
            total: view.total,
            items: view
                .items
                .into_iter()
                .map(|item| WireItem {
                    title: item.title,
                    text: item.text,
                    state: item.state,
                    due_date: item.due_date,
                })
                .collect(),
            next_steps: view.next_steps,
            warnings: view.warnings,
        }
    }
}

impl From<WireChecklist> for FamilyChecklistView {
    fn from(wire: WireChecklist) -> Self {
        FamilyChecklistView {
            first_name: wire.first_name,
            legal_blocks: wire.legal_blocks,
            done: wire.done,
            total: wire.total,
            items: wire
                .items
                .into_iter()
                .map(|item| FamilyItem {
                    title: item.title,
                    text: item.text,
                    state: item.state,
                    due_date: item.due_date,
                })
                .collect(),
            next_steps: wire.next_steps,
            warnings: wire.warnings,
        }
    }
}

/// The changes a migrant's view makes on the phone outside `vault.db`.
pub(crate) struct MigrantUpdate {
    pub card: Option<EmergencyCard>,
    pub acknowledgements: Vec<AlertAcknowledgement>,
}

/// Makes the next view of `link`, numbers it and stores the number, in the caller's
/// transaction.
pub(super) fn make(
    s: &Session<'_>,
    link: &mut StoredLink,
    keys: &DeviceKeys,
    roster: &Roster,
) -> Result<SealedView> {
    if link.ended_at.is_some() {
        return Err(refused(SyncRefusal::LinkEnded));
    }
    crate::consent::require(s, &link.person_id, consent_needed(link.kind))?;
    let payload = project(s, link)?;
    let json = serde_json::to_vec(&payload).map_err(|_| MigranError::internal("a view did not serialise"))?;
    link.views_sent += 1;
    let seq = link.views_sent as u64;
    s.upsert(&*link)?;
    let sealed = crypto::seal_raw(&link.key()?, &seal_aad(&link.id, seq), &json)?;
    let mut view = SealedView {
        link_id: link.id.clone(),
        seq,
        made_by: keys.device_id.clone(),
        roster: roster.clone(),
        sealed: hex(&sealed),
        signature: String::new(),
    };
    view.signature = hex(&keys.sign(&view.signed_bytes()));
    s.audit(
        AuditAction::Export,
        RecordKind::FollowLink,
        &link.id,
        &link.person_id,
    );
    Ok(view)
}

pub(super) fn export(s: &Session<'_>, link_id: &str) -> Result<Vec<u8>> {
    team::require_team(s.conn)?;
    let mut link: StoredLink = s.get(link_id)?;
    let keys = team::device_keys(s.conn)?;
    let roster = team::roster(s.conn)?;
    let view = make(s, &mut link, &keys, &roster)?;
    serde_json::to_vec(&view).map_err(|_| MigranError::internal("a view did not serialise"))
}

/// The allow-list projection of the link's person.
fn project(s: &Session<'_>, link: &StoredLink) -> Result<ViewPayload> {
    let person_id = link.person_id.as_str();
    let checklist_id = checklist::family_view_of(s, person_id, Locale::Id)?.into();
    let checklist_en = checklist::family_view_of(s, person_id, Locale::En)?.into();
    let alerts = super::events::alerts_of(s, Some(person_id))?;
    let (family_alerts, migrant) = match link.kind {
        FollowKind::Family => (
            alerts
                .iter()
                .map(|alert| WireFamilyAlert {
                    raised_on: alert.raised_at.get(..10).unwrap_or_default().to_string(),
                    kind: alert.kind,
                    acknowledged: alert.acknowledged_at.is_some(),
                })
                .collect(),
            None,
        ),
        FollowKind::Migrant => {
            let journey = crate::people::load_journey(s, person_id)?;
            let acknowledgements = alerts
                .iter()
                .filter(|alert| alert.link_id == link.id)
                .filter_map(|alert| {
                    Some(WireAcknowledgement {
                        alert_id: alert.alert_id.clone(),
                        by: alert.acknowledged_by.clone()?,
                        at: alert.acknowledged_at.clone()?,
                    })
                })
                .collect();
            (
                Vec::new(),
                Some(WireMigrant {
                    destination_country: journey.as_ref().and_then(|j| j.destination_country.clone()),
                    departure_date: journey.as_ref().and_then(|j| j.departure_date.clone()),
                    card: card_of(s, link, journey.as_ref())?,
                    acknowledgements,
                }),
            )
        }
    };
    Ok(ViewPayload {
        kind: link.kind,
        made_at: instant_text(s.now),
        checklist_id,
        checklist_en,
        family_alerts,
        migrant,
    })
}

/// The card the button needs, from the register: name, passport, where the person works,
/// the family contacts with a phone and the cadre. `None` until the destination country
/// is recorded (the button cannot choose an embassy without it).
fn card_of(
    s: &Session<'_>,
    link: &StoredLink,
    journey: Option<&crate::people::Journey>,
) -> Result<Option<EmergencyCard>> {
    let Some(country) = journey.and_then(|j| j.destination_country.clone()) else {
        return Ok(None);
    };
    let person = crate::people::load_person(s, &link.person_id)?;
    let passport_number = crate::people::load_documents(s, &link.person_id)?
        .into_iter()
        .filter(|doc| doc.kind == DocumentKind::Passport)
        .max_by(|a, b| a.expires_on.cmp(&b.expires_on))
        .map(|doc| doc.number);
    let cadre = link.cadre_contact();
    let family_room = CARD_CONTACTS - usize::from(cadre.is_some());
    let mut contacts: Vec<CardContact> = crate::people::load_contacts(s, &link.person_id)?
        .into_iter()
        .filter_map(|contact| {
            Some(CardContact {
                phone: contact.phone?,
                name: contact.name,
                role: CardContactRole::Family,
            })
        })
        .take(family_room)
        .collect();
    contacts.extend(cadre);
    Ok(Some(EmergencyCard {
        full_name: person.full_name,
        passport_number,
        country,
        city: None,
        employer_name: journey.and_then(|j| j.employer_name.clone()),
        employer_address: journey.and_then(|j| j.employer_address.clone()),
        contacts,
    }))
}

/// The link a follower holds, with its newest view.
pub(super) struct Held {
    pub link: FollowedLink,
    pub team_id: String,
    pub link_key: SecretKey,
    pub roster: Roster,
    pub events_seq: u64,
    pub payload_text: String,
    payload: ViewPayload,
}

pub(super) fn followed_kind(conn: &Connection) -> Result<Option<FollowKind>> {
    Ok(conn
        .query_row("SELECT kind FROM followed_link WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?)
}

pub(super) fn followed(s: &Session<'_>) -> Result<Held> {
    let row = s
        .conn
        .query_row(
            "SELECT team_id, link_id, kind, link_key, signers, team_fingerprint, view_seq, view,
                    received_at, events_seq
             FROM followed_link WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, FollowKind>(2)?,
                    row.get::<_, Vec<u8>>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, i64>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                    row.get::<_, i64>(9)?,
                ))
            },
        )
        .optional()?
        .ok_or(refused(SyncRefusal::NotFollowing))?;
    let (team_id, link_id, kind, key, signers, team_fingerprint, view_seq, view, received_at, events_seq) =
        row;
    let damaged = || MigranError::Tampered {
        kind: RecordKind::FollowLink,
    };
    let payload: ViewPayload = serde_json::from_str(&view).map_err(|_| damaged())?;
    Ok(Held {
        link: FollowedLink {
            link_id,
            kind,
            team_fingerprint,
            view_number: view_seq.max(0) as u64,
            view_made_at: payload.made_at.clone(),
            received_at,
        },
        team_id,
        link_key: SecretKey::from_slice(&key).ok_or_else(damaged)?,
        roster: serde_json::from_str(&signers).map_err(|_| damaged())?,
        events_seq: events_seq.max(0) as u64,
        payload_text: view,
        payload,
    })
}

/// Checks a view's signature (by a member of `roster` not removed) and opens it.
fn open_view(
    sealed: &SealedView,
    link_id: &str,
    kind: FollowKind,
    link_key: &SecretKey,
    roster: &Roster,
) -> Result<(String, ViewPayload)> {
    if sealed.link_id != link_id {
        return Err(refused(SyncRefusal::NotForThisDevice));
    }
    let signer = roster
        .may_sign_in(&sealed.made_by, u64::MAX)
        .ok_or(refused(SyncRefusal::UnknownDevice))?;
    if !team::verify(&signer.signing_key, &sealed.signed_bytes(), &sealed.signature) {
        return Err(refused(SyncRefusal::Tampered));
    }
    let bytes = from_hex(&sealed.sealed).ok_or(refused(SyncRefusal::Format))?;
    let plain = crypto::open_raw(link_key, &seal_aad(link_id, sealed.seq), &bytes)?
        .ok_or(refused(SyncRefusal::Tampered))?;
    let text = String::from_utf8(plain).map_err(|_| refused(SyncRefusal::Format))?;
    let payload: ViewPayload = serde_json::from_str(&text).map_err(|_| refused(SyncRefusal::Format))?;
    if payload.kind != kind {
        return Err(refused(SyncRefusal::WrongLinkKind));
    }
    Ok((text, payload))
}

/// Keeps a package's link and first view.
pub(super) fn store_first(
    s: &Session<'_>,
    cert: &LinkCert,
    link_key: &SecretKey,
    roster: Roster,
    sealed: &SealedView,
) -> Result<Option<MigrantUpdate>> {
    let (text, payload) = open_view(sealed, &cert.link_id, cert.kind, link_key, &roster)?;
    let signers = serde_json::to_string(&roster)
        .map_err(|_| MigranError::internal("certificates did not serialise"))?;
    s.conn.execute(
        "INSERT INTO followed_link (id, team_id, link_id, kind, link_key, signers, team_fingerprint,
                                    view_seq, view, received_at, events_seq)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)",
        params![
            cert.team_id,
            cert.link_id,
            cert.kind,
            link_key.expose(),
            signers,
            team::team_fingerprint(&cert.team_id, &roster),
            sealed.seq as i64,
            text,
            instant_text(s.now),
        ],
    )?;
    Ok(migrant_update(&payload))
}

/// Replaces the view held with a newer one.
pub(super) fn import(s: &Session<'_>, bytes: &[u8]) -> Result<Option<MigrantUpdate>> {
    let held = followed(s)?;
    if bytes.len() > super::MAX_FOLLOW_FILE_BYTES {
        return Err(refused(SyncRefusal::Format));
    }
    let sealed: SealedView = serde_json::from_slice(bytes).map_err(|_| refused(SyncRefusal::Format))?;
    let mut roster = held.roster.clone();
    roster.absorb(&held.team_id, &sealed.roster);
    let (text, payload) = open_view(
        &sealed,
        &held.link.link_id,
        held.link.kind,
        &held.link_key,
        &roster,
    )?;
    if sealed.seq <= held.link.view_number {
        return Err(refused(SyncRefusal::Replayed));
    }
    let signers = serde_json::to_string(&roster)
        .map_err(|_| MigranError::internal("certificates did not serialise"))?;
    s.conn.execute(
        "UPDATE followed_link SET signers = ?1, view_seq = ?2, view = ?3, received_at = ?4 WHERE id = 1",
        params![signers, sealed.seq as i64, text, instant_text(s.now)],
    )?;
    let mut update = migrant_update(&payload);
    // The owner may change their card on the phone; the team's card replaces it only
    // when the team's card itself changed.
    let previous_card = held.payload.migrant.as_ref().and_then(|m| m.card.as_ref());
    if let Some(update) = update.as_mut() {
        if update.card.as_ref() == previous_card {
            update.card = None;
        }
    }
    Ok(update)
}

fn migrant_update(payload: &ViewPayload) -> Option<MigrantUpdate> {
    let migrant = payload.migrant.as_ref()?;
    Some(MigrantUpdate {
        card: migrant.card.clone(),
        acknowledgements: acknowledgements(migrant),
    })
}

fn acknowledgements(migrant: &WireMigrant) -> Vec<AlertAcknowledgement> {
    migrant
        .acknowledgements
        .iter()
        .map(|ack| AlertAcknowledgement {
            alert_id: ack.alert_id.clone(),
            by: ack.by.clone(),
            at: ack.at.clone(),
        })
        .collect()
}

fn checklist_in(payload: &ViewPayload, locale: Locale) -> FamilyChecklistView {
    match locale {
        Locale::Id => payload.checklist_id.clone().into(),
        Locale::En => payload.checklist_en.clone().into(),
    }
}

pub(super) fn family(s: &Session<'_>, locale: Locale) -> Result<FamilyFollowView> {
    let held = followed(s)?;
    if held.link.kind != FollowKind::Family {
        return Err(refused(SyncRefusal::WrongLinkKind));
    }
    Ok(FamilyFollowView {
        checklist: checklist_in(&held.payload, locale),
        alerts: held
            .payload
            .family_alerts
            .iter()
            .map(|alert| FamilyAlertNotice {
                raised_on: alert.raised_on.clone(),
                kind: alert.kind,
                acknowledged: alert.acknowledged,
            })
            .collect(),
        link: held.link,
    })
}

pub(super) fn migrant(s: &Session<'_>, locale: Locale) -> Result<MigrantFollowView> {
    let held = followed(s)?;
    let migrant = match (&held.payload.migrant, held.link.kind) {
        (Some(migrant), FollowKind::Migrant) => migrant,
        _ => return Err(refused(SyncRefusal::WrongLinkKind)),
    };
    Ok(MigrantFollowView {
        checklist: checklist_in(&held.payload, locale),
        destination_country: migrant.destination_country.clone(),
        departure_date: migrant.departure_date.clone(),
        card: migrant.card.clone(),
        acknowledgements: acknowledgements(migrant),
        link: held.link.clone(),
    })
}
