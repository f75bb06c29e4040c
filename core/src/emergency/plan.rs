//! Who to reach, in what order, with what words: a pure function of the emergency, the
//! card and the directory, so it is fast, testable and works with no network and no PIN.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::directory::{dial_string, Channel, Directory, Entry};
use super::sms::{measure, SmsEncoding, SmsSize};
use super::{CardContactRole, EmergencyCard};
use crate::i18n::Locale;

/// What kind of emergency the owner is in; decides the order of the actions and the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EmergencyKind {
    /// Physical or sexual violence, threats.
    Violence,
    /// Illness or injury.
    Medical,
    /// Locked in, not allowed to leave, trafficked.
    HeldAgainstWill,
    /// The passport is held by someone else (employer, agent).
    PassportTaken,
    /// Wages are not paid.
    UnpaidWages,
    /// Arrested or held by authorities.
    Detention,
    /// The owner wants to go home.
    WantToGoHome,
    /// Any other trouble.
    Other,
}

crate::storage_codes!(EmergencyKind {
    Violence => "violence",
    Medical => "medical",
    HeldAgainstWill => "held_against_will",
    PassportTaken => "passport_taken",
    UnpaidWages => "unpaid_wages",
    Detention => "detention",
    WantToGoHome => "want_to_go_home",
    Other => "other",
});

impl EmergencyKind {
    /// Life-threatening kinds call local emergency services first.
    pub fn is_life_threatening(self) -> bool {
        matches!(
            self,
            EmergencyKind::Violence | EmergencyKind::Medical | EmergencyKind::HeldAgainstWill
        )
    }

    fn words(self) -> (&'static str, &'static str) {
        match self {
            EmergencyKind::Violence => ("kekerasan", "violence"),
            EmergencyKind::Medical => ("sakit/cedera", "illness or injury"),
            EmergencyKind::HeldAgainstWill => ("disekap/tidak boleh pergi", "held against my will"),
            EmergencyKind::PassportTaken => ("paspor ditahan", "passport taken"),
            EmergencyKind::UnpaidWages => ("gaji tidak dibayar", "wages unpaid"),
            EmergencyKind::Detention => ("ditahan aparat", "detained"),
            EmergencyKind::WantToGoHome => ("ingin pulang", "want to go home"),
            EmergencyKind::Other => ("butuh bantuan", "need help"),
        }
    }
}

/// A position in decimal degrees, as the phone's location service gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct GeoLocation {
    /// Latitude, -90 to 90 (else `Invalid { field: "location" }`).
    pub latitude: f64,
    /// Longitude, -180 to 180 (else `Invalid { field: "location" }`).
    pub longitude: f64,
    /// When the phone took this fix, in milliseconds since 1970-01-01 UTC: Android's
    /// `Location.getTime()`, iOS's `CLLocation.timestamp`. A last known location may be
    /// hours old, so the messages say how old ("5 mnt lalu"); `None` when the phone does
    /// not say, and then the messages carry no age. More than
    /// [`FIX_CLOCK_TOLERANCE_SECONDS`] ahead of the core's clock is refused
    /// (`Invalid { field: "location_fix_time", reason: BadDate }`), older than
    /// [`MAX_FIX_AGE_DAYS`] too (`reason: OutOfRange`).
    /// (`serde(default)`: alerts stored before this field existed still open.)
    #[serde(default)]
    #[uniffi(default)]
    pub fix_time_epoch_ms: Option<i64>,
}

/// How far a fix time may lie ahead of the core's clock and still count as "just now":
/// a satellite fix is stamped with GPS time, which may run a little ahead of a phone
/// clock that drifted. Further ahead, the two clocks disagree and the age would be a guess.
pub const FIX_CLOCK_TOLERANCE_SECONDS: i64 = 120;

/// The oldest fix a message may carry. A position older than a month would send helpers
/// where the owner no longer is; the app then sends the plan without one.
pub const MAX_FIX_AGE_DAYS: i64 = 30;

impl GeoLocation {
    /// How old the fix is at `now`; `None` when its time is unknown. A fix slightly
    /// ahead of `now` (within the tolerance) is "just now", never a negative age.
    pub(crate) fn age_at(&self, now: DateTime<Utc>) -> Option<Duration> {
        let fixed = DateTime::<Utc>::from_timestamp_millis(self.fix_time_epoch_ms?)?;
        Some((now - fixed).max(Duration::zero()))
    }
}

/// The age of a fix in a few words: minutes below two hours, hours below two days, then
/// days ("5 mnt lalu" / "5 min ago", "3 jam lalu" / "3 hours ago"). Rounded down, so
/// a message never claims a fix is older than it is; under a minute is "just now".
pub(crate) fn age_words(age: Duration, locale: Locale) -> String {
    let (just_now, units) = match locale {
        Locale::Id => ("baru saja", ["mnt lalu", "jam lalu", "hari lalu"]),
        Locale::En => ("just now", ["min ago", "hours ago", "days ago"]),
    };
    let (count, unit) = if age.num_minutes() < 1 {
        return just_now.to_string();
    } else if age.num_minutes() < 120 {
        (age.num_minutes(), units[0])
    } else if age.num_hours() < 48 {
        (age.num_hours(), units[1])
    } else {
        (age.num_days(), units[2])
    };
    format!("{count} {unit}")
}

/// How an action reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ActionChannel {
    /// A phone call.
    Call,
    /// An SMS.
    Sms,
    /// WhatsApp, with the message filled in.
    WhatsApp,
}

crate::storage_codes!(ActionChannel {
    Call => "call",
    Sms => "sms",
    WhatsApp => "whatsapp",
});

/// Who an action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Recipient {
    /// The destination country's own emergency numbers (police, ambulance).
    LocalEmergency,
    /// The Indonesian embassy or consulate (KBRI / KJRI / KDEI).
    Mission,
    /// KP2MI, Kemlu.
    NationalHotline,
    /// A family contact from the card.
    Family,
    /// The cadre from the card.
    Cadre,
}

crate::storage_codes!(Recipient {
    LocalEmergency => "local_emergency",
    Mission => "mission",
    NationalHotline => "national_hotline",
    Family => "family",
    Cadre => "cadre",
});

/// One step of an emergency plan: whom to reach, how, and with what words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencyAction {
    /// The step's place in the plan, from 0.
    pub position: u32,
    /// How to reach the recipient.
    pub channel: ActionChannel,
    /// Who the step reaches.
    pub recipient: Recipient,
    /// `+` and digits, ready for a dial or SMS intent.
    pub number: String,
    /// Who the number reaches, in the requested language (a card contact's own name).
    pub label: String,
    /// What to send (SMS, WhatsApp) or to read out (a call).
    pub message: String,
    /// The language of `message`: English for local emergency calls, Indonesian otherwise.
    pub message_language: Locale,
    /// The number's source is older than the directory's re-check age.
    pub verify_hint: bool,
    /// The directory entry the number comes from; `None` for the card's own contacts.
    pub entry_id: Option<String>,
}

/// The ordered actions for an emergency, with its message in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct EmergencyPlan {
    /// The emergency the plan was made for.
    pub kind: EmergencyKind,
    /// The country the plan is for; `None` when unknown (then national hotlines and family).
    pub country: Option<String>,
    /// The country's name in the requested language, when the directory knows it.
    pub country_name: Option<String>,
    /// The actions in order; never empty (the national hotlines are always there).
    pub actions: Vec<EmergencyAction>,
    /// The message in Bahasa Indonesia, fitted to one SMS where it can be.
    pub message_id: String,
    /// The message in English (read out to local services), fitted to one SMS where it can be.
    pub message_en: String,
    /// What `message_id` costs as SMS.
    pub sms_id: SmsSize,
    /// What `message_en` costs as SMS.
    pub sms_en: SmsSize,
    /// Parts left out of the messages to fit one SMS.
    pub shortened: bool,
    /// The version of the emergency directory the plan was made from.
    pub directory_version: u32,
    /// The stored card could not be opened (altered or damaged): this plan was made
    /// without it. The UI tells the owner to set the card again once the danger is over.
    /// (`serde(default)`: alerts stored before this field existed still open.)
    #[serde(default)]
    pub card_unreadable: bool,
}

pub(crate) struct PlanRequest<'a> {
    pub kind: EmergencyKind,
    pub country: Option<&'a str>,
    pub location: Option<GeoLocation>,
    pub locale: Locale,
    pub today: NaiveDate,
    /// The core's clock: how old the location's fix is.
    pub now: DateTime<Utc>,
}

pub(crate) fn compose(
    request: &PlanRequest<'_>,
    card: Option<&EmergencyCard>,
    directory: &Directory,
) -> EmergencyPlan {
    let country = request
        .country
        .map(str::to_string)
        .or_else(|| card.map(|c| c.country.clone()));
    let entry_country = country.as_deref().and_then(|code| directory.countries.get(code));
    let (message_id, shortened_id) = indonesian_message(request, card);
    let (message_en, shortened_en) = english_message(request, card);

    let mut actions: Vec<EmergencyAction> = Vec::new();
    let mut push = |entry: &Entry, channel: Channel, recipient: Recipient| {
        let (action_channel, message, language) = match (channel, recipient) {
            (Channel::Call, Recipient::LocalEmergency) => {
                (ActionChannel::Call, message_en.clone(), Locale::En)
            }
            (Channel::Call, _) => (ActionChannel::Call, message_id.clone(), Locale::Id),
            (Channel::Whatsapp, _) => (ActionChannel::WhatsApp, message_id.clone(), Locale::Id),
        };
        actions.push(EmergencyAction {
            position: actions.len() as u32,
            channel: action_channel,
            recipient,
            number: dial_string(&entry.number),
            label: entry.label.get(request.locale).to_string(),
            message,
            message_language: language,
            verify_hint: is_stale(&entry.source_date, directory.verify_after_days, request.today),
            entry_id: Some(entry.id.clone()),
        });
    };
    let local = |push: &mut dyn FnMut(&Entry, Channel, Recipient)| {
        if let Some(country) = entry_country {
            for entry in &country.local {
                push(entry, Channel::Call, Recipient::LocalEmergency);
            }
        }
    };
    let mission = |push: &mut dyn FnMut(&Entry, Channel, Recipient)| {
        if let Some(country) = entry_country {
            for entry in &country.mission {
                for channel in &entry.channels {
                    push(entry, *channel, Recipient::Mission);
                }
            }
        }
    };
    if request.kind.is_life_threatening() {
        local(&mut push);
        mission(&mut push);
    } else {
        mission(&mut push);
    }
    // The national hotlines are always there: the fallback when a mission number is
    // unknown, outdated or unanswered.
    for entry in &directory.national {
        for channel in &entry.channels {
            push(entry, *channel, Recipient::NationalHotline);
        }
    }
    if !request.kind.is_life_threatening() {
        local(&mut push);
    }
    if let Some(card) = card {
        for role in [CardContactRole::Family, CardContactRole::Cadre] {
            for contact in card.contacts.iter().filter(|c| c.role == role) {
                actions.push(EmergencyAction {
                    position: actions.len() as u32,
                    channel: ActionChannel::Sms,
                    recipient: if role == CardContactRole::Family {
                        Recipient::Family
                    } else {
                        Recipient::Cadre
                    },
                    number: dial_string(&contact.phone),
                    label: contact.name.clone(),
                    message: message_id.clone(),
                    message_language: Locale::Id,
                    verify_hint: false,
                    entry_id: None,
                });
            }
        }
    }
    EmergencyPlan {
        kind: request.kind,
        country_name: entry_country.map(|c| c.name.get(request.locale).to_string()),
        country,
        actions,
        sms_id: measure(&message_id),
        sms_en: measure(&message_en),
        message_id,
        message_en,
        shortened: shortened_id || shortened_en,
        directory_version: directory.version,
        card_unreadable: false,
    }
}

fn is_stale(checked: &str, verify_after_days: u32, today: NaiveDate) -> bool {
    NaiveDate::parse_from_str(checked, "%Y-%m-%d")
        .map(|date| (today - date).num_days() > i64::from(verify_after_days))
        .unwrap_or(true)
}

fn coordinates(location: &GeoLocation) -> String {
    format!("{:.5},{:.5}", location.latitude, location.longitude)
}

fn map_link(location: &GeoLocation) -> String {
    format!("https://maps.google.com/?q={}", coordinates(location))
}

/// "Lokasi 5 mnt lalu: <link>" (or "Location 5 min ago: <link>"): the age first, so the
/// link ends the part and nothing sticks to it when a phone makes it clickable; without
/// a fix time, the link alone.
fn location_part(location: &GeoLocation, now: DateTime<Utc>, locale: Locale) -> String {
    let word = match locale {
        Locale::Id => "Lokasi",
        Locale::En => "Location",
    };
    match location.age_at(now) {
        Some(age) => format!("{word} {}: {}", age_words(age, locale), map_link(location)),
        None => format!("{word} {}", map_link(location)),
    }
}

/// One piece of a message, and whether it stays even when the message then needs more
/// than one SMS.
struct Part {
    text: String,
    kept: bool,
}

impl Part {
    fn optional(text: String) -> Part {
        Part { text, kept: false }
    }

    /// The employer's address in a script SMS's 7-bit alphabet cannot carry (Chinese,
    /// Arabic): the words a local responder reads, which no transliteration rebuilds, so it
    /// stays even when the message takes more than one SMS.
    fn address(text: String, address: &str) -> Part {
        let kept = measure(address).encoding == SmsEncoding::Ucs2;
        Part { text, kept }
    }
}

/// Builds a message from parts in priority order: the first part and the kept ones
/// always, every further part only while the whole stays within the budget: one SMS, or
/// when a kept part needs more, as many as the parts up to the last kept one need (so a
/// kept address never pushes out the name or the location ranked before it). Returns the
/// text and whether a part was left out.
fn fit(parts: &[Part]) -> (String, bool) {
    let joined = |texts: &[&str]| {
        texts
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let budget = parts
        .iter()
        .rposition(|p| p.kept)
        .map(|last| {
            let prefix: Vec<&str> = parts[..=last].iter().map(|p| p.text.as_str()).collect();
            measure(&joined(&prefix)).parts
        })
        .unwrap_or(1);
    let mut chosen: Vec<&str> = Vec::new();
    let mut left_out = false;
    for (i, part) in parts.iter().enumerate() {
        if part.text.is_empty() {
            continue;
        }
        let mut candidate = chosen.clone();
        candidate.push(&part.text);
        // Measured with every kept part that follows, so a part taken now never pushes a
        // kept one past the budget.
        let with_kept_rest: Vec<&str> = candidate
            .iter()
            .copied()
            .chain(parts[i + 1..].iter().filter(|p| p.kept).map(|p| p.text.as_str()))
            .collect();
        if i == 0 || part.kept || measure(&joined(&with_kept_rest)).parts <= budget {
            chosen = candidate;
        } else {
            left_out = true;
        }
    }
    (joined(&chosen), left_out)
}

fn indonesian_message(request: &PlanRequest<'_>, card: Option<&EmergencyCard>) -> (String, bool) {
    let (kind, _) = request.kind.words();
    let mut parts = vec![Part::optional(format!("DARURAT PMI: {kind}."))];
    // The location ranks before the name: a name that needs UCS-2 (or a long one) would
    // otherwise push the link out, and the link is what sends help to the right door;
    // family and cadre know whose phone the text comes from.
    if let Some(location) = &request.location {
        parts.push(Part::optional(location_part(location, request.now, Locale::Id)));
    }
    if let Some(card) = card {
        parts.push(Part::optional(format!("{}.", card.full_name)));
    }
    if let Some(card) = card {
        if let Some(passport) = &card.passport_number {
            parts.push(Part::optional(format!("Paspor {passport}.")));
        }
        if let Some(address) = &card.employer_address {
            parts.push(Part::address(format!("Alamat majikan: {address}."), address));
        }
        if let Some(employer) = &card.employer_name {
            parts.push(Part::optional(format!("Majikan {employer}.")));
        }
        if let Some(city) = &card.city {
            parts.push(Part::optional(format!("{city}, {}.", card.country)));
        }
    }
    if let Some(location) = &request.location {
        parts.push(Part::optional(format!("({})", coordinates(location))));
    }
    fit(&parts)
}

fn english_message(request: &PlanRequest<'_>, card: Option<&EmergencyCard>) -> (String, bool) {
    let (_, kind) = request.kind.words();
    let mut parts = vec![Part::optional(format!("EMERGENCY, Indonesian worker: {kind}."))];
    // Location before name, as in the Indonesian message.
    if let Some(location) = &request.location {
        parts.push(Part::optional(location_part(location, request.now, Locale::En)));
    }
    if let Some(card) = card {
        parts.push(Part::optional(format!("Name {}.", card.full_name)));
    }
    if let Some(card) = card {
        if let Some(address) = &card.employer_address {
            parts.push(Part::address(format!("Address: {address}."), address));
        }
        if let Some(city) = &card.city {
            parts.push(Part::optional(format!("{city}.")));
        }
    }
    fit(&parts)
}

/// The texts of a location update for an alert of `kind`: what happened, the new
/// location with its age, then the name, fitted to one SMS as the plan's messages are.
/// Returns the Indonesian and the English text, each with whether a part was left out.
pub(crate) fn location_update_messages(
    kind: EmergencyKind,
    card: Option<&EmergencyCard>,
    location: &GeoLocation,
    now: DateTime<Utc>,
) -> ((String, bool), (String, bool)) {
    let (kind_id, kind_en) = kind.words();
    let mut id = vec![
        Part::optional(format!("DARURAT PMI ({kind_id}), lokasi baru.")),
        Part::optional(location_part(location, now, Locale::Id)),
    ];
    let mut en = vec![
        Part::optional(format!("EMERGENCY, Indonesian worker ({kind_en}), new location.")),
        Part::optional(location_part(location, now, Locale::En)),
    ];
    if let Some(card) = card {
        id.push(Part::optional(format!("{}.", card.full_name)));
        en.push(Part::optional(format!("Name {}.", card.full_name)));
    }
    (fit(&id), fit(&en))
}
