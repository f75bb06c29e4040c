//! The alert a duress PIN queues (issue 16; docs/security.md, "The duress PIN"): entered at
//! unlock, or to answer a check-in, the duress PIN opens the decoy (or answers as the real
//! PIN would) and, without anything on screen, puts the emergency alert for the card's
//! family and cadre in the same outbox the button uses.

use super::outbox::{insert_alert, new_alert};
use super::{ActionChannel, EmergencyKind, Recipient};
use crate::error::Result;
use crate::i18n::Locale;
use crate::vault::Vault;

/// What a duress PIN means: someone is forcing the owner to open the phone.
const DURESS_KIND: EmergencyKind = EmergencyKind::HeldAgainstWill;

impl Vault {
    /// Queues one duress alert in the outbox: the plan of [`DURESS_KIND`] (its words in
    /// Bahasa Indonesia, as the family and cadre at home read them, the card's country),
    /// kept to its SMS and WhatsApp actions to the card's family and cadre. `false` when
    /// nothing was queued: no family or cadre on the card (a silent alert cannot call the
    /// hotlines; docs/security.md says why nothing is queued then). Fails like
    /// `trigger_emergency` without a device secret; the callers ignore the failure, so
    /// that the screen shows what a real PIN shows.
    pub(crate) fn queue_duress_alert(&self) -> Result<bool> {
        let key = self.emergency_key()?;
        let now = self.now();
        let mut plan = self.emergency_plan(DURESS_KIND, None, None, Locale::Id)?;
        plan.actions.retain(|a| {
            matches!(a.recipient, Recipient::Family | Recipient::Cadre) && a.channel != ActionChannel::Call
        });
        if plan.actions.is_empty() {
            return Ok(false);
        }
        let alert = new_alert(plan, None, now)?;
        self.with_outbox(&key, |conn| {
            let tx = conn.transaction()?;
            insert_alert(&tx, &key, &alert)?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(true)
    }
}
