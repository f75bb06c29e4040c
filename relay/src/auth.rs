//! Requests signed by a device's Ed25519 key, no passwords. What is signed:
//!
//! ```text
//! migran-relay/v1 \n METHOD \n PATH?QUERY \n hex(SHA-256(body)) \n TIMESTAMP \n NONCE \n DEVICE-ID
//! ```
//!
//! sent in the headers `x-migran-device`, `x-migran-timestamp` (Unix seconds),
//! `x-migran-nonce` (16-64 characters of `A-Za-z0-9_-`, new for every request) and
//! `x-migran-signature` (base64 of the 64-byte signature). A timestamp more than
//! `max_clock_skew` from the relay's clock is refused, and so is a nonce the device used
//! before: nonces are kept longer than the window, so a captured request cannot be played
//! again. The client half ([`sign`]) is here too, so that clients and the relay cannot
//! disagree on the message.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ring::digest::{digest, SHA256};
use ring::signature::{Ed25519KeyPair, UnparsedPublicKey, ED25519};

pub const HEADER_DEVICE: &str = "x-migran-device";
pub const HEADER_TIMESTAMP: &str = "x-migran-timestamp";
pub const HEADER_NONCE: &str = "x-migran-nonce";
pub const HEADER_SIGNATURE: &str = "x-migran-signature";

const CONTEXT: &str = "migran-relay/v1";

/// The header values of one signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub device_id: String,
    pub timestamp: i64,
    pub nonce: String,
    pub signature: String,
}

impl SignedHeaders {
    pub fn pairs(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_DEVICE, self.device_id.clone()),
            (HEADER_TIMESTAMP, self.timestamp.to_string()),
            (HEADER_NONCE, self.nonce.clone()),
            (HEADER_SIGNATURE, self.signature.clone()),
        ]
    }
}

pub fn body_sha256_hex(body: &[u8]) -> String {
    digest(&SHA256, body)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The exact bytes a request's signature covers.
pub fn signed_message(
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
        body_sha256_hex(body)
    )
    .into_bytes()
}

/// The client half: signs a request with the device's key.
pub fn sign(
    key: &Ed25519KeyPair,
    device_id: &str,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    timestamp: i64,
    nonce: &str,
) -> SignedHeaders {
    let message = signed_message(method, path_and_query, body, timestamp, nonce, device_id);
    SignedHeaders {
        device_id: device_id.to_owned(),
        timestamp,
        nonce: nonce.to_owned(),
        signature: BASE64.encode(key.sign(&message).as_ref()),
    }
}

/// Whether `signature` (base64) is `public_key`'s over the message.
pub fn verify(public_key: &[u8], message: &[u8], signature_b64: &str) -> bool {
    let Ok(signature) = BASE64.decode(signature_b64) else {
        return false;
    };
    public_key.len() == 32
        && signature.len() == 64
        && UnparsedPublicKey::new(&ED25519, public_key)
            .verify(message, &signature)
            .is_ok()
}

/// Team ids, device ids and nonces: short, and of characters that need no escaping in a
/// path or a header.
pub fn valid_id(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}
