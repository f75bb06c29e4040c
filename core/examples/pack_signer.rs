//! Signs content packs (the emergency directory) with the publisher's Ed25519 key.
//!
//!   cargo run -p migran-core --example pack_signer -- keygen PRIVATE.pk8 PUBLIC.pub
//!   cargo run -p migran-core --example pack_signer -- sign PRIVATE.pk8 PACK.json PACK.json.sig
//!   cargo run -p migran-core --example pack_signer -- verify PUBLIC.pub PACK.json PACK.json.sig
//!   cargo run -p migran-core --example pack_signer -- key-id PUBLIC.pub
//!
//! A pack names its signer's key id (`"key_id"`, from `key-id`) and its last install day
//! (`"expires"`) in its body, before it is signed: an app refuses one without them.
//!
//! Keep PRIVATE.pk8 off every repository and shared drive: whoever holds it can publish
//! hotline numbers that every app trusts. Public key and signature are written as hex.

use std::process::ExitCode;

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(text.get(i..i + 2).unwrap_or("zz"), 16).map_err(|_| "not hex".to_string())
        })
        .collect()
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn write(path: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}

fn run(args: &[String]) -> Result<(), String> {
    match args {
        [command, private, public] if command == "keygen" => {
            let pkcs8 =
                Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| "key generation failed")?;
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| "bad key")?;
            write(private, pkcs8.as_ref())?;
            write(
                public,
                format!("{}\n", hex(pair.public_key().as_ref())).as_bytes(),
            )?;
            println!("private key: {private} (keep it secret)\npublic key: {public}");
            Ok(())
        }
        [command, private, pack, signature] if command == "sign" => {
            let pair =
                Ed25519KeyPair::from_pkcs8(&read(private)?).map_err(|_| "not an Ed25519 PKCS#8 key")?;
            let sig = pair.sign(&read(pack)?);
            write(signature, format!("{}\n", hex(sig.as_ref())).as_bytes())?;
            println!("signed {pack} -> {signature}");
            Ok(())
        }
        [command, public, pack, signature] if command == "verify" => {
            let key = unhex(&String::from_utf8_lossy(&read(public)?))?;
            let sig = unhex(&String::from_utf8_lossy(&read(signature)?))?;
            UnparsedPublicKey::new(&ED25519, key)
                .verify(&read(pack)?, &sig)
                .map_err(|_| "signature does NOT match".to_string())?;
            println!("signature OK");
            Ok(())
        }
        [command, public] if command == "key-id" => {
            let key = unhex(&String::from_utf8_lossy(&read(public)?))?;
            println!("{}", migran_core::content_pack_key_id(&key));
            Ok(())
        }
        _ => Err(
            "usage: pack_signer keygen PRIVATE PUBLIC | sign PRIVATE PACK SIG | verify PUBLIC PACK SIG | key-id PUBLIC"
                .into(),
        ),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pack_signer: {message}");
            ExitCode::FAILURE
        }
    }
}
