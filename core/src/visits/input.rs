//! What the cadre types about a visit, checked and normalized into rows. Every refusal
//! names the field.

use chrono::NaiveDate;

use super::store::{StoredVisit, StoredVisitFollowUp};
use super::VisitInput;
use crate::crypto::new_row_id;
use crate::error::{InvalidReason, MigranError, Result};
use crate::time::{date_text, instant_text, latest_date_anywhere, parse_date};
use crate::validate;
use crate::vault::Session;

/// More would be a meeting, not a home visit; the limit keeps a typo from filling memory.
const MAX_PRESENT: usize = 30;
const MAX_FOLLOW_UPS: usize = 20;

/// The visit of `person_id` and its follow-ups (all open), with new ids, recorded now.
pub(super) fn new_visit(
    s: &Session<'_>,
    person_id: &str,
    input: &VisitInput,
) -> Result<(StoredVisit, Vec<StoredVisitFollowUp>)> {
    let date = parse_date("date", &input.date)?;
    if date > latest_date_anywhere(s.now) {
        return Err(MigranError::invalid("date", InvalidReason::OutOfRange));
    }
    let cadre = match input.cadre.as_deref() {
        Some(name) => validate::optional_text("cadre", Some(name), validate::SHORT_TEXT_MAX)?,
        None => None,
    }
    .or_else(|| s.actor.map(|actor| actor.name.clone()));
    if input.present.len() > MAX_PRESENT {
        return Err(MigranError::invalid("present", InvalidReason::TooLong));
    }
    let present = input
        .present
        .iter()
        .map(|name| validate::required_text("present", name, validate::SHORT_TEXT_MAX))
        .collect::<Result<Vec<_>>>()?;
    let mut topics = input.topics.clone();
    topics.sort();
    topics.dedup();
    let next_visit_on = match input
        .next_visit_on
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(text) => {
            let next = parse_date("next_visit_on", text)?;
            if next <= date {
                return Err(MigranError::invalid("next_visit_on", InvalidReason::Inconsistent));
            }
            Some(date_text(next))
        }
    };
    if input.follow_ups.len() > MAX_FOLLOW_UPS {
        return Err(MigranError::invalid("follow_ups", InvalidReason::TooLong));
    }
    let mut actions = Vec::with_capacity(input.follow_ups.len());
    for follow_up in &input.follow_ups {
        let due = parse_date("due_on", &follow_up.due_on)?;
        if due < date {
            return Err(MigranError::invalid("due_on", InvalidReason::Inconsistent));
        }
        let action = validate::required_text("action", &follow_up.action, validate::LONG_TEXT_MAX)?;
        actions.push((action, date_text(due)));
    }
    let observations = validate::optional_multiline(
        "observations",
        input.observations.as_deref(),
        validate::LONG_TEXT_MAX,
    )?;

    let created_at = instant_text(s.now);
    let visit = StoredVisit {
        id: new_row_id()?,
        person_id: person_id.to_string(),
        date: date_text(date),
        cadre,
        present: crate::store::codes::JsonColumn(present),
        topics: crate::store::codes::JsonColumn(topics),
        observations,
        next_visit_on,
        created_at: created_at.clone(),
    };
    let follow_ups = actions
        .into_iter()
        .map(|(action, due_on)| {
            Ok(StoredVisitFollowUp {
                id: new_row_id()?,
                visit_id: visit.id.clone(),
                person_id: person_id.to_string(),
                action,
                due_on,
                done_on: None,
                done_note: None,
                created_at: created_at.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((visit, follow_ups))
}

/// A date a person gives for something that already happened; `None` when blank.
pub(crate) fn optional_past_date(
    s: &Session<'_>,
    field: &str,
    text: Option<&str>,
) -> Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let date = parse_date(field, text)?;
            if date > latest_date_anywhere(s.now) {
                return Err(MigranError::invalid(field, InvalidReason::OutOfRange));
            }
            Ok(Some(date))
        }
    }
}
