//! What a follow link brings in from outside (docs/follow.md): a follow request pasted on
//! the cadre's phone, a link package, a view on a family phone that follows a real link,
//! and a migrant's events file on the cadre's phone. The first byte picks which.
#![no_main]

use std::sync::{Arc, OnceLock};

use migran_core::{
    ConsentInput, ConsentPurpose, FollowKind, PersonInput, Sex, TeamRole, Vault, VaultSettings,
};

struct Phones {
    _dir: tempfile::TempDir,
    cadre: Arc<Vault>,
    family: Arc<Vault>,
    fresh: Arc<Vault>,
}

fn vault(dir: &std::path::Path, name: &str) -> Arc<Vault> {
    let settings = VaultSettings {
        kdf_iterations: migran_core::MIN_KDF_ITERATIONS,
        ..VaultSettings::default()
    };
    Vault::create(
        dir.join(name).display().to_string(),
        "482615".into(),
        Some(vec![7; 32]),
        settings,
    )
    .unwrap()
}

fn phones() -> &'static Phones {
    static PHONES: OnceLock<Phones> = OnceLock::new();
    PHONES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cadre = vault(dir.path(), "cadre");
        let family = vault(dir.path(), "family");
        let fresh = vault(dir.path(), "fresh");
        cadre.team_create(TeamRole::Cadre).unwrap();
        let siti = cadre
            .add_person(PersonInput {
                full_name: "Siti Contoh".into(),
                nik: "3201000000000001".into(),
                birth_date: "1998-04-12".into(),
                sex: Sex::Female,
                phone: None,
                address: None,
                village: "Desa Contoh".into(),
            })
            .unwrap()
            .id;
        cadre
            .record_consent(
                siti.clone(),
                ConsentInput {
                    purpose: ConsentPurpose::ShareWithFamily,
                    given: true,
                    date: None,
                    note: None,
                },
            )
            .unwrap();
        let request = family.follow_request().unwrap().text;
        let package = cadre.follow_link(siti, FollowKind::Family, request, None).unwrap();
        family.follow_accept(package.text).unwrap();
        Phones {
            _dir: dir,
            cadre,
            family,
            fresh,
        }
    })
}

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    let Some((which, rest)) = bytes.split_first() else {
        return;
    };
    let phones = phones();
    match which % 4 {
        0 => {
            let _ = migran_core::follow_request_fingerprint(String::from_utf8_lossy(rest).into_owned());
        }
        1 => {
            let _ = phones.fresh.follow_accept(String::from_utf8_lossy(rest).into_owned());
        }
        2 => {
            let _ = phones.family.follow_view_import(rest.to_vec());
        }
        _ => {
            let _ = phones.cadre.follow_events_import(rest.to_vec());
        }
    }
});
