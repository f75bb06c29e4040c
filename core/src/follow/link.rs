//! The device's role, and a link's life: the follower's request (`MEL1`), the cadre's
//! package (`MEK1`), the follower accepting it, and the end of a link.

use rusqlite::{OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};

use super::view::{self, MigrantUpdate, SealedView};
use super::{DeviceRole, FollowKind, FollowLink, FollowPackage, FollowRequest, LinkEndReason};
use crate::audit::AuditAction;
use crate::consent::{self, ConsentPurpose};
use crate::crypto::{self, DeviceKey, Place, SecretKey};
use crate::emergency::{CardContact, CardContactRole};
use crate::error::{InvalidReason, MigranError, RecordKind, Result, SyncRefusal};
use crate::store::codes::StorageCode;
use crate::store::kernel::{stored_sql, Stored};
use crate::sync::team::{self, KeyWrap, Roster, WrapPurpose};
use crate::sync::text::{self, hex};
use crate::sync::TeamRole;
use crate::time::instant_text;
use crate::validate;
use crate::vault::Session;

/// A follow request: the same three values as a join request, behind its own prefix so
/// that neither can be taken for the other.
pub(super) const REQUEST_PREFIX: &str = "MEL1";
const PACKAGE_PREFIX: &str = "MEK1";

pub(super) fn refused(reason: SyncRefusal) -> MigranError {
    MigranError::SyncRefused { reason }
}

pub(super) fn parse_request(request: &str) -> Result<team::JoinRequest> {
    team::JoinRequest::parse_with(request, REQUEST_PREFIX)
}

/// A row of `follow_links`. `link_key` is the link's AES-256-GCM key: it travels to the
/// team's other devices inside team bundles (sealed with the team key), never elsewhere
/// but wrapped to the follower.
pub(super) struct StoredLink {
    pub id: String,
    pub person_id: String,
    pub kind: FollowKind,
    pub device_id: String,
    pub signing_key: String,
    pub agreement_key: String,
    pub link_key: Vec<u8>,
    pub cadre_name: Option<String>,
    pub cadre_phone: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<LinkEndReason>,
    pub views_sent: i64,
    pub events_seq: i64,
}

impl Stored for StoredLink {
    const KIND: RecordKind = RecordKind::FollowLink;
    stored_sql!(table: "follow_links", key: "id", columns: [
        "person_id", "kind", "device_id", "signing_key", "agreement_key", "link_key",
        "cadre_name", "cadre_phone", "created_at", "created_by", "ended_at", "end_reason",
        "views_sent", "events_seq",
    ]);

    fn key(&self) -> &str {
        &self.id
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.id,
            &self.person_id,
            &self.kind,
            &self.device_id,
            &self.signing_key,
            &self.agreement_key,
            &self.link_key,
            &self.cadre_name,
            &self.cadre_phone,
            &self.created_at,
            &self.created_by,
            &self.ended_at,
            &self.end_reason,
            &self.views_sent,
            &self.events_seq,
        ]
    }

    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(StoredLink {
            id: row.get(0)?,
            person_id: row.get(1)?,
            kind: row.get(2)?,
            device_id: row.get(3)?,
            signing_key: row.get(4)?,
            agreement_key: row.get(5)?,
            link_key: row.get(6)?,
            cadre_name: row.get(7)?,
            cadre_phone: row.get(8)?,
            created_at: row.get(9)?,
            created_by: row.get(10)?,
            ended_at: row.get(11)?,
            end_reason: row.get(12)?,
            views_sent: row.get(13)?,
            events_seq: row.get(14)?,
        })
    }
}

impl StoredLink {
    pub(super) fn key(&self) -> Result<SecretKey> {
        SecretKey::from_slice(&self.link_key).ok_or(MigranError::Tampered {
            kind: RecordKind::FollowLink,
        })
    }

    pub(super) fn public(&self) -> FollowLink {
        FollowLink {
            link_id: self.id.clone(),
            person_id: self.person_id.clone(),
            kind: self.kind,
            device_id: self.device_id.clone(),
            created_at: self.created_at.clone(),
            created_by: self.created_by.clone(),
            ended_at: self.ended_at.clone(),
            end_reason: self.end_reason,
            views_sent: self.views_sent.max(0) as u64,
        }
    }

    /// The cadre contact the migrant's card carries, when the cadre gave one.
    pub(super) fn cadre_contact(&self) -> Option<CardContact> {
        Some(CardContact {
            name: self.cadre_name.clone()?,
            phone: self.cadre_phone.clone()?,
            role: CardContactRole::Cadre,
        })
    }
}

/// The link certificate: the follower's keys bound to one link, signed by the cadre
/// device that made it. It never makes the follower a member of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct LinkCert {
    pub team_id: String,
    pub link_id: String,
    pub kind: FollowKind,
    pub device_id: String,
    pub signing_key: String,
    pub agreement_key: String,
    pub made_by: String,
    pub signature: String,
}

impl LinkCert {
    fn signed_bytes(&self) -> Vec<u8> {
        team::signed_text(&[
            "migran/v1/link",
            &self.team_id,
            &self.link_id,
            self.kind.code(),
            &self.device_id,
            &self.signing_key,
            &self.agreement_key,
            &self.made_by,
        ])
    }
}

/// What the follower imports once.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Package {
    cert: LinkCert,
    wrap: KeyWrap,
    roster: Roster,
    view: SealedView,
    signature: String,
}

impl Package {
    fn signed_bytes(&self) -> Result<Vec<u8>> {
        let mut unsigned = self.clone();
        unsigned.signature = String::new();
        serde_json::to_vec(&unsigned).map_err(|_| MigranError::internal("a link package did not serialise"))
    }
}

fn role_of_kind(kind: FollowKind) -> DeviceRole {
    match kind {
        FollowKind::Migrant => DeviceRole::Migrant,
        FollowKind::Family => DeviceRole::Family,
    }
}

const SEALED_ROLE: Place<'static> = Place {
    table: "device_role_sealed",
    row: "1",
    column: "data",
};

/// Every role's code padded to this many bytes before sealing: the sealed copy has one
/// size whatever the role.
const ROLE_PADDED: usize = 8;

/// Stores the role in `vault.db` and, with the device key, its sealed copy in `locked.db`
/// (without a device secret there is no copy: the role is then known only unlocked).
fn store_role(s: &Session<'_>, role: DeviceRole, key: Option<&DeviceKey>) -> Result<()> {
    s.conn.execute(
        "INSERT INTO device_role (id, role) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET role = excluded.role",
        [role],
    )?;
    if let Some(key) = key {
        let padded = format!("{:<ROLE_PADDED$}", role.code());
        let sealed = key.seal(SEALED_ROLE, padded.as_bytes())?;
        s.locked.execute(
            "INSERT INTO device_role_sealed (id, data) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            [sealed],
        )?;
    }
    Ok(())
}

/// The sealed copy of the role, if one was stored.
pub(super) fn sealed_role(conn: &rusqlite::Connection, key: &DeviceKey) -> Result<Option<DeviceRole>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT data FROM device_role_sealed WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let plain = key.open(SEALED_ROLE, &sealed, "device_role")?;
    let code = std::str::from_utf8(&plain).map_err(|_| MigranError::tampered("device_role"))?;
    DeviceRole::from_code(code.trim_end())
        .map(Some)
        .ok_or_else(|| MigranError::tampered("device_role"))
}

pub(super) fn set_role(s: &Session<'_>, role: DeviceRole, key: Option<&DeviceKey>) -> Result<DeviceRole> {
    let in_team = team::team(s.conn)?.is_some();
    let followed = view::followed_kind(s.conn)?;
    let allowed = match role {
        DeviceRole::Cadre | DeviceRole::Officer => followed.is_none(),
        DeviceRole::Migrant => !in_team && followed.is_none_or(|kind| kind == FollowKind::Migrant),
        DeviceRole::Family => !in_team && followed.is_none_or(|kind| kind == FollowKind::Family),
    };
    if !allowed {
        return Err(MigranError::invalid("role", InvalidReason::Inconsistent));
    }
    store_role(s, role, key)?;
    Ok(role)
}

pub(super) fn role(s: &Session<'_>) -> Result<Option<DeviceRole>> {
    let chosen: Option<DeviceRole> = s
        .conn
        .query_row("SELECT role FROM device_role WHERE id = 1", [], |row| row.get(0))
        .optional()?;
    if chosen.is_some() {
        return Ok(chosen);
    }
    Ok(team::team(s.conn)?.map(|team| match team.role {
        TeamRole::Cadre => DeviceRole::Cadre,
        TeamRole::Officer => DeviceRole::Officer,
    }))
}

pub(super) fn request(s: &Session<'_>) -> Result<FollowRequest> {
    if team::team(s.conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyInTeam));
    }
    if view::followed_kind(s.conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyFollowing));
    }
    let own = team::own_request(&team::device_keys(s.conn)?);
    Ok(FollowRequest {
        text: own.text_with(REQUEST_PREFIX)?,
        fingerprint: own.fingerprint_with(REQUEST_PREFIX)?,
    })
}

pub(super) fn create(
    s: &Session<'_>,
    person_id: &str,
    kind: FollowKind,
    request: &str,
    cadre_contact: Option<CardContact>,
) -> Result<FollowPackage> {
    let team_now = team::require_team(s.conn)?;
    let request = parse_request(request)?;
    crate::people::ensure_person(s, person_id)?;
    consent::require(s, person_id, consent_needed(kind))?;
    let keys = team::device_keys(s.conn)?;
    let roster = team::roster(s.conn)?;
    if request.device_id == keys.device_id || roster.member(&request.device_id).is_some() {
        // A team member already holds the whole register: it follows nobody.
        return Err(MigranError::invalid("request", InvalidReason::Inconsistent));
    }
    let (cadre_name, cadre_phone) = match cadre_contact {
        Some(contact) => (
            Some(validate::required_text(
                "name",
                &contact.name,
                validate::SHORT_TEXT_MAX,
            )?),
            Some(validate::phone("phone", &contact.phone)?),
        ),
        None => (None, None),
    };
    let mut id_bytes = [0u8; 16];
    crypto::fill_random(&mut id_bytes)?;
    let link_id = hex(&id_bytes);
    let link_key = SecretKey::random()?;
    let mut cert = LinkCert {
        team_id: team_now.team_id.clone(),
        link_id: link_id.clone(),
        kind,
        device_id: request.device_id.clone(),
        signing_key: request.signing_key.clone(),
        agreement_key: request.agreement_key.clone(),
        made_by: keys.device_id.clone(),
        signature: String::new(),
    };
    cert.signature = hex(&keys.sign(&cert.signed_bytes()));
    let mut link = StoredLink {
        id: link_id.clone(),
        person_id: person_id.to_string(),
        kind,
        device_id: request.device_id.clone(),
        signing_key: request.signing_key.clone(),
        agreement_key: request.agreement_key.clone(),
        link_key: link_key.expose().to_vec(),
        cadre_name,
        cadre_phone,
        created_at: instant_text(s.now),
        created_by: keys.device_id.clone(),
        ended_at: None,
        end_reason: None,
        views_sent: 0,
        events_seq: 0,
    };
    s.insert(&link)?;
    s.audit(AuditAction::Create, RecordKind::FollowLink, &link_id, person_id);
    let first_view = view::make(s, &mut link, &keys, &roster)?;
    let wrap = team::wrap_for_device(
        WrapPurpose::LinkKey,
        &team_now.team_id,
        &link_id,
        &request.device_id,
        &request.agreement_key,
        &link_key,
    )?;
    let mut package = Package {
        cert,
        wrap,
        roster,
        view: first_view,
        signature: String::new(),
    };
    package.signature = hex(&keys.sign(&package.signed_bytes()?));
    let json = serde_json::to_vec(&package)
        .map_err(|_| MigranError::internal("a link package did not serialise"))?;
    Ok(FollowPackage {
        text: format!("{PACKAGE_PREFIX}{}", text::base32(&json)),
        link: link.public(),
    })
}

/// The consent a link of `kind` needs: the family sees what the person agreed to share
/// with family; the person's own phone needs only their registration.
pub(super) fn consent_needed(kind: FollowKind) -> ConsentPurpose {
    match kind {
        FollowKind::Migrant => ConsentPurpose::Registration,
        FollowKind::Family => ConsentPurpose::ShareWithFamily,
    }
}

pub(super) fn list(s: &Session<'_>, person_id: &str) -> Result<Vec<FollowLink>> {
    crate::people::ensure_person(s, person_id)?;
    let links: Vec<StoredLink> = s.select("WHERE person_id = ?1 ORDER BY created_at, id", [person_id])?;
    s.audit_count(
        AuditAction::List,
        RecordKind::FollowLink,
        Some(person_id),
        links.len(),
    );
    Ok(links.iter().map(StoredLink::public).collect())
}

pub(super) fn end(s: &Session<'_>, link_id: &str, reason: LinkEndReason) -> Result<FollowLink> {
    let mut link: StoredLink = s.get(link_id)?;
    if link.ended_at.is_none() {
        end_stored(s, &mut link, reason)?;
    }
    Ok(link.public())
}

fn end_stored(s: &Session<'_>, link: &mut StoredLink, reason: LinkEndReason) -> Result<()> {
    link.ended_at = Some(instant_text(s.now));
    link.end_reason = Some(reason);
    s.upsert(link)?;
    s.audit(
        AuditAction::Update,
        RecordKind::FollowLink,
        &link.id,
        &link.person_id,
    );
    Ok(())
}

/// Ends every running family link of a person, in the transaction that records the
/// withdrawal of their consent to share with family: the next view is never made.
pub(crate) fn end_family_links(s: &Session<'_>, person_id: &str) -> Result<()> {
    let links: Vec<StoredLink> = s.select(
        "WHERE person_id = ?1 AND kind = 'family' AND ended_at IS NULL",
        [person_id],
    )?;
    for mut link in links {
        end_stored(s, &mut link, LinkEndReason::ConsentWithdrawn)?;
    }
    Ok(())
}

/// Checks a package and keeps its link and first view. Returns what a migrant's view
/// changes on the phone (its card, the team's answers), applied after the transaction.
pub(super) fn accept(
    s: &Session<'_>,
    package_text: &str,
    key: Option<&DeviceKey>,
) -> Result<Option<MigrantUpdate>> {
    if team::team(s.conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyInTeam));
    }
    if view::followed_kind(s.conn)?.is_some() {
        return Err(refused(SyncRefusal::AlreadyFollowing));
    }
    let keys = team::device_keys(s.conn)?;
    let body = package_text
        .trim()
        .strip_prefix(PACKAGE_PREFIX)
        .ok_or(refused(SyncRefusal::Format))?;
    let json = text::from_base32(body).ok_or(refused(SyncRefusal::Format))?;
    let package: Package = serde_json::from_slice(&json).map_err(|_| refused(SyncRefusal::Format))?;
    let cert = &package.cert;
    if package.wrap.device_id != keys.device_id
        || cert.device_id != keys.device_id
        || cert.signing_key != hex(keys.signing_public())
        || cert.agreement_key != hex(&keys.agreement_public())
    {
        return Err(refused(SyncRefusal::NotForThisDevice));
    }
    let roster = Roster::chained_to_root(&cert.team_id, &package.roster);
    let signer = roster
        .may_sign_in(&cert.made_by, u64::MAX)
        .ok_or(refused(SyncRefusal::UnknownDevice))?;
    if !team::verify(&signer.signing_key, &cert.signed_bytes(), &cert.signature)
        || !team::verify(&signer.signing_key, &package.signed_bytes()?, &package.signature)
        || package.view.link_id != cert.link_id
    {
        return Err(refused(SyncRefusal::Tampered));
    }
    if let Some(chosen) = role(s)? {
        if chosen != role_of_kind(cert.kind) {
            return Err(refused(SyncRefusal::WrongLinkKind));
        }
    }
    let link_key = team::unwrap_for_device(
        WrapPurpose::LinkKey,
        &cert.team_id,
        &cert.link_id,
        &keys,
        &package.wrap,
    )?;
    let update = view::store_first(s, cert, &link_key, roster, &package.view)?;
    store_role(s, role_of_kind(cert.kind), key)?;
    Ok(update)
}

pub(super) fn forget(s: &Session<'_>) -> Result<()> {
    s.conn.execute("DELETE FROM followed_link", [])?;
    Ok(())
}
