//! A village team: its members' certificates, the device's own keys, the team key per
//! epoch, and the enrolment exchange (docs/sync.md, "Membership").
//!
//! A device's Ed25519 signing key (ring) and X25519 agreement key (x25519-dalek) are
//! made at its first team use and kept in `sync_device`, inside `vault.db`: behind the
//! PIN like every record. The team key is handed to a device only wrapped to its X25519
//! key with a fresh X25519 key of the sender's.

use std::collections::BTreeMap;

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::crypto::{self, SecretKey};
use crate::error::{MigranError, Result};

use super::text::{self, from_hex, hex};
use super::{SyncRefusal, TeamRole};

const JOIN_PREFIX: &str = "MEJ1";
const ADMISSION_PREFIX: &str = "MEA1";

fn refused(reason: SyncRefusal) -> MigranError {
    MigranError::SyncRefused { reason }
}

/// A device's own keys.
pub(crate) struct DeviceKeys {
    pub device_id: String,
    pub signing: Ed25519KeyPair,
    agreement: x25519_dalek::StaticSecret,
}

impl DeviceKeys {
    pub(crate) fn signing_public(&self) -> &[u8] {
        self.signing.public_key().as_ref()
    }

    pub(crate) fn agreement_public(&self) -> [u8; 32] {
        x25519_dalek::PublicKey::from(&self.agreement).to_bytes()
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.signing.sign(message).as_ref().to_vec()
    }
}

/// The device's keys, made (and stored in the same transaction) when it has none yet.
pub(crate) fn device_keys(conn: &Connection) -> Result<DeviceKeys> {
    let (device_id, signing, agreement): (String, Option<Vec<u8>>, Option<Vec<u8>>) = conn.query_row(
        "SELECT device_id, signing_key, agreement_key FROM sync_device WHERE id = 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    let (signing, agreement) = match (signing, agreement) {
        (Some(signing), Some(agreement)) => (signing, agreement),
        _ => {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
                .map_err(|_| MigranError::internal("making a signing key failed"))?;
            let mut agreement = vec![0u8; 32];
            crypto::fill_random(&mut agreement)?;
            conn.execute(
                "UPDATE sync_device SET signing_key = ?1, agreement_key = ?2 WHERE id = 1",
                params![pkcs8.as_ref(), agreement],
            )?;
            (pkcs8.as_ref().to_vec(), agreement)
        }
    };
    let signing = Ed25519KeyPair::from_pkcs8(&signing)
        .map_err(|_| MigranError::internal("a stored signing key is damaged"))?;
    let agreement: [u8; 32] = agreement
        .as_slice()
        .try_into()
        .map_err(|_| MigranError::internal("a stored agreement key is damaged"))?;
    Ok(DeviceKeys {
        device_id,
        signing,
        agreement: x25519_dalek::StaticSecret::from(agreement),
    })
}

/// A member's certificate: its keys and role, signed by the member that admitted it
/// (the creator signs its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MemberCert {
    pub team_id: String,
    pub device_id: String,
    pub signing_key: String,
    pub agreement_key: String,
    pub role: TeamRole,
    pub admitted_by: String,
    /// The team key epoch when it was admitted: a member removed in an earlier or the
    /// same epoch cannot admit.
    pub epoch: u64,
    pub signature: String,
}

impl MemberCert {
    fn signed_bytes(&self) -> Vec<u8> {
        let role = serde_json::to_string(&self.role).unwrap_or_default();
        signed_text(&[
            "migran/v1/member",
            &self.team_id,
            &self.device_id,
            &self.signing_key,
            &self.agreement_key,
            &role,
            &self.admitted_by,
            &self.epoch.to_string(),
        ])
    }
}

/// A team key wrapped for one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KeyWrap {
    pub device_id: String,
    pub ephemeral: String,
    pub sealed: String,
}

/// The removal of a device: a new epoch whose key is wrapped for every other member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RemovalCert {
    pub team_id: String,
    pub device_id: String,
    pub epoch: u64,
    pub removed_by: String,
    pub wraps: Vec<KeyWrap>,
    pub signature: String,
}

impl RemovalCert {
    fn signed_bytes(&self) -> Vec<u8> {
        let mut parts = vec![
            "migran/v1/removal".to_string(),
            self.team_id.clone(),
            self.device_id.clone(),
            self.epoch.to_string(),
            self.removed_by.clone(),
        ];
        for wrap in &self.wraps {
            parts.extend([
                wrap.device_id.clone(),
                wrap.ephemeral.clone(),
                wrap.sealed.clone(),
            ]);
        }
        signed_text(&parts.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// The key id of the epoch this removal starts.
    pub(crate) fn key_id(&self) -> String {
        key_id(self.epoch, &self.removed_by)
    }
}

pub(crate) fn signed_text(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for part in parts {
        out.extend_from_slice(part.as_bytes());
        out.push(0);
    }
    out
}

/// A team key's id: its epoch and the member that made it (two removals made at once
/// on two devices make two keys of one epoch, told apart by their makers).
pub(crate) fn key_id(epoch: u64, maker: &str) -> String {
    format!("{epoch}:{maker}")
}

pub(crate) fn verify(public_key_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    match (from_hex(public_key_hex), from_hex(signature_hex)) {
        (Some(key), Some(signature)) => UnparsedPublicKey::new(&ED25519, key)
            .verify(message, &signature)
            .is_ok(),
        _ => false,
    }
}

/// Every certificate a team has: who is in it, who was removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Roster {
    pub members: Vec<MemberCert>,
    pub removals: Vec<RemovalCert>,
}

impl Roster {
    pub(crate) fn member(&self, device_id: &str) -> Option<&MemberCert> {
        self.members.iter().find(|member| member.device_id == device_id)
    }

    /// The epoch in which `device_id` was removed, if it was.
    pub(crate) fn removed_in(&self, device_id: &str) -> Option<u64> {
        self.removals
            .iter()
            .filter(|removal| removal.device_id == device_id)
            .map(|removal| removal.epoch)
            .min()
    }

    pub(crate) fn may_sign_in(&self, signer: &str, epoch: u64) -> Option<&MemberCert> {
        let member = self.member(signer)?;
        match self.removed_in(signer) {
            Some(removed) if removed <= epoch => None,
            _ => Some(member),
        }
    }

    /// Adds the certificates of `offered` that a member of this roster signed (or a
    /// member certified earlier in `offered`), until none more can be checked; the rest
    /// are ignored. The result is the same whatever order the certificates come in.
    pub(crate) fn absorb(&mut self, team_id: &str, offered: &Roster) {
        loop {
            let mut grew = false;
            for cert in &offered.members {
                if cert.team_id != team_id || self.member(&cert.device_id).is_some() {
                    continue;
                }
                let signer_ok = self
                    .may_sign_in(&cert.admitted_by, cert.epoch)
                    .is_some_and(|signer| verify(&signer.signing_key, &cert.signed_bytes(), &cert.signature));
                if signer_ok {
                    self.members.push(cert.clone());
                    grew = true;
                }
            }
            let mut removals: Vec<&RemovalCert> = offered.removals.iter().collect();
            removals.sort_by_key(|removal| removal.epoch);
            for cert in removals {
                if cert.team_id != team_id || self.removals.contains(cert) {
                    continue;
                }
                let signer_ok = self
                    .may_sign_in(&cert.removed_by, cert.epoch.saturating_sub(1))
                    .is_some_and(|signer| verify(&signer.signing_key, &cert.signed_bytes(), &cert.signature));
                if signer_ok {
                    self.removals.push(cert.clone());
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        self.members.sort_by(|a, b| a.device_id.cmp(&b.device_id));
        self.removals.sort_by(|a, b| {
            (a.epoch, &a.device_id, &a.removed_by).cmp(&(b.epoch, &b.device_id, &b.removed_by))
        });
    }

    /// The certificates of `offered` that chain to its creator's self-signed certificate
    /// (the root); a device that holds no roster yet trusts nothing else.
    pub(crate) fn chained_to_root(team_id: &str, offered: &Roster) -> Roster {
        let mut roster = Roster::default();
        if let Some(root) = offered
            .members
            .iter()
            .find(|member| member.admitted_by == member.device_id && member.epoch == 0)
        {
            if verify(&root.signing_key, &root.signed_bytes(), &root.signature) && root.team_id == team_id {
                roster.members.push(root.clone());
            }
        }
        roster.absorb(team_id, offered);
        roster
    }

    /// Members not removed, except `except`.
    pub(crate) fn active_except(&self, except: &str) -> Vec<&MemberCert> {
        self.members
            .iter()
            .filter(|member| member.device_id != except && self.removed_in(&member.device_id).is_none())
            .collect()
    }
}

/// The team this device is in.
pub(crate) struct Team {
    pub team_id: String,
    pub role: TeamRole,
    pub last_bundle: u64,
}

pub(crate) fn team(conn: &Connection) -> Result<Option<Team>> {
    Ok(conn
        .query_row(
            "SELECT team_id, role, last_bundle FROM sync_team WHERE id = 1",
            [],
            |row| {
                Ok(Team {
                    team_id: row.get(0)?,
                    role: row.get(1)?,
                    last_bundle: row.get::<_, i64>(2)? as u64,
                })
            },
        )
        .optional()?)
}

/// A phone that follows one person (docs/follow.md) never joins a team: it would then
/// hold every person's record.
fn refuse_if_following(conn: &Connection) -> Result<()> {
    let following: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM followed_link)", [], |row| {
        row.get(0)
    })?;
    if following {
        return Err(refused(SyncRefusal::AlreadyFollowing));
    }
    Ok(())
}

pub(crate) fn require_team(conn: &Connection) -> Result<Team> {
    team(conn)?.ok_or(refused(SyncRefusal::NotInTeam))
}

pub(crate) fn roster(conn: &Connection) -> Result<Roster> {
    let members = conn
        .prepare_cached("SELECT cert FROM sync_members ORDER BY device_id")?
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let removals = conn
        .prepare_cached("SELECT cert FROM sync_removals ORDER BY rowid")?
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let parse_failed = |_| MigranError::internal("a stored team certificate is malformed");
    Ok(Roster {
        members: members
            .iter()
            .map(|text| serde_json::from_str(text).map_err(parse_failed))
            .collect::<Result<_>>()?,
        removals: removals
            .iter()
            .map(|text| serde_json::from_str(text).map_err(parse_failed))
            .collect::<Result<_>>()?,
    })
}

/// Stores the roster's certificates not stored yet, and the keys of new epochs wrapped
/// for this device.
pub(crate) fn store_roster(conn: &Connection, roster: &Roster, keys: &DeviceKeys) -> Result<()> {
    for member in &roster.members {
        let cert = serde_json::to_string(member)
            .map_err(|_| MigranError::internal("a certificate did not serialise"))?;
        conn.prepare_cached("INSERT OR IGNORE INTO sync_members (device_id, cert) VALUES (?1, ?2)")?
            .execute(params![member.device_id, cert])?;
    }
    let team_id = require_team(conn)?.team_id;
    for removal in &roster.removals {
        let cert = serde_json::to_string(removal)
            .map_err(|_| MigranError::internal("a certificate did not serialise"))?;
        let added = conn
            .prepare_cached(
                "INSERT INTO sync_removals (device_id, epoch, removed_by, cert) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                removal.device_id,
                removal.epoch as i64,
                removal.removed_by,
                cert
            ])?;
        if added == 0 {
            continue;
        }
        if let Some(wrap) = removal.wraps.iter().find(|wrap| wrap.device_id == keys.device_id) {
            let key = unwrap_team_key(&team_id, &removal.key_id(), keys, wrap)?;
            store_team_key(conn, &removal.key_id(), removal.epoch, &key)?;
        }
    }
    Ok(())
}

pub(crate) fn store_team_key(conn: &Connection, key_id: &str, epoch: u64, key: &SecretKey) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sync_team_keys (key_id, epoch, team_key) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![key_id, epoch as i64, key.expose()])?;
    Ok(())
}

/// The key bundles are sealed with now: the newest epoch's (of two made at once, the one
/// whose id sorts first, on every device alike).
pub(crate) fn current_key(conn: &Connection) -> Result<(String, u64, SecretKey)> {
    let (key_id, epoch, bytes): (String, i64, Vec<u8>) = conn
        .query_row(
            "SELECT key_id, epoch, team_key FROM sync_team_keys ORDER BY epoch DESC, key_id ASC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?
        .ok_or(refused(SyncRefusal::NoTeamKey))?;
    let key =
        SecretKey::from_slice(&bytes).ok_or_else(|| MigranError::internal("a stored team key is damaged"))?;
    Ok((key_id, epoch as u64, key))
}

pub(crate) fn key_by_id(conn: &Connection, key_id: &str) -> Result<Option<SecretKey>> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT team_key FROM sync_team_keys WHERE key_id = ?1")?
        .query_row([key_id], |row| row.get(0))
        .optional()?;
    Ok(bytes.and_then(|bytes| SecretKey::from_slice(&bytes)))
}

/// What a wrapped key is for: its AAD label and its wrapping key's HKDF label differ, so
/// a team key's wrap can never be taken for a link key's, or the other way round.
#[derive(Clone, Copy)]
pub(crate) enum WrapPurpose {
    TeamKey,
    /// A follow link's key (docs/decisions/0013).
    LinkKey,
}

impl WrapPurpose {
    fn labels(self) -> (&'static str, &'static str) {
        match self {
            WrapPurpose::TeamKey => ("migran/v1/team-key", "migran/v1/team-key-wrap"),
            WrapPurpose::LinkKey => ("migran/v1/link-key", "migran/v1/link-key-wrap"),
        }
    }
}

fn wrap_aad(purpose: WrapPurpose, team_id: &str, key_id: &str, device_id: &str) -> Vec<u8> {
    signed_text(&[purpose.labels().0, team_id, key_id, device_id])
}

fn wrapping_key(
    purpose: WrapPurpose,
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    receiver: &[u8; 32],
) -> Result<SecretKey> {
    let mut salt = Vec::with_capacity(64);
    salt.extend_from_slice(ephemeral);
    salt.extend_from_slice(receiver);
    crypto::derive_subkey(shared, &salt, purpose.labels().1)
}

fn wrap_team_key(
    team_id: &str,
    key_id: &str,
    device_id: &str,
    receiver_hex: &str,
    key: &SecretKey,
) -> Result<KeyWrap> {
    wrap_for_device(
        WrapPurpose::TeamKey,
        team_id,
        key_id,
        device_id,
        receiver_hex,
        key,
    )
}

fn unwrap_team_key(team_id: &str, key_id: &str, keys: &DeviceKeys, wrap: &KeyWrap) -> Result<SecretKey> {
    unwrap_for_device(WrapPurpose::TeamKey, team_id, key_id, keys, wrap)
}

/// Wraps `key` for the device whose X25519 public key is `receiver_hex`, with a fresh
/// X25519 key of the sender's.
pub(crate) fn wrap_for_device(
    purpose: WrapPurpose,
    team_id: &str,
    key_id: &str,
    device_id: &str,
    receiver_hex: &str,
    key: &SecretKey,
) -> Result<KeyWrap> {
    let receiver: [u8; 32] = from_hex(receiver_hex)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(refused(SyncRefusal::Format))?;
    let mut ephemeral_secret = [0u8; 32];
    crypto::fill_random(&mut ephemeral_secret)?;
    let ephemeral_secret = x25519_dalek::StaticSecret::from(ephemeral_secret);
    let ephemeral = x25519_dalek::PublicKey::from(&ephemeral_secret).to_bytes();
    let shared = ephemeral_secret.diffie_hellman(&x25519_dalek::PublicKey::from(receiver));
    if !shared.was_contributory() {
        return Err(refused(SyncRefusal::Format));
    }
    let wrapping = wrapping_key(purpose, shared.as_bytes(), &ephemeral, &receiver)?;
    let sealed = crypto::seal_raw(
        &wrapping,
        &wrap_aad(purpose, team_id, key_id, device_id),
        key.expose(),
    )?;
    Ok(KeyWrap {
        device_id: device_id.to_string(),
        ephemeral: hex(&ephemeral),
        sealed: hex(&sealed),
    })
}

pub(crate) fn unwrap_for_device(
    purpose: WrapPurpose,
    team_id: &str,
    key_id: &str,
    keys: &DeviceKeys,
    wrap: &KeyWrap,
) -> Result<SecretKey> {
    let ephemeral: [u8; 32] = from_hex(&wrap.ephemeral)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(refused(SyncRefusal::Format))?;
    let sealed = from_hex(&wrap.sealed).ok_or(refused(SyncRefusal::Format))?;
    let shared = keys
        .agreement
        .diffie_hellman(&x25519_dalek::PublicKey::from(ephemeral));
    let wrapping = wrapping_key(purpose, shared.as_bytes(), &ephemeral, &keys.agreement_public())?;
    let plain = crypto::open_raw(
        &wrapping,
        &wrap_aad(purpose, team_id, key_id, &keys.device_id),
        &sealed,
    )?
    .ok_or(refused(SyncRefusal::Tampered))?;
    SecretKey::from_slice(&plain).ok_or(refused(SyncRefusal::Tampered))
}

fn certify(
    keys: &DeviceKeys,
    team_id: &str,
    request: &JoinRequest,
    role: TeamRole,
    epoch: u64,
) -> MemberCert {
    let mut cert = MemberCert {
        team_id: team_id.to_string(),
        device_id: request.device_id.clone(),
        signing_key: request.signing_key.clone(),
        agreement_key: request.agreement_key.clone(),
        role,
        admitted_by: keys.device_id.clone(),
        epoch,
        signature: String::new(),
    };
    cert.signature = hex(&keys.sign(&cert.signed_bytes()));
    cert
}

/// Makes a new team with this device as its first member.
pub(crate) fn create(conn: &Connection, role: TeamRole) -> Result<String> {
    if team(conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyInTeam));
    }
    refuse_if_following(conn)?;
    let keys = device_keys(conn)?;
    let team_id = crypto::new_row_id()?;
    conn.execute(
        "INSERT INTO sync_team (id, team_id, role, last_bundle) VALUES (1, ?1, ?2, 0)",
        params![team_id, role],
    )?;
    let own = own_request(&keys);
    let cert = certify(&keys, &team_id, &own, role, 0);
    store_roster(
        conn,
        &Roster {
            members: vec![cert],
            removals: vec![],
        },
        &keys,
    )?;
    store_team_key(conn, &key_id(0, &keys.device_id), 0, &SecretKey::random()?)?;
    Ok(team_id)
}

/// What a joining device shows: its id and public keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JoinRequest {
    pub device_id: String,
    pub signing_key: String,
    pub agreement_key: String,
}

pub(crate) fn own_request(keys: &DeviceKeys) -> JoinRequest {
    JoinRequest {
        device_id: keys.device_id.clone(),
        signing_key: hex(keys.signing_public()),
        agreement_key: hex(&keys.agreement_public()),
    }
}

impl JoinRequest {
    /// `MEJ1` and base32 of the device id (16 bytes) and the two public keys (32 each).
    pub(crate) fn text(&self) -> Result<String> {
        self.text_with(JOIN_PREFIX)
    }

    /// The same keys behind another prefix (`MEL1`: a follow link's request).
    pub(crate) fn text_with(&self, prefix: &str) -> Result<String> {
        let mut bytes =
            from_hex(&self.device_id).ok_or_else(|| MigranError::internal("a device id is not hex"))?;
        for part in [&self.signing_key, &self.agreement_key] {
            bytes.extend(from_hex(part).ok_or_else(|| MigranError::internal("a key is not hex"))?);
        }
        Ok(format!("{prefix}{}", text::base32(&bytes)))
    }

    pub(crate) fn parse(request: &str) -> Result<JoinRequest> {
        JoinRequest::parse_with(request, JOIN_PREFIX)
    }

    pub(crate) fn parse_with(request: &str, prefix: &str) -> Result<JoinRequest> {
        let body = request
            .trim()
            .strip_prefix(prefix)
            .ok_or(refused(SyncRefusal::Format))?;
        let bytes = text::from_base32(body).ok_or(refused(SyncRefusal::Format))?;
        if bytes.len() != 16 + 32 + 32 {
            return Err(refused(SyncRefusal::Format));
        }
        Ok(JoinRequest {
            device_id: hex(&bytes[..16]),
            signing_key: hex(&bytes[16..48]),
            agreement_key: hex(&bytes[48..]),
        })
    }

    /// What both people read aloud: 10 bytes of SHA-256 over the request, grouped.
    pub(crate) fn fingerprint(&self) -> Result<String> {
        self.fingerprint_with(JOIN_PREFIX)
    }

    pub(crate) fn fingerprint_with(&self, prefix: &str) -> Result<String> {
        Ok(text::grouped(
            &crypto::sha256(self.text_with(prefix)?.as_bytes())[..10],
        ))
    }
}

/// This device's join request.
pub(crate) fn join_request(conn: &Connection) -> Result<JoinRequest> {
    if team(conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyInTeam));
    }
    refuse_if_following(conn)?;
    Ok(own_request(&device_keys(conn)?))
}

/// The answer to a join request: the team key wrapped to the joining device and the
/// team's certificates, signed by the admitting member.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Admission {
    team_id: String,
    key_id: String,
    epoch: u64,
    role: TeamRole,
    wrap: KeyWrap,
    roster: Roster,
    admitted_by: String,
    signature: String,
}

impl Admission {
    fn signed_bytes(&self) -> Result<Vec<u8>> {
        let mut unsigned = self.clone();
        unsigned.signature = String::new();
        serde_json::to_vec(&unsigned).map_err(|_| MigranError::internal("an admission did not serialise"))
    }
}

/// Admits the device of `request` with `role`: returns the admission text for it.
pub(crate) fn admit(conn: &Connection, request: &JoinRequest, role: TeamRole) -> Result<String> {
    let team = require_team(conn)?;
    let keys = device_keys(conn)?;
    let mut roster = roster(conn)?;
    if roster.removed_in(&request.device_id).is_some() {
        return Err(refused(SyncRefusal::RemovedDevice));
    }
    let (key_id, epoch, key) = current_key(conn)?;
    if roster.member(&request.device_id).is_none() {
        let cert = certify(&keys, &team.team_id, request, role, epoch);
        roster.members.push(cert);
        store_roster(conn, &roster, &keys)?;
    }
    let mut admission = Admission {
        team_id: team.team_id.clone(),
        key_id: key_id.clone(),
        epoch,
        role,
        wrap: wrap_team_key(
            &team.team_id,
            &key_id,
            &request.device_id,
            &request.agreement_key,
            &key,
        )?,
        roster,
        admitted_by: keys.device_id.clone(),
        signature: String::new(),
    };
    admission.signature = hex(&keys.sign(&admission.signed_bytes()?));
    let json = serde_json::to_vec(&admission)
        .map_err(|_| MigranError::internal("an admission did not serialise"))?;
    Ok(format!("{ADMISSION_PREFIX}{}", text::base32(&json)))
}

/// Joins the team an admission names: checks it is addressed to this device and signed
/// by a member it certifies, unwraps the team key, stores the certificates.
pub(crate) fn accept(conn: &Connection, admission_text: &str) -> Result<String> {
    if team(conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyInTeam));
    }
    refuse_if_following(conn)?;
    let keys = device_keys(conn)?;
    let body = admission_text
        .trim()
        .strip_prefix(ADMISSION_PREFIX)
        .ok_or(refused(SyncRefusal::Format))?;
    let json = text::from_base32(body).ok_or(refused(SyncRefusal::Format))?;
    let admission: Admission = serde_json::from_slice(&json).map_err(|_| refused(SyncRefusal::Format))?;
    if admission.wrap.device_id != keys.device_id {
        return Err(refused(SyncRefusal::NotForThisDevice));
    }
    let roster = Roster::chained_to_root(&admission.team_id, &admission.roster);
    let signer = roster
        .may_sign_in(&admission.admitted_by, admission.epoch)
        .ok_or(refused(SyncRefusal::UnknownDevice))?;
    if !verify(
        &signer.signing_key,
        &admission.signed_bytes()?,
        &admission.signature,
    ) {
        return Err(refused(SyncRefusal::Tampered));
    }
    let own = roster
        .member(&keys.device_id)
        .ok_or(refused(SyncRefusal::NotForThisDevice))?;
    if own.signing_key != hex(keys.signing_public()) {
        return Err(refused(SyncRefusal::NotForThisDevice));
    }
    let key = unwrap_team_key(&admission.team_id, &admission.key_id, &keys, &admission.wrap)?;
    conn.execute(
        "INSERT INTO sync_team (id, team_id, role, last_bundle) VALUES (1, ?1, ?2, 0)",
        params![admission.team_id, admission.role],
    )?;
    store_team_key(conn, &admission.key_id, admission.epoch, &key)?;
    store_roster(conn, &roster, &keys)?;
    Ok(admission.team_id)
}

/// Removes a device: a new epoch and key, wrapped for every other active member.
pub(crate) fn remove(conn: &Connection, device_id: &str) -> Result<()> {
    let team = require_team(conn)?;
    let keys = device_keys(conn)?;
    let mut roster = roster(conn)?;
    if roster.member(device_id).is_none() {
        return Err(refused(SyncRefusal::UnknownDevice));
    }
    if roster.removed_in(device_id).is_some() {
        return Ok(());
    }
    let (_, epoch, _) = current_key(conn)?;
    let epoch = epoch + 1;
    let key = SecretKey::random()?;
    let new_key_id = key_id(epoch, &keys.device_id);
    let wraps = roster
        .active_except(device_id)
        .iter()
        .map(|member| {
            wrap_team_key(
                &team.team_id,
                &new_key_id,
                &member.device_id,
                &member.agreement_key,
                &key,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut removal = RemovalCert {
        team_id: team.team_id.clone(),
        device_id: device_id.to_string(),
        epoch,
        removed_by: keys.device_id.clone(),
        wraps,
        signature: String::new(),
    };
    removal.signature = hex(&keys.sign(&removal.signed_bytes()));
    roster.removals.push(removal);
    store_roster(conn, &roster, &keys)
}

/// The team's fingerprint, for a last check after joining: the team id and its root
/// certificate.
pub(crate) fn team_fingerprint(team_id: &str, roster: &Roster) -> String {
    let root = roster
        .members
        .iter()
        .find(|member| member.admitted_by == member.device_id)
        .map(|member| member.signing_key.as_str())
        .unwrap_or_default();
    let mut bytes = team_id.as_bytes().to_vec();
    bytes.extend_from_slice(root.as_bytes());
    text::grouped(&crypto::sha256(&bytes)[..10])
}

/// What each member of the roster is known to hold (learnt from its bundles).
pub(crate) fn peer_vectors(conn: &Connection) -> Result<BTreeMap<String, super::feed::Vector>> {
    let mut peers: BTreeMap<String, super::feed::Vector> = BTreeMap::new();
    let rows = conn
        .prepare_cached("SELECT device_id, origin, seq FROM sync_peers")?
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (device, origin, seq) in rows {
        peers.entry(device).or_default().insert(origin, seq as u64);
    }
    Ok(peers)
}
