//! Directory packs in the vault: a newer signed directory installed at run time, and
//! which directory is in use (the newest that still verifies, the built-in one at worst).

use rusqlite::{params, Connection, OptionalExtension};

use super::directory::{self, DirectoryRole};
use crate::error::Result;
use crate::i18n::Locale;
use crate::signed_pack;
use crate::vault::Vault;

/// The emergency directory in use: the built-in one, or a newer signed pack installed later.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryInfo {
    /// The directory's version; a pack is installed only if its version is higher.
    pub version: u32,
    /// Whether a pack newer than the built-in one is installed and in use.
    pub installed: bool,
    /// The ISO 3166-1 alpha-2 codes of the countries the directory has numbers for, sorted.
    pub countries: Vec<String>,
}

/// One number of the directory with the age of its evidence: what a maintainer re-checks
/// before a release, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryEntry {
    /// The entry's id in the pack (`kbri-seoul`).
    pub id: String,
    /// What the number is for.
    pub role: DirectoryRole,
    /// The country, ISO 3166-1 alpha-2; `None` for the national and domestic hotlines.
    pub country: Option<String>,
    /// Who the number reaches, in the requested language.
    pub label: String,
    /// The number as published.
    pub number: String,
    /// Whether the number takes WhatsApp (its source says so).
    pub whatsapp: bool,
    /// Who published the number; for an unsourced local number, that none was found.
    pub source: String,
    /// The source's own date, `YYYY-MM-DD`; `None` for an unsourced local number.
    pub source_date: Option<String>,
    /// Days from the source's date to the vault's today; `None` when unsourced.
    pub age_days: Option<i64>,
    /// Older than the directory's re-check age, or unsourced: to be verified.
    pub verify: bool,
}

#[uniffi::export]
impl Vault {
    /// Every number of the directory in use, unsourced ones first, then oldest source
    /// first: the list to re-check before a release. Works locked.
    pub fn directory_entries(&self, locale: Locale) -> Result<Vec<DirectoryEntry>> {
        let today = self.now().date_naive();
        self.with_locked_store(|conn| {
            Ok(entries_by_age(
                &current_directory(conn, self.device_secret())?,
                today,
                locale,
            ))
        })
    }

    /// Installs a newer signed directory. A bad signature, a malformed pack or one not
    /// newer than the one in use is refused, and the one in use stays. Works locked:
    /// the signature, not the PIN, is what makes a pack trustworthy.
    pub fn install_directory_pack(&self, pack: Vec<u8>, signature: Vec<u8>) -> Result<DirectoryInfo> {
        self.install_directory_pack_trusting(&pack, &signature, &directory::publisher_key()?)
    }

    /// Which directory the emergency plan uses now. Works locked.
    pub fn directory_info(&self) -> Result<DirectoryInfo> {
        self.with_locked_store(|conn| directory_info(&current_directory(conn, self.device_secret())?))
    }
}

impl Vault {
    /// Installs a pack if `trusted_key` signed it; the exported method passes the
    /// publisher key, tests pass a key they made.
    fn install_directory_pack_trusting(
        &self,
        pack: &[u8],
        signature: &[u8],
        trusted_key: &[u8],
    ) -> Result<DirectoryInfo> {
        let candidate = directory::verify_with(pack, signature, trusted_key)?;
        let signed = signed_pack::SignedPack {
            kind: directory::PACK_KIND,
            version: candidate.version,
            pack,
            signature,
            trusted_key,
        };
        // The built-in directory is this release's minimum; the one in use is never below it.
        self.install_signed_pack(
            signed,
            directory::default_directory()?.version,
            |conn, mark_key| {
                Ok(Some(
                    current_directory_trusting(conn, trusted_key, mark_key)?.version,
                ))
            },
        )?;
        let mark_key = self.pack_mark_key()?;
        self.with_locked_store(|conn| {
            directory_info(&current_directory_trusting(conn, trusted_key, &mark_key)?)
        })
    }
}

/// The directory's entries, unsourced first, then by the age of their source, oldest first.
pub(crate) fn entries_by_age(
    directory: &directory::Directory,
    today: chrono::NaiveDate,
    locale: Locale,
) -> Vec<DirectoryEntry> {
    let mut entries: Vec<DirectoryEntry> = directory
        .entries()
        .map(|(role, country, entry)| {
            let age_days = directory::age_days(entry, today);
            DirectoryEntry {
                id: entry.id.clone(),
                role,
                country: country.map(str::to_string),
                label: entry.label.get(locale).to_string(),
                number: entry.number.clone(),
                whatsapp: entry.channels.contains(&directory::Channel::Whatsapp),
                source: entry.source.clone(),
                source_date: age_days.map(|_| entry.source_date.clone()),
                age_days,
                verify: !matches!(age_days, Some(days) if days <= i64::from(directory.verify_after_days)),
            }
        })
        .collect();
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.age_days.unwrap_or(i64::MAX)));
    entries
}

fn directory_info(current: &directory::Directory) -> Result<DirectoryInfo> {
    let builtin = directory::default_directory()?.version;
    Ok(DirectoryInfo {
        version: current.version,
        installed: current.version > builtin,
        countries: current.countries.keys().cloned().collect(),
    })
}

pub(crate) fn current_directory(
    conn: &Connection,
    device_secret: Option<&[u8]>,
) -> Result<directory::Directory> {
    current_directory_trusting(
        conn,
        &directory::publisher_key()?,
        &signed_pack::mark_key(device_secret)?,
    )
}

/// The installed pack if it still verifies, is newer than the built-in one and not older
/// than the high-water mark, else the built-in one: a pack altered or swapped for an
/// older signed one in the database falls back to the built-in one instead of failing
/// the button.
fn current_directory_trusting(
    conn: &Connection,
    trusted_key: &[u8],
    mark_key: &crate::crypto::DeviceKey,
) -> Result<directory::Directory> {
    let builtin = directory::default_directory()?;
    let mark = signed_pack::high_water(conn, mark_key, directory::PACK_KIND).unwrap_or(None);
    let installed: Option<(Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT body, signature FROM content_packs WHERE kind = ?1",
            params![directory::PACK_KIND],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(installed
        .and_then(|(body, signature)| directory::verify_with(&body, &signature, trusted_key).ok())
        .filter(|pack| pack.version > builtin.version && mark.is_none_or(|mark| pack.version >= mark))
        .unwrap_or_else(|| builtin.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::PackRejectReason;
    use crate::vault::VaultSettings;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    use std::sync::Arc;

    /// A vault whose day is 2026-06-15.
    fn vault(dir: &std::path::Path) -> Arc<Vault> {
        let settings = VaultSettings {
            kdf_iterations: crate::MIN_KDF_ITERATIONS,
            ..VaultSettings::default()
        };
        let today = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 6, 15, 10, 0, 0).unwrap();
        Vault::create_with_clock(
            dir,
            "246810",
            Some(vec![7; 32]),
            settings,
            Arc::new(crate::visits::testing::FixedClock(today)),
        )
        .unwrap()
    }

    /// A locked vault (see [`vault`]), a fresh signing key and its public half.
    fn locked_vault_and_signer(dir: &std::path::Path) -> (Arc<Vault>, Ed25519KeyPair, Vec<u8>) {
        let vault = vault(dir);
        vault.lock();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = key.public_key().as_ref().to_vec();
        (vault, key, public)
    }

    /// The built-in directory as `version`, with one more country, signed by `key`, which
    /// it names, and installable until the end of the vault's month.
    fn newer_pack(version: u32, key: &Ed25519KeyPair) -> Vec<u8> {
        newer_pack_with(version, |pack| {
            pack["key_id"] = signed_pack::content_pack_key_id(key.public_key().as_ref()).into();
        })
    }

    fn newer_pack_with(version: u32, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
        let mut pack: serde_json::Value =
            serde_json::from_slice(include_bytes!("../../content/emergency/directory.json")).unwrap();
        pack["version"] = version.into();
        pack["expires"] = "2026-06-30".into();
        pack["countries"]["AE"] = serde_json::json!({
            "name": {"id": "Uni Emirat Arab", "en": "United Arab Emirates"},
            "mission": [],
            "local": [{"id": "ae-999", "label": {"id": "Polisi UEA", "en": "UAE police"}, "number": "999",
                       "channels": ["call"], "source": "test pack", "source_date": "2026-11-01"}]
        });
        edit(&mut pack);
        serde_json::to_vec(&pack).unwrap()
    }

    #[test]
    fn a_newer_signed_pack_is_installed_and_an_altered_copy_falls_back_to_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, key, public) = locked_vault_and_signer(dir.path());

        let pack = newer_pack(4, &key);
        let info = vault
            .install_directory_pack_trusting(&pack, key.sign(&pack).as_ref(), &public)
            .unwrap();
        assert_eq!((info.version, info.installed), (4, true));
        assert!(info.countries.contains(&"AE".to_string()));

        // Not newer: refused, version 4 stays.
        let same = newer_pack(4, &key);
        assert_eq!(
            vault
                .install_directory_pack_trusting(&same, key.sign(&same).as_ref(), &public)
                .err(),
            Some(directory::rejected(PackRejectReason::Version))
        );
        // Altered in the database: the built-in pack takes over, the button still works.
        vault
            .with_locked_store(|conn| {
                let body: Vec<u8> = conn.query_row("SELECT body FROM content_packs", [], |row| row.get(0))?;
                let altered = String::from_utf8_lossy(&body).replace("999", "998").into_bytes();
                conn.execute("UPDATE content_packs SET body = ?1", params![altered])?;
                Ok(())
            })
            .unwrap();
        let current = vault
            .with_locked_store(|conn| current_directory_trusting(conn, &public, &vault.pack_mark_key()?))
            .unwrap();
        assert_eq!(current.version, directory::default_directory().unwrap().version);
    }

    /// Deleting the installed pack's row (SQL on `locked.db`) does not let an older,
    /// validly signed pack back in: the sealed high-water mark still says what was seen.
    #[test]
    fn an_older_signed_pack_is_refused_after_its_version_row_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, key, public) = locked_vault_and_signer(dir.path());
        let install = |version: u32| {
            let pack = newer_pack(version, &key);
            vault.install_directory_pack_trusting(&pack, key.sign(&pack).as_ref(), &public)
        };
        assert_eq!(install(4).unwrap().version, 4);
        assert_eq!(install(5).unwrap().version, 5);

        vault
            .with_locked_store(|conn| {
                conn.execute("DELETE FROM content_packs", [])?;
                Ok(())
            })
            .unwrap();
        // The built-in directory is in use again, but 4 and 5 stay refused.
        assert!(!vault.directory_info().unwrap().installed);
        for old in [4, 5] {
            assert_eq!(
                install(old).err(),
                Some(directory::rejected(PackRejectReason::Version))
            );
        }
        // The release's own minimum (the built-in version) holds too.
        let builtin = directory::default_directory().unwrap().version;
        assert_eq!(
            install(builtin).err(),
            Some(directory::rejected(PackRejectReason::Version))
        );
        assert_eq!(install(6).unwrap().version, 6);

        // Version 5 (validly signed) written back into the row by SQL is not used either:
        // below the mark, the built-in directory serves the button.
        let five = newer_pack(5, &key);
        let signature = key.sign(&five).as_ref().to_vec();
        vault
            .with_locked_store(|conn| {
                conn.execute(
                    "UPDATE content_packs SET version = 5, body = ?1, signature = ?2",
                    params![five, signature],
                )?;
                Ok(())
            })
            .unwrap();
        let current = vault
            .with_locked_store(|conn| current_directory_trusting(conn, &public, &vault.pack_mark_key()?))
            .unwrap();
        assert_eq!(current.version, builtin);
    }

    /// A validly signed, newer pack is still refused when it names no key or another key
    /// than the one that checks its signature, or when its last install day has passed;
    /// on its last day it installs. Nothing refused replaces the pack in use.
    #[test]
    fn a_pack_naming_another_key_or_past_its_expiry_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, key, public) = locked_vault_and_signer(dir.path());
        let install =
            |pack: Vec<u8>| vault.install_directory_pack_trusting(&pack, key.sign(&pack).as_ref(), &public);
        let own_id = signed_pack::content_pack_key_id(&public);
        let refusals = [
            (
                newer_pack_with(4, |p| p["key_id"] = "0123456789abcdef".into()),
                PackRejectReason::KeyId,
            ),
            (
                newer_pack_with(4, |p| {
                    p.as_object_mut().unwrap().remove("key_id");
                }),
                PackRejectReason::KeyId,
            ),
            (
                newer_pack_with(4, |p| {
                    p["key_id"] = own_id.clone().into();
                    p["expires"] = "2026-06-14".into();
                }),
                PackRejectReason::Expired,
            ),
            (
                newer_pack_with(4, |p| {
                    p["key_id"] = own_id.clone().into();
                    p.as_object_mut().unwrap().remove("expires");
                }),
                PackRejectReason::Format,
            ),
        ];
        for (pack, reason) in refusals {
            assert_eq!(install(pack).err(), Some(directory::rejected(reason)));
            assert!(!vault.directory_info().unwrap().installed);
        }
        let last_day = newer_pack_with(4, |p| {
            p["key_id"] = own_id.clone().into();
            p["expires"] = "2026-06-15".into();
        });
        assert_eq!(install(last_day).unwrap().version, 4);
    }

    /// The shipped packs name the key compiled into the app, so a release whose packs
    /// were signed with another key, or left without a key id, fails here.
    #[test]
    fn the_shipped_packs_name_the_publisher_key_and_an_expiry() {
        let publisher = signed_pack::content_pack_key_id(&directory::publisher_key().unwrap());
        for shipped in [
            &include_bytes!("../../content/emergency/directory.json")[..],
            include_bytes!("../../content/lessons/lessons.json"),
            include_bytes!("../../content/agencies/sample.json"),
        ] {
            let pack: serde_json::Value = serde_json::from_slice(shipped).unwrap();
            assert_eq!(pack["key_id"], publisher.as_str());
            assert!(crate::time::parse_date("expires", pack["expires"].as_str().unwrap()).is_ok());
        }
    }
}
