//! A progress bar on standard error, drawn only when standard error is a terminal (a
//! script or a log file gets no carriage returns).

use std::io::{IsTerminal, Write};

const WIDTH: usize = 30;

pub struct Bar {
    enabled: bool,
    /// What was drawn last: the label and the percentage, to redraw only on a change.
    drawn: Option<(String, u32)>,
    /// The length of the last line drawn, to clear it.
    length: usize,
}

impl Bar {
    /// A bar on standard error, or a silent one when it is not a terminal.
    pub fn on_stderr() -> Bar {
        Bar {
            enabled: std::io::stderr().is_terminal(),
            drawn: None,
            length: 0,
        }
    }

    /// Whether the bar is drawn (standard error is a terminal).
    pub fn is_terminal(&self) -> bool {
        self.enabled
    }

    /// Shows `done` of `total` for the step named `label`.
    pub fn update(&mut self, label: &str, done: u32, total: u32) {
        if !self.enabled {
            return;
        }
        let percent = if total == 0 {
            100
        } else {
            (u64::from(done.min(total)) * 100 / u64::from(total)) as u32
        };
        if self
            .drawn
            .as_ref()
            .is_some_and(|(l, p)| l == label && *p == percent)
        {
            return;
        }
        let filled = percent as usize * WIDTH / 100;
        let line = format!(
            "{label} [{}{}] {percent:>3}% ({done}/{total})",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled)
        );
        let padding = self.length.saturating_sub(line.chars().count());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}{}", " ".repeat(padding));
        let _ = err.flush();
        self.length = line.chars().count();
        self.drawn = Some((label.to_string(), percent));
    }

    /// Removes the bar, so that what follows starts on a clean line.
    pub fn finish(&mut self) {
        if self.enabled && self.length > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(self.length));
            let _ = err.flush();
            self.length = 0;
            self.drawn = None;
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}
