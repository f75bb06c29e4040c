//! Follow links through the relay (docs/relay.md, "Follow links"; decision 0013, point 7).
//!
//! Each link has a channel on the team's relay, named by the link id (random: it names no
//! person). A cadre or officer device registers the channel with the follower's public
//! key, puts the link's newest view there and takes the migrant phone's newest events
//! file; the follower, signed by its own key for that link only, takes the view and puts
//! its events. Ending a link deletes its channel: the follower is then answered
//! `link_ended`, which it reports as `SyncRefused { LinkEnded }`.
//!
//! The views and events are the same files as by hand (`follow_view_export`,
//! `follow_events_export`): sealed with the link key and signed, opaque to the relay.
//!
//! A separate call from `sync_with_relay`, not a part of it: a team sync must not fail
//! because one link's channel did (nor the other way round); and every view made here
//! numbers the link anew in the register (`views_sent`, shared by team sync), so the app
//! calls this first and `sync_with_relay` after, which then carries the new numbers to
//! the rest of the team in the same round.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::link::StoredLink;
use super::{FollowKind, FollowedLink};
use crate::error::{MigranError, RelayProblem, Result, SyncRefusal};
use crate::store::codes::StorageCode;
use crate::sync::relay_client::{failed, refusal, Answer, Client, RelayUrl};
use crate::sync::team;
use crate::sync::text::from_hex;
use crate::vault::Vault;

/// What a cadre or officer device did with its team's link channels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct FollowRelaySummary {
    /// Channels registered on the relay in this call (links new to it).
    pub links_registered: u32,
    /// Fresh views put on the relay, one per running link.
    pub views_pushed: u32,
    /// Migrants' events files taken and imported.
    pub events_imported: u32,
    /// Alerts the team did not hold before.
    pub new_alerts: u32,
    /// Alerts held whose location or stop changed.
    pub updated_alerts: u32,
    /// Events files the vault refused (altered, or not the link's phone's): passed over.
    pub events_refused: u32,
    /// Channels of ended links deleted in this call.
    pub links_closed: u32,
}

/// What a follower's phone did with its link's channel.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FollowedRelaySummary {
    /// Whether this phone's events file was sent (a migrant's phone only).
    pub events_pushed: bool,
    /// Whether a newer view was received and now replaces the one held.
    pub view_received: bool,
    /// The link and the view now held.
    pub link: FollowedLink,
}

#[uniffi::export]
impl Vault {
    /// For a cadre's or officer's device: serves every follow link of the team through the
    /// relay at `url` (the address rules of `sync_with_relay`). Registers the channel of
    /// each running link the relay does not know, puts a fresh view there, takes and
    /// imports a migrant phone's newest events (into the agenda), and deletes the channel
    /// of each ended link, after which its phone is told the link ended. The team must be
    /// on the relay and this device enrolled (sync with it first). Call it before
    /// `sync_with_relay`, which then carries the views' numbers to the team.
    pub fn follow_sync_with_relay(&self, url: String) -> Result<FollowRelaySummary> {
        let base = RelayUrl::parse(&url)?;
        let (keys, team_id, links) = self.read(|s| {
            let team = team::require_team(s.conn)?;
            let links: Vec<StoredLink> = s.select("ORDER BY created_at, id", [])?;
            Ok((team::device_keys(s.conn)?, team.team_id, links))
        })?;
        let client = Client::new(base, keys);
        let mut summary = FollowRelaySummary::default();
        for link in &links {
            let channel = format!("/v1/teams/{team_id}/links/{}", link.id);
            if link.ended_at.is_some() {
                let answer = client.send("DELETE", &channel, &[])?;
                match (answer.status, answer.code()) {
                    (200, _) => {
                        if answer.json["ended_now"].as_bool() == Some(true) {
                            summary.links_closed += 1;
                        }
                    }
                    // Never registered on this relay: nothing to delete.
                    (404, "unknown_link") => {}
                    _ => return Err(refusal(&answer)),
                }
                continue;
            }
            if !serve_link(self, &client, &team_id, link, &mut summary)? {
                // Ended by another member on the relay; this device learns it by team sync.
                continue;
            }
        }
        Ok(summary)
    }

    /// For a follower's phone: through the relay at `url`, sends this phone's events (a
    /// migrant's phone: its alerts and missed check-ins, for the cadre's agenda) and takes
    /// the newest view if it is newer than the one held. A link the team ended is
    /// `SyncRefused { LinkEnded }`: nothing more comes, and the view held stays until
    /// this phone's owner forgets the link. `SyncRefused { NotFollowing }` without a link.
    pub fn followed_sync_with_relay(&self, url: String) -> Result<FollowedRelaySummary> {
        let base = RelayUrl::parse(&url)?;
        let (keys, team_id, held) = self.write(|s| {
            let held = super::view::followed(s)?;
            Ok((team::device_keys(s.conn)?, held.team_id, held.link))
        })?;
        let client = Client::new(base, keys);
        let channel = format!("/v1/follow/{team_id}/{}", held.link_id);
        let mut events_pushed = false;
        if held.kind == FollowKind::Migrant {
            let events = self.follow_events_export()?;
            let seq = file_number(&events)?;
            let answer = client.send("PUT", &format!("{channel}/events?seq={seq}"), &events)?;
            follower_answer(&answer)?;
            events_pushed = true;
        }
        let answer = client.send("GET", &format!("{channel}/view?after={}", held.view_number), &[])?;
        follower_answer(&answer)?;
        let view_received = match held_file(&answer)? {
            Some(view) => match self.follow_view_import(view) {
                Ok(_) => true,
                // The relay holds no newer view than this phone (a view imported by hand).
                Err(MigranError::SyncRefused {
                    reason: SyncRefusal::Replayed,
                }) => false,
                Err(other) => return Err(other),
            },
            None => false,
        };
        Ok(FollowedRelaySummary {
            events_pushed,
            view_received,
            link: self.followed_link()?,
        })
    }
}

/// Registers `link`'s channel if needed, puts a fresh view and takes the events.
/// `false` when the relay says the link was ended (by another member of the team).
fn serve_link(
    vault: &Vault,
    client: &Client,
    team_id: &str,
    link: &StoredLink,
    summary: &mut FollowRelaySummary,
) -> Result<bool> {
    let channel = format!("/v1/teams/{team_id}/links/{}", link.id);
    let public_key =
        from_hex(&link.signing_key).ok_or_else(|| MigranError::internal("a stored link key is malformed"))?;
    let body = serde_json::json!({
        "link_id": link.id,
        "kind": link.kind.code(),
        "device_id": link.device_id,
        "public_key": BASE64.encode(public_key),
    });
    let body = serde_json::to_vec(&body).map_err(|_| MigranError::internal("a request did not serialise"))?;
    let answer = client.send("POST", &format!("/v1/teams/{team_id}/links"), &body)?;
    match (answer.status, answer.code()) {
        (201, _) => summary.links_registered += 1,
        (200, _) => {}
        (410, "link_ended") => return Ok(false),
        _ => return Err(refusal(&answer)),
    }
    let view = match vault.follow_view_export(link.id.clone()) {
        Ok(view) => view,
        // Ended on this device since the list was read (a consent withdrawn meanwhile).
        Err(MigranError::SyncRefused {
            reason: SyncRefusal::LinkEnded,
        }) => return Ok(false),
        Err(other) => return Err(other),
    };
    let seq = file_number(&view)?;
    let answer = client.send("PUT", &format!("{channel}/view?seq={seq}"), &view)?;
    match (answer.status, answer.code()) {
        (200 | 201, _) => summary.views_pushed += 1,
        (410, "link_ended") => return Ok(false),
        _ => return Err(refusal(&answer)),
    }
    if link.kind != FollowKind::Migrant {
        return Ok(true);
    }
    let answer = client.send(
        "GET",
        &format!("{channel}/events?after={}", link.events_seq.max(0)),
        &[],
    )?;
    match (answer.status, answer.code()) {
        (200, _) => {}
        (410, "link_ended") => return Ok(false),
        _ => return Err(refusal(&answer)),
    }
    if let Some(events) = held_file(&answer)? {
        match vault.follow_events_import(events) {
            Ok(report) => {
                summary.events_imported += 1;
                summary.new_alerts += report.new_alerts;
                summary.updated_alerts += report.updated;
            }
            // Imported before (by hand, or a file already taken): nothing new.
            Err(MigranError::SyncRefused {
                reason: SyncRefusal::Replayed,
            }) => {}
            // Not the link's phone's, or altered: the phone's next file replaces it.
            Err(MigranError::SyncRefused { .. }) => summary.events_refused += 1,
            Err(other) => return Err(other),
        }
    }
    Ok(true)
}

/// A follower's answer: `link_ended` is the typed refusal; any other refusal is the
/// relay client's.
fn follower_answer(answer: &Answer) -> Result<()> {
    if answer.ok() {
        return Ok(());
    }
    if answer.code() == "link_ended" {
        return Err(MigranError::SyncRefused {
            reason: SyncRefusal::LinkEnded,
        });
    }
    Err(refusal(answer))
}

/// The file a channel handed over (`{seq, body}`), or `None` when it has none newer.
fn held_file(answer: &Answer) -> Result<Option<Vec<u8>>> {
    match answer.json["body"].as_str() {
        Some(body) => BASE64
            .decode(body.as_bytes())
            .map(Some)
            .map_err(|_| failed(RelayProblem::Refused)),
        None if answer.json["body"].is_null() => Ok(None),
        None => Err(failed(RelayProblem::Refused)),
    }
}

/// A view's or an events file's own number (in its clear header), for the relay to keep
/// the newest.
fn file_number(file: &[u8]) -> Result<u64> {
    serde_json::from_slice::<serde_json::Value>(file)
        .ok()
        .and_then(|json| json["seq"].as_u64())
        .ok_or_else(|| MigranError::internal("a follow file has no number"))
}
