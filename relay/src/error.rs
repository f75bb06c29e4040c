//! The relay's refusals: one JSON shape, a stable code for programs, a message in Bahasa
//! Indonesia (first) and in English for people, and the HTTP status that fits.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Every refusal the relay can answer with. The string codes are the API: clients match
/// on them, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    BadRequest,
    TooLarge,
    MissingAuth,
    BadSignature,
    StaleTimestamp,
    ReplayedNonce,
    UnknownTeam,
    UnknownDevice,
    RemovedDevice,
    TeamExists,
    DeviceExists,
    RateLimited,
    TeamStorageFull,
    VillageTaken,
    WrongVillage,
    OlderReport,
    UnknownDistrict,
    UnknownPeriod,
    UnknownLink,
    LinkExists,
    LinkEnded,
    WrongLinkKind,
    NotFound,
    MethodNotAllowed,
    Unavailable,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::TooLarge => "too_large",
            Code::MissingAuth => "missing_auth",
            Code::BadSignature => "bad_signature",
            Code::StaleTimestamp => "stale_timestamp",
            Code::ReplayedNonce => "replayed_nonce",
            Code::UnknownTeam => "unknown_team",
            Code::UnknownDevice => "unknown_device",
            Code::RemovedDevice => "removed_device",
            Code::TeamExists => "team_exists",
            Code::DeviceExists => "device_exists",
            Code::RateLimited => "rate_limited",
            Code::TeamStorageFull => "team_storage_full",
            Code::VillageTaken => "village_taken",
            Code::WrongVillage => "wrong_village",
            Code::OlderReport => "older_report",
            Code::UnknownDistrict => "unknown_district",
            Code::UnknownPeriod => "unknown_period",
            Code::UnknownLink => "unknown_link",
            Code::LinkExists => "link_exists",
            Code::LinkEnded => "link_ended",
            Code::WrongLinkKind => "wrong_link_kind",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::Unavailable => "unavailable",
            Code::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Code::BadRequest => StatusCode::BAD_REQUEST,
            Code::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::MissingAuth
            | Code::BadSignature
            | Code::StaleTimestamp
            | Code::ReplayedNonce
            | Code::UnknownDevice => StatusCode::UNAUTHORIZED,
            Code::RemovedDevice | Code::WrongLinkKind => StatusCode::FORBIDDEN,
            Code::LinkEnded => StatusCode::GONE,
            Code::UnknownTeam
            | Code::NotFound
            | Code::UnknownDistrict
            | Code::UnknownPeriod
            | Code::UnknownLink => StatusCode::NOT_FOUND,
            Code::TeamExists
            | Code::DeviceExists
            | Code::VillageTaken
            | Code::WrongVillage
            | Code::OlderReport
            | Code::LinkExists => StatusCode::CONFLICT,
            Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Code::TeamStorageFull => StatusCode::INSUFFICIENT_STORAGE,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// (Bahasa Indonesia, English)
    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            Code::BadRequest => (
                "Permintaan tidak dapat dibaca (rusak, terpotong, atau tidak lengkap).",
                "The request could not be read (damaged, truncated or incomplete).",
            ),
            Code::TooLarge => (
                "Permintaan terlalu besar untuk relay ini.",
                "The request is too large for this relay.",
            ),
            Code::MissingAuth => (
                "Permintaan tidak ditandatangani oleh perangkat tim.",
                "The request is not signed by a team device.",
            ),
            Code::BadSignature => (
                "Tanda tangan permintaan tidak cocok dengan kunci perangkat.",
                "The request's signature does not match the device's key.",
            ),
            Code::StaleTimestamp => (
                "Waktu permintaan terlalu jauh dari waktu relay. Periksa jam perangkat.",
                "The request's time is too far from the relay's. Check the device's clock.",
            ),
            Code::ReplayedNonce => (
                "Permintaan ini sudah pernah diterima (diputar ulang).",
                "This request was already received (replayed).",
            ),
            Code::UnknownTeam => (
                "Tim ini tidak terdaftar di relay ini.",
                "This team is not registered on this relay.",
            ),
            Code::UnknownDevice => (
                "Perangkat ini tidak terdaftar dalam tim di relay ini.",
                "This device is not enrolled in the team on this relay.",
            ),
            Code::RemovedDevice => (
                "Perangkat ini sudah dikeluarkan dari tim.",
                "This device was removed from the team.",
            ),
            Code::TeamExists => (
                "Tim ini sudah terdaftar di relay ini.",
                "This team is already registered on this relay.",
            ),
            Code::DeviceExists => (
                "Perangkat ini sudah terdaftar dalam tim.",
                "This device is already enrolled in the team.",
            ),
            Code::RateLimited => (
                "Terlalu banyak permintaan dari perangkat ini. Coba lagi sebentar lagi.",
                "Too many requests from this device. Try again shortly.",
            ),
            Code::TeamStorageFull => (
                "Ruang simpan tim di relay ini sudah penuh.",
                "The team's storage on this relay is full.",
            ),
            Code::VillageTaken => (
                "Desa ini sudah dilaporkan oleh tim lain di relay ini.",
                "This village is already reported by another team on this relay.",
            ),
            Code::WrongVillage => (
                "Tim ini melaporkan untuk desa atau kabupaten lain.",
                "This team reports for another village or district.",
            ),
            Code::OlderReport => (
                "Relay sudah menyimpan laporan yang lebih baru untuk desa dan periode ini.",
                "The relay already keeps a newer report for this village and period.",
            ),
            Code::UnknownDistrict => (
                "Belum ada laporan desa untuk kabupaten ini.",
                "No village has reported to this district yet.",
            ),
            Code::UnknownPeriod => (
                "Belum ada laporan desa untuk periode ini.",
                "No village has reported for this period yet.",
            ),
            Code::UnknownLink => (
                "Tautan pantauan ini tidak terdaftar di relay ini.",
                "This follow link is not registered on this relay.",
            ),
            Code::LinkExists => (
                "Tautan pantauan ini sudah terdaftar dengan kunci atau jenis lain.",
                "This follow link is already registered with another key or kind.",
            ),
            Code::LinkEnded => (
                "Tautan pantauan ini sudah diakhiri oleh tim. Tidak ada lagi yang dikirim.",
                "This follow link was ended by the team. Nothing more is delivered.",
            ),
            Code::WrongLinkKind => (
                "Tautan keluarga tidak mengirim kejadian ke tim.",
                "A family link sends no events to the team.",
            ),
            Code::NotFound => ("Alamat ini tidak ada di relay.", "No such address on the relay."),
            Code::MethodNotAllowed => (
                "Metode ini tidak didukung untuk alamat ini.",
                "This method is not supported for this address.",
            ),
            Code::Unavailable => (
                "Penyimpanan relay sedang tidak tersedia. Coba lagi nanti.",
                "The relay's storage is unavailable. Try again later.",
            ),
            Code::Internal => (
                "Terjadi kesalahan di relay. Coba lagi nanti.",
                "Something went wrong on the relay. Try again later.",
            ),
        }
    }
}

/// A refusal as the relay answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.as_str())]
pub struct RelayError(pub Code);

#[derive(Serialize)]
struct Body {
    code: &'static str,
    message_id: &'static str,
    message_en: &'static str,
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let (message_id, message_en) = self.0.messages();
        let mut response = (
            self.0.status(),
            axum::Json(Body {
                code: self.0.as_str(),
                message_id,
                message_en,
            }),
        )
            .into_response();
        if matches!(self.0, Code::RateLimited | Code::Unavailable) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

impl From<Code> for RelayError {
    fn from(code: Code) -> Self {
        RelayError(code)
    }
}
