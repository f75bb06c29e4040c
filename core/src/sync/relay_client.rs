//! The relay client: a team's bundles over the network (docs/relay.md, "The client").
//!
//! Every request is signed with this device's own Ed25519 key (the one its team
//! certificate names), in the relay's format: `migran-relay/v1 \n METHOD \n PATH?QUERY \n
//! hex(SHA-256(body)) \n TIMESTAMP \n NONCE \n DEVICE-ID`. The relay's tests and this
//! client's (relay/tests/client.rs) check that the two agree byte for byte.
//!
//! What keeps a change from being lost or doubled:
//! - a pulled bundle is imported and the cursor moved past it in **one transaction**; a
//!   bundle the vault refuses moves the cursor in its own transaction (importing it again
//!   would be refused the same way);
//! - a push is retried with the **same bytes**, which the relay answers as a duplicate
//!   with the same sequence number; a bundle pushed but not recorded as pushed is sent
//!   again as a new bundle, whose changes every device already holds (`unchanged`).
//!
//! No async runtime: ureq is blocking; the app calls this from a background thread.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rusqlite::{params, OptionalExtension};
use serde::Deserialize;

use crate::audit::AuditAction;
use crate::error::{InvalidReason, MigranError, RelayProblem, Result};
use crate::reports::{district_code, district_submission_json, ReportRequest};
use crate::vault::{Session, Vault};

use super::team::{self, DeviceKeys};
use super::text::{from_hex, hex};
use super::{bundle, feed};

/// Schema step 6 of `vault.db`: what this device knows of each relay it syncs with.
/// In `vault.db`, so encrypted with the records; never sent anywhere.
pub(crate) const SCHEMA: &str = r#"
    CREATE TABLE sync_relays (
        url          TEXT    PRIMARY KEY,
        registered   INTEGER NOT NULL,
        cursor       INTEGER NOT NULL,
        pushed_state TEXT    NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sync_relay_devices (
        url        TEXT    NOT NULL,
        device_id  TEXT    NOT NULL,
        removed    INTEGER NOT NULL,
        PRIMARY KEY (url, device_id)
    ) WITHOUT ROWID;
"#;

const CONTEXT: &str = "migran-relay/v1";
/// Bundles asked for per page (the relay may send fewer: it also caps a page's bytes).
const PAGE: u32 = 100;
/// Tries of one request before giving up: the first and this many minus one retries.
const ATTEMPTS: u32 = 5;
/// The first wait between tries; doubled after each (0.25 + 0.5 + 1 + 2 s at most).
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest `Retry-After` obeyed: a sync must not hang on a relay's say-so.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// The largest answer read: a page holds at most 32 MiB of bundles, base64 in JSON.
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// What a sync with a relay is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RelaySyncStage {
    /// Registering the team, enrolling and removing its devices on the relay.
    Enrolling,
    /// Sending this device's bundle.
    Pushing,
    /// Receiving and applying the others' bundles.
    Pulling,
}

/// Told how far a sync with a relay is. Called from the syncing thread while the vault is
/// busy: the listener must return quickly and must not call the vault. A listener that
/// fails (throws) is not called again; the sync carries on.
#[uniffi::export(foreign)]
pub trait RelaySyncListener: Send + Sync {
    /// `done` of `total` steps of `stage` are through (`total` 0: not known yet).
    fn on_progress(&self, stage: RelaySyncStage, done: u32, total: u32) -> Result<()>;
}

/// What a sync with a relay did.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RelaySyncSummary {
    /// Whether this device registered the team on the relay in this sync.
    pub registered_team: bool,
    /// Team devices enrolled on the relay in this sync.
    pub devices_enrolled: u32,
    /// Removed team devices refused on the relay from this sync on.
    pub devices_removed: u32,
    /// Bundles this device sent (0 when it had nothing new since its last push).
    pub bundles_pushed: u32,
    /// Others' bundles applied.
    pub bundles_pulled: u32,
    /// Bundles passed over: already applied (e.g. by file) or refused by this vault.
    pub bundles_skipped: u32,
    /// Changes written by the applied bundles.
    pub changes_applied: u32,
    /// Conflicts kept apart by the applied bundles.
    pub conflicts: u32,
    /// The relay's log position this device has reached.
    pub cursor: u64,
}

#[uniffi::export]
impl Vault {
    /// Syncs with the relay at `url` (`https://host[:port]`; `http://` only for
    /// 127.0.0.1 or localhost) until up to date: registers the team if this is its first
    /// device and the relay does not know it, enrols the team's devices and refuses the
    /// removed ones, pulls and applies what the others sent, pushes this device's news,
    /// and pulls again. Retries a broken connection or a busy relay a few times, then
    /// fails with `RelayFailed`; whatever was applied stays, and the next sync continues
    /// from there without losing or doubling a change.
    pub fn sync_with_relay(
        &self,
        url: String,
        listener: Option<Arc<dyn RelaySyncListener>>,
    ) -> Result<RelaySyncSummary> {
        let base = RelayUrl::parse(&url)?;
        let mut sync = RelaySync {
            vault: self,
            client: None,
            base,
            listener,
            summary: RelaySyncSummary::default(),
        };
        sync.run()
    }
}

/// What the relay kept of a village report sent to its district (docs/relay.md,
/// "District roll-up"): the counts sent and whether they replaced earlier ones.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DistrictSubmission {
    /// The district (kabupaten) code the report went to.
    pub district: String,
    /// The village's code, as sent.
    pub village_code: String,
    /// First day of the report's period, `YYYY-MM-DD`.
    pub period_from: String,
    /// Last day of the report's period, `YYYY-MM-DD`.
    pub period_to: String,
    /// When the report was made (the relay keeps the latest per village and period).
    pub generated_at: String,
    /// People counted in the report sent.
    pub people_counted: u32,
    /// Whether it replaced a report of this village for this period (the same report
    /// sent again also counts as replaced: the relay keeps it as it is).
    pub replaced: bool,
}

#[uniffi::export]
impl Vault {
    /// Makes the village report for `request`'s period (both ends and the village's name
    /// required) and sends its counts, and only its counts, to the district `district` on
    /// the relay at `url`, as village `village_code`, signed by this device. The team
    /// must be on the relay and this device enrolled (sync with it first). The relay keeps
    /// the latest report per village and period; the first accepted report ties the team
    /// to its village. Retries a broken connection or a busy relay like a sync.
    pub fn submit_district_report(
        &self,
        url: String,
        district: String,
        village_code: String,
        request: ReportRequest,
    ) -> Result<DistrictSubmission> {
        let base = RelayUrl::parse(&url)?;
        // Everything refusable here is refused before the report is made: making it
        // writes an audit entry ("a report was made"), and a submission that never
        // left must not look, in the audit log, as if a report had.
        district_code("district", &district)?;
        district_code("village_code", &village_code)?;
        let given = |value: &Option<String>| value.as_deref().is_some_and(|text| !text.trim().is_empty());
        if !given(&request.village) {
            return Err(MigranError::invalid("village", InvalidReason::Empty));
        }
        if !(given(&request.from) && given(&request.to)) {
            return Err(MigranError::invalid("period", InvalidReason::Empty));
        }
        let (keys, team_id) = self.read(|s| {
            let team = team::require_team(s.conn)?;
            Ok((team::device_keys(s.conn)?, team.team_id))
        })?;
        let report = self.village_report(request)?;
        let body = district_submission_json(&report, &district, &village_code)?;
        let (Some(period_from), Some(period_to)) = (report.period_from, report.period_to) else {
            return Err(MigranError::invalid("period", InvalidReason::Empty));
        };
        // The same bytes on every try: a retry of an accepted report is kept as it is.
        let answer = Client::new(base, keys).send(
            "POST",
            &format!("/v1/teams/{team_id}/district-reports"),
            body.as_bytes(),
        )?;
        let replaced = match (answer.status, answer.json["replaced"].as_bool()) {
            (200 | 201, Some(replaced)) => replaced,
            (200 | 201, None) => return Err(failed(RelayProblem::Refused)),
            _ => {
                return Err(match answer.code() {
                    "village_taken" => failed(RelayProblem::VillageTaken),
                    "wrong_village" => failed(RelayProblem::WrongVillage),
                    "older_report" => failed(RelayProblem::OlderReport),
                    _ => refusal(&answer),
                })
            }
        };
        Ok(DistrictSubmission {
            district,
            village_code,
            period_from,
            period_to,
            generated_at: report.generated_at,
            people_counted: report.people_counted,
            replaced,
        })
    }
}

/// A relay's address, checked: scheme, host and port only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RelayUrl(String);

impl RelayUrl {
    pub(crate) fn parse(url: &str) -> Result<RelayUrl> {
        let bad = || MigranError::RelayFailed {
            problem: RelayProblem::BadAddress,
        };
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty()
            || authority.len() > 255
            || !authority
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        {
            // A path, a query, user info or anything else: the signed path must be the
            // relay's own (`/v1/...`), so no prefix behind a proxy either.
            return Err(bad());
        }
        let authority = authority.to_ascii_lowercase();
        let host = if let Some(v6) = authority.strip_prefix('[') {
            let (host, port) = v6.split_once(']').ok_or_else(bad)?;
            if !(port.is_empty() || port.strip_prefix(':').is_some_and(valid_port)) {
                return Err(bad());
            }
            host.to_string()
        } else {
            match authority.split_once(':') {
                Some((host, port)) if valid_port(port) => host.to_string(),
                Some(_) => return Err(bad()),
                None => authority.clone(),
            }
        };
        if host.is_empty() {
            return Err(bad());
        }
        let loopback = host == "localhost"
            || host == "::1"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback());
        match scheme.as_str() {
            "https" => {}
            // Plain HTTP only where nobody else is on the wire.
            "http" if loopback => {}
            _ => return Err(bad()),
        }
        Ok(RelayUrl(format!("{scheme}://{authority}")))
    }
}

fn valid_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.parse::<u16>().is_ok_and(|port| port > 0)
}

/// The exact bytes a request's signature covers (the relay's `auth::signed_message`).
pub(crate) fn signed_message(
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: i64,
    nonce: &str,
    device_id: &str,
) -> Vec<u8> {
    format!(
        "{CONTEXT}\n{}\n{path_and_query}\n{}\n{timestamp}\n{nonce}\n{device_id}",
        method.to_ascii_uppercase(),
        hex(&crate::crypto::sha256(body))
    )
    .into_bytes()
}

/// One answer of the relay: its status and JSON.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) json: serde_json::Value,
}

impl Answer {
    pub(crate) fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    pub(crate) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

pub(crate) fn failed(problem: RelayProblem) -> MigranError {
    MigranError::RelayFailed { problem }
}

/// A refusal the sync cannot go past, in the core's terms.
pub(crate) fn refusal(answer: &Answer) -> MigranError {
    failed(match answer.code() {
        "stale_timestamp" => RelayProblem::ClockWrong,
        "unknown_team" => RelayProblem::TeamNotRegistered,
        // A follower's channel the team has not registered yet: a member must sync
        // its links with the relay first, as for a device not enrolled yet.
        "unknown_device" | "unknown_link" => RelayProblem::NotEnrolled,
        "removed_device" => RelayProblem::RemovedDevice,
        "too_large" => RelayProblem::TooLarge,
        "team_storage_full" => RelayProblem::StorageFull,
        "unavailable" | "rate_limited" => RelayProblem::Unavailable,
        _ => RelayProblem::Refused,
    })
}

/// Signs and sends requests as this device, retrying what can be retried.
pub(crate) struct Client {
    agent: ureq::Agent,
    base: RelayUrl,
    keys: DeviceKeys,
}

impl Client {
    pub(crate) fn new(base: RelayUrl, keys: DeviceKeys) -> Client {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(15))
            .timeout_read(Duration::from_secs(120))
            .timeout_write(Duration::from_secs(120))
            .build();
        Client { agent, base, keys }
    }

    /// Sends one request; retries a broken connection, a cut answer, `unavailable`
    /// (503), `rate_limited` (429) and `internal` (500) up to [`ATTEMPTS`] times, each
    /// signed anew (a nonce is good once). The same body every time, so a push whose
    /// answer was lost comes back as a duplicate.
    pub(crate) fn send(&self, method: &str, path: &str, body: &[u8]) -> Result<Answer> {
        let mut wait = FIRST_BACKOFF;
        let mut last = RelayProblem::Unreachable;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(wait);
                wait *= 2;
            }
            match self.send_once(method, path, body)? {
                Sent::Answer(answer) if matches!(answer.status, 429 | 500 | 502 | 503 | 504) => {
                    last = RelayProblem::Unavailable;
                }
                Sent::Answer(answer) => return Ok(answer),
                Sent::Retry(retry_after) => {
                    last = RelayProblem::Unreachable;
                    if let Some(retry_after) = retry_after {
                        wait = wait.max(retry_after.min(MAX_RETRY_AFTER));
                    }
                }
            }
        }
        Err(failed(last))
    }

    fn send_once(&self, method: &str, path: &str, body: &[u8]) -> Result<Sent> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| failed(RelayProblem::ClockWrong))?
            .as_secs() as i64;
        let mut nonce = [0u8; 16];
        crate::crypto::fill_random(&mut nonce)?;
        let nonce = hex(&nonce);
        let message = signed_message(method, path, body, timestamp, &nonce, &self.keys.device_id);
        let signature = BASE64.encode(self.keys.sign(&message));
        let request = self
            .agent
            .request(method, &format!("{}{path}", self.base.0))
            .set("x-migran-device", &self.keys.device_id)
            .set("x-migran-timestamp", &timestamp.to_string())
            .set("x-migran-nonce", &nonce)
            .set("x-migran-signature", &signature)
            .set("content-type", "application/octet-stream");
        let response = match request.send_bytes(body) {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            // Connection refused, reset, cut, timed out, TLS: try again.
            Err(ureq::Error::Transport(_)) => return Ok(Sent::Retry(None)),
        };
        let status = response.status();
        let retry_after = response
            .header("retry-after")
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut text = Vec::new();
        if response
            .into_reader()
            .take(MAX_ANSWER_BYTES)
            .read_to_end(&mut text)
            .is_err()
        {
            // The answer was cut off: as if it never came.
            return Ok(Sent::Retry(retry_after));
        }
        match serde_json::from_slice(&text) {
            Ok(json) => {
                if matches!(status, 429 | 503) {
                    if let Some(retry_after) = retry_after {
                        std::thread::sleep(retry_after.min(MAX_RETRY_AFTER));
                    }
                }
                Ok(Sent::Answer(Answer { status, json }))
            }
            // A proxy's error page, or a cut answer that still parsed as HTTP.
            Err(_) if status >= 500 => Ok(Sent::Retry(retry_after)),
            Err(_) => Err(failed(RelayProblem::Refused)),
        }
    }
}

enum Sent {
    Answer(Answer),
    Retry(Option<Duration>),
}

#[derive(Deserialize)]
struct PulledBundle {
    seq: u64,
    device_id: String,
    body: String,
}

#[derive(Deserialize)]
struct PullAnswer {
    bundles: Vec<PulledBundle>,
    last_seq: u64,
    more: bool,
}

/// What this vault knows of one relay.
struct RelayState {
    registered: bool,
    cursor: u64,
    /// (device id, removed) already told to the relay.
    told: Vec<(String, bool)>,
}

fn load_state(s: &Session<'_>, url: &RelayUrl) -> Result<RelayState> {
    let row: Option<(bool, i64)> = s
        .conn
        .query_row(
            "SELECT registered, cursor FROM sync_relays WHERE url = ?1",
            [&url.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (registered, cursor) = match row {
        Some(row) => row,
        None => {
            s.conn.execute(
                "INSERT INTO sync_relays (url, registered, cursor, pushed_state) VALUES (?1, 0, 0, '')",
                [&url.0],
            )?;
            (false, 0)
        }
    };
    let told = s
        .conn
        .prepare("SELECT device_id, removed FROM sync_relay_devices WHERE url = ?1")?
        .query_map([&url.0], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(RelayState {
        registered,
        cursor: cursor as u64,
        told,
    })
}

fn set_cursor(s: &Session<'_>, url: &RelayUrl, cursor: u64) -> Result<()> {
    s.conn.execute(
        "UPDATE sync_relays SET cursor = ?2 WHERE url = ?1",
        params![url.0, cursor as i64],
    )?;
    Ok(())
}

/// What a push would carry news of: this device's vector and the team's certificates.
/// The same state as at the last push: the relay's log already has it all.
fn push_state(s: &Session<'_>) -> Result<String> {
    let vector = feed::own_vector(s.conn)?;
    let roster = team::roster(s.conn)?;
    let text = serde_json::to_vec(&(vector, roster))
        .map_err(|_| MigranError::internal("the sync state did not serialise"))?;
    Ok(hex(&crate::crypto::sha256(&text)))
}

struct RelaySync<'a> {
    vault: &'a Vault,
    client: Option<Client>,
    base: RelayUrl,
    listener: Option<Arc<dyn RelaySyncListener>>,
    summary: RelaySyncSummary,
}

impl RelaySync<'_> {
    fn progress(&mut self, stage: RelaySyncStage, done: u32, total: u32) {
        let failed = self
            .listener
            .as_ref()
            .is_some_and(|listener| listener.on_progress(stage, done, total).is_err());
        if failed {
            self.listener = None;
        }
    }

    fn client(&self) -> Result<&Client> {
        self.client
            .as_ref()
            .ok_or_else(|| MigranError::internal("relay client missing"))
    }

    fn run(&mut self) -> Result<RelaySyncSummary> {
        let mut is_creator = false;
        match self.run_as(&mut is_creator) {
            // The first device always registers its team itself: if the relay does not
            // know it, someone else registered the team's id first.
            Err(MigranError::RelayFailed {
                problem: RelayProblem::NotEnrolled,
            }) if is_creator => Err(failed(RelayProblem::TeamTaken)),
            other => other,
        }
    }

    fn run_as(&mut self, creator_out: &mut bool) -> Result<RelaySyncSummary> {
        let base = self.base.clone();
        let (keys, team_id, state, members, removed, creator) = self.vault.write(|s| {
            let team = team::require_team(s.conn)?;
            let keys = team::device_keys(s.conn)?;
            let roster = team::roster(s.conn)?;
            let state = load_state(s, &base)?;
            // The creator's certificate is the one it signed itself.
            let creator = roster
                .members
                .iter()
                .find(|member| member.admitted_by == member.device_id)
                .map(|member| member.device_id.clone());
            let removed: Vec<String> = roster
                .members
                .iter()
                .filter(|member| roster.removed_in(&member.device_id).is_some())
                .map(|member| member.device_id.clone())
                .collect();
            let members: Vec<(String, String)> = roster
                .active_except(&keys.device_id)
                .into_iter()
                .map(|member| (member.device_id.clone(), member.signing_key.clone()))
                .collect();
            Ok((keys, team.team_id, state, members, removed, creator))
        })?;
        let is_creator = creator.as_deref() == Some(keys.device_id.as_str());
        *creator_out = is_creator;
        let public_key = BASE64.encode(keys.signing_public());
        let own_id = keys.device_id.clone();
        self.client = Some(Client::new(base.clone(), keys));

        let mut state = state;
        if is_creator && !state.registered {
            self.register(&team_id, &own_id, &public_key)?;
            state.registered = true;
        }
        let first = self
            .membership(&team_id, &state, &members, &removed)
            .and_then(|()| self.pull(&team_id, &own_id, state.cursor));
        let cursor = match first {
            Err(MigranError::RelayFailed {
                problem: RelayProblem::TeamNotRegistered,
            }) if is_creator => {
                // The relay lost the team (a new relay at the same address): start over.
                self.register(&team_id, &own_id, &public_key)?;
                self.vault.write(|s| {
                    s.conn
                        .execute("DELETE FROM sync_relay_devices WHERE url = ?1", [&self.base.0])?;
                    s.conn.execute(
                        "UPDATE sync_relays SET cursor = 0, pushed_state = '' WHERE url = ?1",
                        [&self.base.0],
                    )?;
                    Ok(())
                })?;
                state.told.clear();
                self.membership(&team_id, &state, &members, &removed)?;
                self.pull(&team_id, &own_id, 0)?
            }
            other => other?,
        };
        self.push(&team_id)?;
        self.summary.cursor = self.pull(&team_id, &own_id, cursor)?;
        Ok(self.summary.clone())
    }

    fn register(&mut self, team_id: &str, device_id: &str, public_key: &str) -> Result<()> {
        let body = serde_json::json!({
            "team_id": team_id,
            "device_id": device_id,
            "public_key": public_key,
        });
        let body =
            serde_json::to_vec(&body).map_err(|_| MigranError::internal("a request did not serialise"))?;
        let answer = self.client()?.send("POST", "/v1/teams", &body)?;
        match (answer.status, answer.code()) {
            (201, _) => self.summary.registered_team = true,
            // Registered before (a retry whose answer was lost, or an earlier sync that
            // did not record it): the next signed request tells whether it was this
            // device (TeamTaken otherwise).
            (409, "team_exists") => {}
            _ => return Err(refusal(&answer)),
        }
        self.vault.write(|s| {
            s.conn.execute(
                "UPDATE sync_relays SET registered = 1 WHERE url = ?1",
                [&self.base.0],
            )?;
            Ok(())
        })
    }

    /// Enrols the active members the relay was not told of and refuses the removed ones.
    fn membership(
        &mut self,
        team_id: &str,
        state: &RelayState,
        members: &[(String, String)],
        removed: &[String],
    ) -> Result<()> {
        let told = |device: &str, as_removed: bool| {
            state
                .told
                .iter()
                .any(|(id, was_removed)| id == device && (*was_removed || !as_removed))
        };
        let to_enrol: Vec<&(String, String)> = members.iter().filter(|(id, _)| !told(id, false)).collect();
        let to_remove: Vec<&String> = removed.iter().filter(|id| !told(id, true)).collect();
        let total = (to_enrol.len() + to_remove.len()) as u32;
        let mut done = 0;
        if total > 0 {
            self.progress(RelaySyncStage::Enrolling, 0, total);
        }
        for (device_id, signing_hex) in to_enrol {
            let key = from_hex(signing_hex)
                .ok_or_else(|| MigranError::internal("a stored member key is malformed"))?;
            let body = serde_json::json!({ "device_id": device_id, "public_key": BASE64.encode(key) });
            let body = serde_json::to_vec(&body)
                .map_err(|_| MigranError::internal("a request did not serialise"))?;
            let answer = self
                .client()?
                .send("POST", &format!("/v1/teams/{team_id}/devices"), &body)?;
            match (answer.status, answer.code()) {
                (201, _) => self.summary.devices_enrolled += 1,
                // Another member enrolled it first (or removed it: the relay keeps that).
                (409, "device_exists") => {}
                (404, "unknown_team") => return Err(failed(RelayProblem::TeamNotRegistered)),
                _ => return Err(refusal(&answer)),
            }
            self.remember(device_id, false)?;
            done += 1;
            self.progress(RelaySyncStage::Enrolling, done, total);
        }
        for device_id in to_remove {
            let answer =
                self.client()?
                    .send("DELETE", &format!("/v1/teams/{team_id}/devices/{device_id}"), &[])?;
            match (answer.status, answer.code()) {
                (200, _) => self.summary.devices_removed += 1,
                // The relay never knew it (or, the same code, does not know this device:
                // then the pull below fails with `NotEnrolled`). Told as removed, so that
                // this device never enrols it later.
                (401, "unknown_device") => {}
                (404, "unknown_team") => return Err(failed(RelayProblem::TeamNotRegistered)),
                _ => return Err(refusal(&answer)),
            }
            self.remember(device_id, true)?;
            done += 1;
            self.progress(RelaySyncStage::Enrolling, done, total);
        }
        Ok(())
    }

    fn remember(&self, device_id: &str, removed: bool) -> Result<()> {
        self.vault.write(|s| {
            s.conn.execute(
                "INSERT INTO sync_relay_devices (url, device_id, removed) VALUES (?1, ?2, ?3)
                 ON CONFLICT (url, device_id) DO UPDATE SET removed = excluded.removed",
                params![self.base.0, device_id, removed],
            )?;
            Ok(())
        })
    }

    /// Pulls and applies every bundle after `cursor`; returns the new cursor.
    fn pull(&mut self, team_id: &str, own_id: &str, mut cursor: u64) -> Result<u64> {
        let start = cursor;
        let mut done = 0u32;
        loop {
            let path = format!("/v1/teams/{team_id}/bundles?after={cursor}&limit={PAGE}");
            let answer = self.client()?.send("GET", &path, &[])?;
            if !answer.ok() {
                return Err(refusal(&answer));
            }
            let page: PullAnswer =
                serde_json::from_value(answer.json).map_err(|_| failed(RelayProblem::Refused))?;
            if page.last_seq < cursor {
                // The relay's log is shorter than where this device stood: a new relay at
                // the same address. Everything again; what is held is passed over.
                cursor = 0;
                self.vault.write(|s| set_cursor(s, &self.base, 0))?;
                continue;
            }
            let total = page.last_seq.saturating_sub(start) as u32;
            self.progress(RelaySyncStage::Pulling, done, total);
            for pulled in page.bundles {
                if pulled.seq <= cursor {
                    return Err(failed(RelayProblem::Refused));
                }
                let body = BASE64
                    .decode(pulled.body.as_bytes())
                    .map_err(|_| failed(RelayProblem::Refused))?;
                if pulled.device_id == own_id {
                    self.vault.write(|s| set_cursor(s, &self.base, pulled.seq))?;
                } else {
                    self.apply(body, pulled.seq)?;
                }
                cursor = pulled.seq;
                done += 1;
                self.progress(RelaySyncStage::Pulling, done, total);
            }
            if !page.more {
                return Ok(cursor);
            }
        }
    }

    /// Imports one pulled bundle and moves the cursor past it, in one transaction.
    fn apply(&mut self, body: Vec<u8>, seq: u64) -> Result<()> {
        let base = &self.base;
        match self.vault.write(|s| {
            let report = bundle::import(s, &body)?;
            set_cursor(s, base, seq)?;
            Ok(report)
        }) {
            Ok(report) => {
                if report.erased > 0 {
                    // Erased persons' old pages must not survive in the WAL.
                    self.vault.checkpoint()?;
                }
                let written = report.applied + report.erased + report.conflicts;
                self.vault
                    .audit_on_this_device(AuditAction::Import, written as usize)?;
                self.summary.bundles_pulled += 1;
                self.summary.changes_applied += report.applied;
                self.summary.conflicts += report.conflicts;
                Ok(())
            }
            // Refused bundles are refused the same way by every try: pass over them. A
            // replay is one applied before (by file); the others are in docs/relay.md.
            Err(MigranError::SyncRefused { .. }) => {
                self.vault.write(|s| set_cursor(s, base, seq))?;
                self.summary.bundles_skipped += 1;
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// Pushes this device's news, unless the relay already has all of it.
    fn push(&mut self, team_id: &str) -> Result<()> {
        let pushed_state = self.vault.read(|s| {
            Ok(s.conn.query_row(
                "SELECT pushed_state FROM sync_relays WHERE url = ?1",
                [&self.base.0],
                |row| row.get::<_, String>(0),
            )?)
        })?;
        let export = self.vault.write(|s| {
            let state = push_state(s)?;
            if state == pushed_state {
                return Ok(None);
            }
            let (bytes, changes) = bundle::export(s, None)?;
            Ok(Some((bytes, changes, state)))
        })?;
        let Some((bytes, changes, state)) = export else {
            return Ok(());
        };
        self.vault.audit_on_this_device(AuditAction::Export, changes)?;
        self.progress(RelaySyncStage::Pushing, 0, 1);
        let answer = self
            .client()?
            .send("POST", &format!("/v1/teams/{team_id}/bundles"), &bytes)?;
        if !answer.ok() {
            return Err(refusal(&answer));
        }
        if answer.json["seq"].as_u64().is_none() {
            return Err(failed(RelayProblem::Refused));
        }
        self.vault.write(|s| {
            s.conn.execute(
                "UPDATE sync_relays SET pushed_state = ?2 WHERE url = ?1",
                params![self.base.0, state],
            )?;
            Ok(())
        })?;
        self.summary.bundles_pushed += 1;
        self.progress(RelaySyncStage::Pushing, 1, 1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_without_a_path() {
        for good in [
            "https://relay.desa-contoh.example",
            "https://relay.desa-contoh.example:8443/",
            "http://127.0.0.1:8780",
            "http://localhost:8780",
            "http://[::1]:8780",
            "HTTPS://Relay.Example",
        ] {
            assert!(RelayUrl::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "http://relay.desa-contoh.example",
            "http://192.168.1.10:8780",
            "ftp://127.0.0.1",
            "relay.example",
            "https://relay.example/prefix",
            "https://user@relay.example",
            "https://relay.example?x=1",
            "https://relay.example:0",
            "https://relay.example:99999",
            "https://",
            "http://127.0.0.1.evil.example",
        ] {
            assert_eq!(
                RelayUrl::parse(bad),
                Err(failed(RelayProblem::BadAddress)),
                "{bad}"
            );
        }
        assert_eq!(
            RelayUrl::parse("HTTPS://Relay.Example/").unwrap().0,
            "https://relay.example"
        );
    }

    #[test]
    fn the_signed_message_has_the_relays_layout() {
        let message = signed_message(
            "post",
            "/v1/teams/t/bundles?after=1",
            b"",
            1_700_000_000,
            "n0nce",
            "dev",
        );
        assert_eq!(
            String::from_utf8(message).unwrap(),
            "migran-relay/v1\nPOST\n/v1/teams/t/bundles?after=1\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n1700000000\nn0nce\ndev"
        );
    }
}
