//! The HTTP API (axum). Every route but `/v1/health` is signed (see `auth`); every
//! refusal is the JSON of `error::RelayError`. The relay only stores and hands back
//! opaque bytes: it never parses a bundle.
//!
//! | method and path | what |
//! |---|---|
//! | `GET /v1/health` | `{"status":"ok"}` |
//! | `POST /v1/teams` | register a team with its first device: `{team_id, device_id, public_key}` signed by that key |
//! | `POST /v1/teams/{team}/devices` | enrol a device: `{device_id, public_key}`, signed by an enrolled device |
//! | `DELETE /v1/teams/{team}/devices/{device}` | remove a device, signed by an enrolled device |
//! | `POST /v1/teams/{team}/bundles` | push a bundle (the body): `{seq, duplicate}` |
//! | `GET /v1/teams/{team}/bundles?after=N&limit=M` | a page: `{bundles: [{seq, device_id, body (base64)}], last_seq, more}` |
//! | `POST /v1/teams/{team}/district-reports` | a village's report to its district (counts only), signed by an enrolled device |
//! | `POST /v1/teams/{team}/links` | register a follow link's channel: `{link_id, kind, device_id, public_key}`, signed by an enrolled device |
//! | `DELETE /v1/teams/{team}/links/{link}` | end a link: its files are deleted, the follower is refused from then on: `{ended: true, ended_now}` |
//! | `PUT /v1/teams/{team}/links/{link}/view?seq=N` | a member's newest view for the follower (the body); the highest `seq` is kept |
//! | `GET /v1/teams/{team}/links/{link}/events?after=N` | the migrant phone's newest events file, if its number is above N |
//! | `GET /v1/follow/{team}/{link}/view?after=N` | the follower, signed by its own key for this link only: the newest view above N |
//! | `PUT /v1/follow/{team}/{link}/events?seq=N` | the migrant's phone: its newest events file (the body) |
//! | `GET /v1/districts/{district}/totals?from=&to=` | the district's totals, small cells hidden (unsigned: public) |
//! | `GET /districts/{district}?from=&to=&lang=en` | the same as a page (HTML, no script) |

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use http_body_util::BodyExt;
use ring::digest::{digest, SHA256};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{self, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use crate::dashboard::{self, Lang};
use crate::district;
use crate::error::{Code, RelayError};
use crate::store::{
    DeviceLookup, LinkFile, LinkLookup, LinkRegistered, NewBundle, NewLink, NewLinkFile, SharedStore,
    StoreError, Submitted,
};

/// What the relay accepts; each has a command-line flag (`migran-relay --help`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest bundle a push may carry.
    pub max_bundle_bytes: usize,
    /// All bundles of one team together.
    pub max_team_bytes: i64,
    /// Signed requests per device per minute.
    pub requests_per_minute: u32,
    /// Most bundles in one page of a pull.
    pub page_max_bundles: i64,
    /// Most body bytes in one page (a single larger bundle still comes, alone).
    pub page_max_bytes: i64,
    /// How far a request's timestamp may be from the relay's clock, either way.
    pub max_clock_skew_secs: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bundle_bytes: 32 * 1024 * 1024,
            max_team_bytes: 2 * 1024 * 1024 * 1024,
            requests_per_minute: 600,
            page_max_bundles: 100,
            page_max_bytes: 32 * 1024 * 1024,
            max_clock_skew_secs: 300,
        }
    }
}

/// Registration and enrolment bodies are a few hundred bytes.
const MAX_JSON_BYTES: usize = 16 * 1024;
/// An oversized body is read and dropped up to this much past the limit, so the client
/// gets the 413 instead of a reset connection; beyond it the connection is dropped.
const DRAIN_BYTES: usize = 8 * 1024 * 1024;
const MINUTE: Duration = Duration::from_secs(60);

struct Relay {
    store: SharedStore,
    limits: Limits,
    /// (team, device) -> (start of its current minute, requests in it). Per relay
    /// process: replicas behind a load balancer each count their own share.
    rate: Mutex<HashMap<(String, String), (Instant, u32)>>,
}

type Shared = State<Arc<Relay>>;

/// The relay's routes on `store` with `limits`.
pub fn router(store: SharedStore, limits: Limits) -> Router {
    let relay = Arc::new(Relay {
        store,
        limits,
        rate: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/teams", post(register_team))
        .route("/v1/teams/{team}/devices", post(enrol_device))
        .route("/v1/teams/{team}/devices/{device}", delete(remove_device))
        .route("/v1/teams/{team}/bundles", post(push).get(pull))
        .route("/v1/teams/{team}/district-reports", post(submit_district_report))
        .route("/v1/teams/{team}/links", post(register_link))
        .route("/v1/teams/{team}/links/{link}", delete(end_link))
        .route("/v1/teams/{team}/links/{link}/view", put(put_view))
        .route("/v1/teams/{team}/links/{link}/events", get(member_events))
        .route("/v1/follow/{team}/{link}/view", get(follower_view))
        .route("/v1/follow/{team}/{link}/events", put(follower_events))
        .route("/v1/districts/{district}/totals", get(district_totals))
        .route("/districts/{district}", get(district_page))
        .fallback(|| async { RelayError(Code::NotFound) })
        .method_not_allowed_fallback(|| async { RelayError(Code::MethodNotAllowed) })
        // Bodies are read and limited by `read_body`, with the relay's own refusal.
        .layer(DefaultBodyLimit::disable())
        .with_state(relay)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn store_refusal(err: StoreError) -> RelayError {
    if matches!(err, StoreError::Internal(_) | StoreError::Unavailable(_)) {
        // Engine messages name tables and states, never a stored value.
        eprintln!("migran-relay: storage: {err}");
    }
    RelayError(err.code())
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The body, whole, or a refusal: too large (413) or cut off / unreadable (400).
async fn read_body(headers: &HeaderMap, mut body: Body, limit: usize) -> Result<Vec<u8>, RelayError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > (limit + DRAIN_BYTES) as u64) {
        return Err(RelayError(Code::TooLarge));
    }
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| RelayError(Code::BadRequest))?;
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > limit + DRAIN_BYTES {
                break;
            }
            if seen <= limit {
                bytes.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        return Err(RelayError(Code::TooLarge));
    }
    Ok(bytes)
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, RelayError> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .ok_or(RelayError(Code::MissingAuth))
}

struct Claimed<'a> {
    device_id: &'a str,
    timestamp: i64,
    nonce: &'a str,
    signature: &'a str,
}

/// The signature headers, well formed and within the clock window.
fn claimed<'a>(relay: &Relay, parts: &'a Parts) -> Result<Claimed<'a>, RelayError> {
    let device_id = header_text(&parts.headers, HEADER_DEVICE)?;
    let timestamp = header_text(&parts.headers, HEADER_TIMESTAMP)?
        .parse::<i64>()
        .map_err(|_| RelayError(Code::MissingAuth))?;
    let nonce = header_text(&parts.headers, HEADER_NONCE)?;
    let signature = header_text(&parts.headers, HEADER_SIGNATURE)?;
    if !auth::valid_id(device_id, 1, 64) || !auth::valid_id(nonce, 16, 64) {
        return Err(RelayError(Code::MissingAuth));
    }
    if (now() - timestamp).abs() > relay.limits.max_clock_skew_secs {
        return Err(RelayError(Code::StaleTimestamp));
    }
    Ok(Claimed {
        device_id,
        timestamp,
        nonce,
        signature,
    })
}

fn signature_holds(parts: &Parts, body: &[u8], claim: &Claimed<'_>, public_key: &[u8]) -> bool {
    let path = parts
        .uri
        .path_and_query()
        .map(|path| path.as_str())
        .unwrap_or_else(|| parts.uri.path());
    let message = auth::signed_message(
        parts.method.as_str(),
        path,
        body,
        claim.timestamp,
        claim.nonce,
        claim.device_id,
    );
    auth::verify(public_key, &message, claim.signature)
}

impl Relay {
    fn count_request(&self, team_id: &str, device_id: &str) -> Result<(), RelayError> {
        let mut rate = self.rate.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if rate.len() > 100_000 {
            rate.retain(|_, (start, _)| now.duration_since(*start) < MINUTE);
        }
        let entry = rate
            .entry((team_id.to_owned(), device_id.to_owned()))
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= MINUTE {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > self.limits.requests_per_minute {
            Err(RelayError(Code::RateLimited))
        } else {
            Ok(())
        }
    }

    async fn spend_nonce(&self, team_id: &str, claim: &Claimed<'_>) -> Result<(), RelayError> {
        self.spend_nonce_of(team_id, claim.device_id, claim.nonce).await
    }

    /// Records `nonce` as used by `owner` (a device id, or a link's follower).
    async fn spend_nonce_of(&self, team_id: &str, owner: &str, nonce: &str) -> Result<(), RelayError> {
        let now = now();
        // Kept twice the window: any timestamp still accepted has its nonce on record.
        let forget_before = now - 2 * self.limits.max_clock_skew_secs - 1;
        let fresh = self
            .store
            .use_nonce(team_id, owner, nonce, now, forget_before)
            .await
            .map_err(store_refusal)?;
        if fresh {
            Ok(())
        } else {
            Err(RelayError(Code::ReplayedNonce))
        }
    }

    /// The enrolled, not removed device that signed this request.
    async fn authenticate(&self, team_id: &str, parts: &Parts, body: &[u8]) -> Result<String, RelayError> {
        let claim = claimed(self, parts)?;
        match self
            .store
            .device(team_id, claim.device_id)
            .await
            .map_err(store_refusal)?
        {
            DeviceLookup::NoTeam => return Err(RelayError(Code::UnknownTeam)),
            DeviceLookup::NoDevice => return Err(RelayError(Code::UnknownDevice)),
            DeviceLookup::Found { public_key, removed } => {
                if !signature_holds(parts, body, &claim, &public_key) {
                    return Err(RelayError(Code::BadSignature));
                }
                if removed {
                    return Err(RelayError(Code::RemovedDevice));
                }
            }
        }
        self.count_request(team_id, claim.device_id)?;
        self.spend_nonce(team_id, &claim).await?;
        Ok(claim.device_id.to_owned())
    }
}

impl Relay {
    /// A request to a team route: its head, its body (at most `limit` bytes) and the
    /// team device that signed it.
    async fn member_request(
        &self,
        team_id: &str,
        request: Request,
        limit: usize,
    ) -> Result<(Parts, Vec<u8>, String), RelayError> {
        let (parts, body) = request.into_parts();
        let body = read_body(&parts.headers, body, limit).await?;
        let device_id = self.authenticate(team_id, &parts, &body).await?;
        Ok((parts, body, device_id))
    }

    /// A request to a follower's channel: its head, its body (at most `limit` bytes) and
    /// the kind of the link whose key signed it.
    async fn follower_request(
        &self,
        team_id: &str,
        link_id: &str,
        request: Request,
        limit: usize,
    ) -> Result<(Parts, Vec<u8>, String), RelayError> {
        let (parts, body) = request.into_parts();
        let body = read_body(&parts.headers, body, limit).await?;
        let kind = self
            .authenticate_follower(team_id, link_id, &parts, &body)
            .await?;
        Ok((parts, body, kind))
    }
}

/// Who the relay knows a follower by in its nonce and request counts: the link, never
/// a team device (a follower is none).
fn follower_name(link_id: &str) -> String {
    format!("link:{link_id}")
}

impl Relay {
    /// The follower of this link, signed by the key registered for it: only its own
    /// channel, never another's, never a team route. A link ended is `link_ended`.
    /// Returns the link's kind.
    async fn authenticate_follower(
        &self,
        team_id: &str,
        link_id: &str,
        parts: &Parts,
        body: &[u8],
    ) -> Result<String, RelayError> {
        let claim = claimed(self, parts)?;
        let kind = match self.store.link(team_id, link_id).await.map_err(store_refusal)? {
            LinkLookup::NoTeam => return Err(RelayError(Code::UnknownTeam)),
            LinkLookup::NoLink => return Err(RelayError(Code::UnknownLink)),
            LinkLookup::Found {
                kind,
                device_id,
                public_key,
                ended,
            } => {
                if device_id != claim.device_id {
                    return Err(RelayError(Code::UnknownDevice));
                }
                if !signature_holds(parts, body, &claim, &public_key) {
                    return Err(RelayError(Code::BadSignature));
                }
                if ended {
                    return Err(RelayError(Code::LinkEnded));
                }
                kind
            }
        };
        let owner = follower_name(link_id);
        self.count_request(team_id, &owner)?;
        self.spend_nonce_of(team_id, &owner, claim.nonce).await?;
        Ok(kind)
    }
}

fn team_and_link(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(String, String), RelayError> {
    match path {
        Ok(Path((team, link))) if auth::valid_id(&team, 1, 64) => {
            if auth::valid_id(&link, 1, 64) {
                Ok((team, link))
            } else {
                Err(RelayError(Code::UnknownLink))
            }
        }
        Ok(_) => Err(RelayError(Code::UnknownTeam)),
        Err(_) => Err(RelayError(Code::BadRequest)),
    }
}

/// One number of the query (`seq`, `after`): whole, not negative; anything else ignored.
fn query_number(parts: &Parts, name: &str) -> Result<Option<i64>, RelayError> {
    let mut found = None;
    for pair in parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == name {
            let number = value
                .parse::<i64>()
                .ok()
                .filter(|number| *number >= 0)
                .ok_or(RelayError(Code::BadRequest))?;
            found = Some(number);
        }
    }
    Ok(found)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkRegistration {
    link_id: String,
    kind: String,
    device_id: String,
    public_key: String,
}

async fn register_link(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let team_id = team_path(path)?;
    let (_, body, by) = relay.member_request(&team_id, request, MAX_JSON_BYTES).await?;
    let registration: LinkRegistration =
        serde_json::from_slice(&body).map_err(|_| RelayError(Code::BadRequest))?;
    if !auth::valid_id(&registration.link_id, 16, 64)
        || !auth::valid_id(&registration.device_id, 1, 64)
        || !matches!(registration.kind.as_str(), "migrant" | "family")
    {
        return Err(RelayError(Code::BadRequest));
    }
    let key = public_key(&registration.public_key)?;
    let registered = relay
        .store
        .register_link(NewLink {
            team_id,
            link_id: registration.link_id.clone(),
            kind: registration.kind,
            device_id: registration.device_id,
            public_key: key,
            registered_by: by,
            now: now(),
        })
        .await
        .map_err(store_refusal)?;
    let status = match registered {
        LinkRegistered::New => StatusCode::CREATED,
        LinkRegistered::Again => StatusCode::OK,
    };
    Ok((status, Json(json!({ "link_id": registration.link_id }))).into_response())
}

async fn end_link(
    State(relay): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (team_id, link_id) = team_and_link(path)?;
    let (_, _, by) = relay.member_request(&team_id, request, MAX_JSON_BYTES).await?;
    let ended_now = relay
        .store
        .end_link(&team_id, &link_id, &by, now())
        .await
        .map_err(store_refusal)?;
    Ok(Json(json!({ "link_id": link_id, "ended": true, "ended_now": ended_now })).into_response())
}

/// Keeps a file in a channel: `201 {seq, kept: true}` when it is the newest, `200
/// {seq, kept: false}` (the number held) when a newer or the same is already there.
async fn keep_link_file(
    relay: &Relay,
    team_id: String,
    link_id: String,
    file: LinkFile,
    parts: &Parts,
    body: Vec<u8>,
) -> Result<Response, RelayError> {
    let seq = query_number(parts, "seq")?
        .filter(|seq| *seq > 0)
        .ok_or(RelayError(Code::BadRequest))?;
    if body.is_empty() {
        return Err(RelayError(Code::BadRequest));
    }
    let kept = relay
        .store
        .put_link_file(
            NewLinkFile {
                team_id,
                link_id,
                file,
                seq,
                body,
                now: now(),
            },
            relay.limits.max_team_bytes,
        )
        .await
        .map_err(store_refusal)?;
    let status = if kept.kept {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "seq": kept.seq, "kept": kept.kept }))).into_response())
}

/// A channel's newest file above `?after=` (0 when not given): `{seq, body (base64)}`,
/// or `{seq: null, body: null}` when there is none newer.
async fn hand_link_file(
    relay: &Relay,
    team_id: &str,
    link_id: &str,
    file: LinkFile,
    parts: &Parts,
) -> Result<Response, RelayError> {
    let after = query_number(parts, "after")?.unwrap_or(0);
    let held = relay
        .store
        .link_file(team_id, link_id, file, after)
        .await
        .map_err(store_refusal)?;
    Ok(Json(match held {
        Some((seq, body)) => json!({ "seq": seq, "body": BASE64.encode(body) }),
        None => json!({ "seq": null, "body": null }),
    })
    .into_response())
}

async fn put_view(
    State(relay): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (team_id, link_id) = team_and_link(path)?;
    let (parts, body, _) = relay
        .member_request(&team_id, request, relay.limits.max_bundle_bytes)
        .await?;
    keep_link_file(&relay, team_id, link_id, LinkFile::View, &parts, body).await
}

async fn member_events(
    State(relay): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (team_id, link_id) = team_and_link(path)?;
    let (parts, _, _) = relay.member_request(&team_id, request, MAX_JSON_BYTES).await?;
    hand_link_file(&relay, &team_id, &link_id, LinkFile::Events, &parts).await
}

async fn follower_view(
    State(relay): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (team_id, link_id) = team_and_link(path)?;
    let (parts, _, _) = relay
        .follower_request(&team_id, &link_id, request, MAX_JSON_BYTES)
        .await?;
    hand_link_file(&relay, &team_id, &link_id, LinkFile::View, &parts).await
}

async fn follower_events(
    State(relay): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (team_id, link_id) = team_and_link(path)?;
    let (parts, body, kind) = relay
        .follower_request(&team_id, &link_id, request, relay.limits.max_bundle_bytes)
        .await?;
    // The family follows; only the person's own phone reports back.
    if kind != "migrant" {
        return Err(RelayError(Code::WrongLinkKind));
    }
    keep_link_file(&relay, team_id, link_id, LinkFile::Events, &parts, body).await
}

fn team_path(path: Result<Path<String>, PathRejection>) -> Result<String, RelayError> {
    match path {
        Ok(Path(team)) if auth::valid_id(&team, 1, 64) => Ok(team),
        Ok(_) => Err(RelayError(Code::UnknownTeam)),
        Err(_) => Err(RelayError(Code::BadRequest)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    team_id: String,
    device_id: String,
    /// base64 of the 32-byte Ed25519 public key.
    public_key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Enrolment {
    device_id: String,
    public_key: String,
}

fn public_key(text: &str) -> Result<Vec<u8>, RelayError> {
    match BASE64.decode(text) {
        Ok(key) if key.len() == 32 => Ok(key),
        _ => Err(RelayError(Code::BadRequest)),
    }
}

async fn register_team(State(relay): Shared, request: Request) -> Result<Response, RelayError> {
    let (parts, body) = request.into_parts();
    let body = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let claim = claimed(&relay, &parts)?;
    let registration: Registration =
        serde_json::from_slice(&body).map_err(|_| RelayError(Code::BadRequest))?;
    if !auth::valid_id(&registration.team_id, 1, 64)
        || !auth::valid_id(&registration.device_id, 1, 64)
        || registration.device_id != claim.device_id
    {
        return Err(RelayError(Code::BadRequest));
    }
    let key = public_key(&registration.public_key)?;
    // The first device proves it holds the key it registers.
    if !signature_holds(&parts, &body, &claim, &key) {
        return Err(RelayError(Code::BadSignature));
    }
    relay.count_request(&registration.team_id, claim.device_id)?;
    relay
        .store
        .register_team(&registration.team_id, &registration.device_id, &key, now())
        .await
        .map_err(store_refusal)?;
    relay.spend_nonce(&registration.team_id, &claim).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "team_id": registration.team_id, "device_id": registration.device_id })),
    )
        .into_response())
}

async fn enrol_device(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let team_id = team_path(path)?;
    let (_, body, by) = relay.member_request(&team_id, request, MAX_JSON_BYTES).await?;
    let enrolment: Enrolment = serde_json::from_slice(&body).map_err(|_| RelayError(Code::BadRequest))?;
    if !auth::valid_id(&enrolment.device_id, 1, 64) {
        return Err(RelayError(Code::BadRequest));
    }
    let key = public_key(&enrolment.public_key)?;
    relay
        .store
        .enrol_device(&team_id, &enrolment.device_id, &key, &by, now())
        .await
        .map_err(store_refusal)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "device_id": enrolment.device_id })),
    )
        .into_response())
}

async fn remove_device(
    State(relay): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (team_id, device_id) = match path {
        Ok(Path((team, device))) if auth::valid_id(&team, 1, 64) => (team, device),
        Ok(_) => return Err(RelayError(Code::UnknownTeam)),
        Err(_) => return Err(RelayError(Code::BadRequest)),
    };
    relay.member_request(&team_id, request, MAX_JSON_BYTES).await?;
    if !auth::valid_id(&device_id, 1, 64) {
        return Err(RelayError(Code::UnknownDevice));
    }
    relay
        .store
        .remove_device(&team_id, &device_id, now())
        .await
        .map_err(store_refusal)?;
    Ok(Json(json!({ "device_id": device_id, "removed": true })).into_response())
}

#[derive(Serialize)]
struct PushAnswer {
    seq: i64,
    duplicate: bool,
}

async fn push(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let team_id = team_path(path)?;
    let (_, body, device_id) = relay
        .member_request(&team_id, request, relay.limits.max_bundle_bytes)
        .await?;
    if body.is_empty() {
        return Err(RelayError(Code::BadRequest));
    }
    let digest = digest(&SHA256, &body).as_ref().to_vec();
    let pushed = relay
        .store
        .push(
            NewBundle {
                team_id,
                device_id,
                body,
                digest,
                now: now(),
            },
            relay.limits.max_team_bytes,
        )
        .await
        .map_err(store_refusal)?;
    let status = if pushed.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(PushAnswer {
            seq: pushed.seq,
            duplicate: pushed.duplicate,
        }),
    )
        .into_response())
}

#[derive(Serialize)]
struct PulledBundle {
    seq: i64,
    device_id: String,
    body: String,
}

#[derive(Serialize)]
struct PullAnswer {
    bundles: Vec<PulledBundle>,
    last_seq: i64,
    more: bool,
}

/// `after` and `limit` from the query; anything else in it is ignored.
fn cursor(parts: &Parts, page_max: i64) -> Result<(i64, i64), RelayError> {
    let mut after = 0i64;
    let mut limit = page_max;
    for pair in parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || {
            value
                .parse::<i64>()
                .ok()
                .filter(|number| *number >= 0)
                .ok_or(RelayError(Code::BadRequest))
        };
        match key {
            "after" => after = number()?,
            "limit" => limit = number()?.clamp(1, page_max),
            _ => {}
        }
    }
    Ok((after, limit))
}

async fn pull(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let team_id = team_path(path)?;
    let (parts, _, _) = relay.member_request(&team_id, request, MAX_JSON_BYTES).await?;
    let (after, limit) = cursor(&parts, relay.limits.page_max_bundles)?;
    let page = relay
        .store
        .pull(&team_id, after, limit, relay.limits.page_max_bytes)
        .await
        .map_err(store_refusal)?;
    let last_returned = page.bundles.last().map(|bundle| bundle.seq).unwrap_or(after);
    Ok(Json(PullAnswer {
        more: last_returned < page.last_seq,
        last_seq: page.last_seq,
        bundles: page
            .bundles
            .into_iter()
            .map(|bundle| PulledBundle {
                seq: bundle.seq,
                device_id: bundle.device_id,
                body: BASE64.encode(bundle.body),
            })
            .collect(),
    })
    .into_response())
}

async fn submit_district_report(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let team_id = team_path(path)?;
    let (_, body, _) = relay
        .member_request(&team_id, request, district::MAX_SUBMISSION_BYTES)
        .await?;
    let submission: district::Submission =
        serde_json::from_slice(&body).map_err(|_| RelayError(Code::BadRequest))?;
    let report = district::validate(&team_id, submission, now())?;
    let (district, village_code, period_from, period_to) = (
        report.district.clone(),
        report.village_code.clone(),
        report.period_from.clone(),
        report.period_to.clone(),
    );
    let submitted = relay
        .store
        .submit_district_report(report)
        .await
        .map_err(store_refusal)?;
    let (status, replaced) = match submitted {
        Submitted::New => (StatusCode::CREATED, false),
        Submitted::Replaced => (StatusCode::OK, true),
    };
    Ok((
        status,
        Json(json!({
            "district": district,
            "village_code": village_code,
            "period_from": period_from,
            "period_to": period_to,
            "replaced": replaced,
        })),
    )
        .into_response())
}

/// The district's totals and the page's language from the path and query.
async fn district_view(
    relay: &Relay,
    path: Result<Path<String>, PathRejection>,
    parts: &Parts,
) -> Result<(district::Totals, Lang), RelayError> {
    let district_code = match path {
        Ok(Path(code)) if district::valid_code(&code) => code,
        Ok(_) => return Err(RelayError(Code::UnknownDistrict)),
        Err(_) => return Err(RelayError(Code::BadRequest)),
    };
    let (mut from, mut to, mut lang) = (None, None, Lang::Id);
    for pair in parts
        .uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "from" => from = Some(value.to_owned()),
            "to" => to = Some(value.to_owned()),
            "lang" if value == "en" => lang = Lang::En,
            _ => {}
        }
    }
    let period = match (&from, &to) {
        (None, None) => None,
        (Some(from), Some(to)) if district::valid_date(from) && district::valid_date(to) => {
            Some((from.as_str(), to.as_str()))
        }
        _ => return Err(RelayError(Code::BadRequest)),
    };
    let reports = relay
        .store
        .district_reports(&district_code)
        .await
        .map_err(store_refusal)?;
    Ok((district::totals(&district_code, &reports, period)?, lang))
}

async fn district_totals(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, RelayError> {
    let (parts, _) = request.into_parts();
    let (totals, _) = district_view(&relay, path, &parts).await?;
    Ok(Json(totals).into_response())
}

async fn district_page(
    State(relay): Shared,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let html = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    match district_view(&relay, path, &parts).await {
        Ok((totals, lang)) => (StatusCode::OK, html, dashboard::page(&totals, lang)).into_response(),
        Err(RelayError(code)) => {
            let (message_id, message_en) = code.messages();
            (
                code.status(),
                html,
                dashboard::error_page(code.as_str(), message_id, message_en),
            )
                .into_response()
        }
    }
}
