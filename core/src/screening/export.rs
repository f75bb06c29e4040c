//! What the screening gives the rest of the app: the agenda's signals, the village
//! report's levels and the person's export.

use std::collections::{HashMap, HashSet};

use super::store;
use super::RiskLevel;
use crate::agenda::{AgendaContext, AgendaKind, Signal};
use crate::error::Result;
use crate::time::parse_stored_date;
use crate::vault::Session;

/// The agenda's signal: every open follow-up of a high or critical screening, for the
/// people the agenda follows, due on its date (within the agenda's horizon).
pub(crate) fn agenda_signals(s: &Session<'_>, ctx: &AgendaContext<'_>) -> Result<Vec<Signal>> {
    Ok(store::open_follow_ups_until(s, ctx.horizon)?
        .into_iter()
        .filter(|follow_up| ctx.includes(&follow_up.person_id))
        .map(|follow_up| Signal {
            kind: AgendaKind::ScreeningNotFollowedUp,
            due_on: parse_stored_date(&follow_up.due_date),
            person_id: follow_up.person_id,
            record_id: Some(follow_up.id),
            count: None,
        })
        .collect())
}

/// The risk level of each person's latest screening made on a day `in_period` accepts,
/// for the people `counted`. A screening whose level this build cannot read is left out.
pub(crate) fn latest_levels(
    s: &Session<'_>,
    counted: &HashSet<String>,
    in_period: impl Fn(&str) -> bool,
) -> Result<Vec<RiskLevel>> {
    let mut latest: HashMap<String, Option<RiskLevel>> = HashMap::new();
    for (person_id, day, level) in store::screening_levels(s)? {
        if counted.contains(&person_id) && in_period(&day) {
            latest.insert(person_id, level);
        }
    }
    Ok(latest.into_values().flatten().collect())
}

/// Everything the screening holds about a person, for their export.
pub(crate) fn export_section(s: &Session<'_>, person_id: &str) -> Result<serde_json::Value> {
    let value = serde_json::json!({
        "screenings": store::load_screenings(s, person_id)?,
        "follow_ups": store::load_follow_ups(s, Some(person_id))?,
    });
    Ok(value)
}
