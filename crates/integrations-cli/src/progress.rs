//! A spinner on stderr while a fan-out is slow: shown only on a terminal, only after
//! [`SHOW_AFTER`], and cleared before the results are printed.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a fan-out runs before the spinner appears: quick ones print no noise.
pub const SHOW_AFTER: Duration = Duration::from_millis(300);

/// The progress of one fan-out over `total` providers.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    total: usize,
    show: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Starts counting; draws on stderr after [`SHOW_AFTER`] when `interactive`, never otherwise.
    pub fn start(what: &str, total: usize, interactive: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message(what, 0, total, None));
        let show = interactive.then(|| {
            let bar = bar.clone();
            tokio::spawn(async move {
                tokio::time::sleep(SHOW_AFTER).await;
                if !bar.is_finished() {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(100));
                }
            })
        });
        Self { bar, total, show }
    }

    /// Counts one more provider done, `name` the last one.
    pub fn done(&self, what: &str, name: &str) {
        self.bar.inc(1);
        let done = usize::try_from(self.bar.position()).unwrap_or(self.total);
        self.bar
            .set_message(message(what, done, self.total, Some(name)));
    }

    /// Runs `write` with the spinner (if shown) hidden, so that what it writes on a terminal is
    /// not mixed with the spinner's line.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        self.bar.suspend(write)
    }

    /// Removes the spinner (if it was shown) before anything else is printed.
    pub fn finish(self) {
        if let Some(show) = self.show {
            show.abort();
        }
        self.bar.finish_and_clear();
    }
}

/// `listing 1/3 providers (prod done)`.
fn message(what: &str, done: usize, total: usize, last: Option<&str>) -> String {
    let mut m = format!("{what} {done}/{total} providers");
    if let Some(last) = last {
        m.push_str(&format!(" ({last} done)"));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_count_providers() {
        assert_eq!(message("listing", 0, 3, None), "listing 0/3 providers");
        assert_eq!(
            message("listing", 2, 3, Some("prod")),
            "listing 2/3 providers (prod done)"
        );
    }

    #[tokio::test]
    async fn a_non_interactive_progress_never_draws() {
        let progress = Progress::start("listing", 2, false);
        assert!(progress.show.is_none());
        tokio::time::sleep(SHOW_AFTER + Duration::from_millis(50)).await;
        assert!(progress.bar.is_hidden());
        progress.done("listing", "prod");
        assert_eq!(progress.bar.position(), 1);
        assert_eq!(progress.bar.message(), "listing 1/2 providers (prod done)");
        progress.finish();
    }
}
