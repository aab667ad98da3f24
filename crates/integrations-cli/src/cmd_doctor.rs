//! `integrations doctor [--test]`: across every configured provider, what stops an enabled
//! integration from working. Disabled integrations are not checked (they are off on purpose).
//!
//! The checks, by what a provider can do:
//! - **parameters** (providers whose integrations can be changed: Looker): a required parameter
//!   with no value and no user attribute to take it from;
//! - **hub agreement** and **hub health** (providers with integration hubs: Looker): the
//!   integration's hub still waits for its legal agreement to be accepted, or the instance
//!   cannot reach it (one health check per hub in use);
//! - **test** (`--test`, providers that test: Looker): the vendor's test of the integration
//!   fails (one call per integration).
//!
//! Torq workspaces are listed and nothing more: their API has no parameters, hubs or tests
//! (the summary says `no checks for torq`). A check that cannot be made (its call failed) is a
//! problem of its own, `check failed`. A provider that cannot list its integrations, or its
//! hubs, is reported as `list` reports one, and the exit code is its error's.
//!
//! Providers are examined at most [`CONCURRENCY`] at a time, and within each provider at most
//! [`CONCURRENCY`] health checks and tests run at once. The problems are printed as a table (or
//! `--json`), then the summary on stderr; exit code 12 when a problem was found.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use clap::Args;
use futures::StreamExt;
use integrations::hubs::{HubHealth, IntegrationHub, IntegrationHubs};
use integrations::{
    Integration, IntegrationProvider, ListFilter, Result as FacadeResult, TestOutcome, Vendor,
};

use crate::context::Context;
use crate::document::{FailureDocument, SkippedDocument};
use crate::document_hubs::{Check, CheckedDocument, DoctorDocument, Problem, ProblemDocument};
use crate::error::{CliError, ProviderFailure, one_line};
use crate::progress::Progress;

/// How many providers are examined at once, and how many calls each makes at once.
pub const CONCURRENCY: usize = 8;

/// The options of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also ask the vendor to test each enabled integration (one call per integration: slower).
    #[arg(long)]
    pub test: bool,
}

/// Runs the command.
pub async fn run(ctx: &mut Context<'_>, args: &DoctorArgs) -> Result<(), CliError> {
    let providers: Vec<Arc<dyn IntegrationProvider>> = ctx.providers.all().to_vec();
    if providers.is_empty() {
        return Err(CliError::Usage(
            "--provider leaves no provider to check".into(),
        ));
    }
    let progress = Progress::start("checking", providers.len(), ctx.interactive);
    let mut reports: Vec<Report> = futures::stream::iter(providers.iter().enumerate())
        .map(|(index, provider)| examine(index, provider.as_ref(), args.test))
        .buffer_unordered(CONCURRENCY)
        .inspect(|report| progress.done("checking", &report.provider))
        .collect()
        .await;
    progress.finish();
    // Providers finish in any order; report them in the configured one.
    reports.sort_by_key(|r| r.index);

    let total = reports.len();
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for report in reports {
        problems.extend(report.problems);
        checked.extend(report.checked);
        failures.extend(report.failures);
        skipped.extend(report.skipped);
    }
    let doc = DoctorDocument {
        summary: summary(&problems, &checked),
        problems,
        providers: checked,
        failures: failures.iter().map(FailureDocument::from).collect(),
        skipped,
    };
    ctx.out.doctor(&doc)?;
    if !failures.is_empty() {
        ctx.out.note(&doc.summary)?;
        Err(CliError::List { failures, total })
    } else if !doc.problems.is_empty() {
        // `main` prints it, for every format: the one line a script in a pipeline sees.
        Err(CliError::Problems {
            summary: doc.summary,
        })
    } else if !doc.skipped.is_empty() {
        ctx.out.note(&doc.summary)?;
        Err(CliError::Skipped {
            count: doc.skipped.len(),
        })
    } else {
        ctx.out.note(&doc.summary)
    }
}

/// What examining one provider found.
struct Report {
    /// The provider's position among the configured ones.
    index: usize,
    /// Its name.
    provider: String,
    /// What was checked; `None` when it could not list its integrations.
    checked: Option<CheckedDocument>,
    /// The problems, in the vendor's order of the integrations.
    problems: Vec<ProblemDocument>,
    /// Its calls that failed: listing integrations, or hubs.
    failures: Vec<ProviderFailure>,
    /// The records its listing skipped.
    skipped: Vec<SkippedDocument>,
}

/// A call a check makes.
enum Call<'a> {
    /// The health of a hub, by id.
    Health(&'a dyn IntegrationHubs, &'a str),
    /// The test of the integration at this position of the listing.
    Test(usize),
}

/// A call's answer.
enum Answer {
    Health(String, FacadeResult<HubHealth>),
    Test(usize, FacadeResult<TestOutcome>),
}

/// Lists the integrations (and hubs) of `provider` and checks each enabled one.
async fn examine(index: usize, provider: &dyn IntegrationProvider, test: bool) -> Report {
    let name = provider.name().to_owned();
    let vendor = provider.vendor();
    let mut report = Report {
        index,
        provider: name.clone(),
        checked: None,
        problems: Vec::new(),
        failures: Vec::new(),
        skipped: Vec::new(),
    };
    let filter = ListFilter::all();
    let hubs_api = provider.hubs();
    let (listing, hubs) = futures::join!(provider.list(&filter), async {
        match hubs_api {
            Some(api) => Some(api.list_hubs().await),
            None => None,
        }
    });
    let failure = |error| ProviderFailure {
        provider: name.clone(),
        vendor,
        error,
    };
    let listing = match listing {
        Ok(listing) => listing,
        Err(error) => {
            report.failures.push(failure(error));
            return report;
        }
    };
    report.skipped = listing
        .skipped
        .into_iter()
        .map(|record| SkippedDocument {
            provider: name.clone(),
            vendor,
            record,
        })
        .collect();
    let hubs: Option<HashMap<String, IntegrationHub>> = match hubs {
        Some(Ok(hubs)) => Some(hubs.into_iter().map(|h| (h.id.clone(), h)).collect()),
        Some(Err(error)) => {
            report.failures.push(failure(error));
            None
        }
        None => None,
    };

    let capabilities = provider.capabilities();
    let mut checks = Vec::new();
    if capabilities.update {
        checks.push(Check::Parameters);
    }
    if hubs.is_some() {
        checks.push(Check::HubAgreement);
    }
    if hubs_api.is_some() {
        checks.push(Check::HubHealth);
    }
    if test && capabilities.test {
        checks.push(Check::Test);
    }
    let enabled: Vec<(usize, &Integration)> = if checks.is_empty() {
        Vec::new()
    } else {
        listing
            .integrations
            .iter()
            .enumerate()
            .filter(|(_, i)| i.enabled != Some(false))
            .collect()
    };

    let hub_ids: BTreeSet<&str> = if checks.contains(&Check::HubHealth) {
        enabled
            .iter()
            .filter_map(|(_, i)| i.kind.as_deref())
            .collect()
    } else {
        BTreeSet::new()
    };
    let tests: Vec<usize> = if checks.contains(&Check::Test) {
        enabled.iter().map(|(at, _)| *at).collect()
    } else {
        Vec::new()
    };
    let calls = hubs_api
        .into_iter()
        .flat_map(|api| hub_ids.iter().map(move |id| Call::Health(api, id)))
        .chain(tests.into_iter().map(Call::Test));
    let answers: Vec<Answer> = futures::stream::iter(calls)
        .map(|call| {
            let integrations = &listing.integrations;
            async move {
                match call {
                    Call::Health(api, id) => {
                        Answer::Health(id.to_owned(), api.hub_health(id).await)
                    }
                    Call::Test(at) => Answer::Test(at, provider.test(&integrations[at].id).await),
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut health = HashMap::new();
    let mut outcomes = HashMap::new();
    for answer in answers {
        match answer {
            Answer::Health(id, result) => {
                health.insert(id, result);
            }
            Answer::Test(at, result) => {
                outcomes.insert(at, result);
            }
        }
    }

    for (at, integration) in &enabled {
        let problem =
            |problem, detail: String, parameter: Option<&str>, hub: Option<&str>| ProblemDocument {
                provider: name.clone(),
                id: integration.id.clone(),
                name: integration.name.clone(),
                problem,
                detail,
                parameter: parameter.map(str::to_owned),
                hub: hub.map(str::to_owned),
            };
        let found = &mut report.problems;
        if checks.contains(&Check::Parameters) {
            for p in &integration.parameters {
                if p.required && !p.has_value && p.user_attribute.is_none() {
                    found.push(problem(
                        Problem::RequiredParameterUnset,
                        format!(
                            "`{}` has no value and no user attribute (set it with set-param or bind-param)",
                            p.name
                        ),
                        Some(&p.name),
                        None,
                    ));
                }
            }
        }
        if let Some(hub) = integration.kind.as_deref() {
            let known = hubs.as_ref().and_then(|hubs| hubs.get(hub));
            let called = hub_name(hub, known);
            if known.is_some_and(IntegrationHub::agreement_pending) {
                found.push(problem(
                    Problem::AgreementPending,
                    format!(
                        "{called}: its legal agreement is not accepted (integrations hubs accept-agreement {hub})"
                    ),
                    None,
                    Some(hub),
                ));
            }
            match health.get(hub) {
                Some(Ok(h)) if !h.healthy => found.push(problem(
                    Problem::HubUnhealthy,
                    format!(
                        "{called}: {}",
                        h.message
                            .as_deref()
                            .unwrap_or("the instance cannot reach it")
                    ),
                    None,
                    Some(hub),
                )),
                Some(Err(e)) => found.push(problem(
                    Problem::CheckFailed,
                    format!("{called}: {}", one_line("", e)),
                    None,
                    Some(hub),
                )),
                _ => {}
            }
        }
        match outcomes.get(at) {
            Some(Ok(outcome)) if !outcome.success => found.push(problem(
                Problem::TestFailed,
                outcome
                    .message
                    .clone()
                    .unwrap_or_else(|| "the vendor's test failed".into()),
                None,
                None,
            )),
            Some(Err(e)) => found.push(problem(Problem::CheckFailed, one_line("", e), None, None)),
            _ => {}
        }
    }
    report.checked = Some(CheckedDocument {
        provider: name.clone(),
        vendor,
        integrations: listing.integrations.len(),
        checked: enabled.len(),
        checks,
    });
    report
}

/// `hub 3 (Ops tools)`, or `hub 3` when its label is unknown.
fn hub_name(id: &str, hub: Option<&IntegrationHub>) -> String {
    match hub.and_then(|h| h.label.as_deref()) {
        Some(label) => format!("hub {id} ({label})"),
        None => format!("hub {id}"),
    }
}

/// `3 problems in 2 integrations across 1 provider (no checks for torq)`, or `no problems found:
/// checked 15 integrations of 2 providers` (the integrations checked, the providers that listed).
fn summary(problems: &[ProblemDocument], checked: &[CheckedDocument]) -> String {
    let unchecked: BTreeSet<Vendor> = checked
        .iter()
        .filter(|c| c.checks.is_empty())
        .map(|c| c.vendor)
        .collect();
    let suffix = if unchecked.is_empty() {
        String::new()
    } else {
        let vendors: Vec<String> = unchecked.iter().map(ToString::to_string).collect();
        format!(" (no checks for {})", vendors.join(", "))
    };
    if problems.is_empty() {
        let integrations: usize = checked.iter().map(|c| c.checked).sum();
        return format!(
            "no problems found: checked {} of {}{suffix}",
            count(integrations, "integration"),
            count(checked.len(), "provider")
        );
    }
    let integrations: BTreeSet<(&str, String)> = problems
        .iter()
        .map(|p| (p.provider.as_str(), p.id.to_string()))
        .collect();
    let providers: BTreeSet<&str> = problems.iter().map(|p| p.provider.as_str()).collect();
    format!(
        "{} in {} across {}{suffix}",
        count(problems.len(), "problem"),
        count(integrations.len(), "integration"),
        count(providers.len(), "provider")
    )
}

/// `1 problem`, `2 problems`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(provider: &str, id: &str, problem: Problem) -> ProblemDocument {
        ProblemDocument {
            provider: provider.into(),
            id: id.parse().unwrap(),
            name: "x".into(),
            problem,
            detail: String::new(),
            parameter: None,
            hub: None,
        }
    }

    fn checked(provider: &str, vendor: Vendor, n: usize, checks: Vec<Check>) -> CheckedDocument {
        CheckedDocument {
            provider: provider.into(),
            vendor,
            integrations: n,
            checked: if checks.is_empty() { 0 } else { n },
            checks,
        }
    }

    #[test]
    fn the_summary_counts_problems_integrations_and_providers() {
        let providers = [
            checked("prod", Vendor::Looker, 5, vec![Check::Parameters]),
            checked("staging", Vendor::Looker, 3, vec![Check::Parameters]),
            checked("soc", Vendor::Torq, 13, Vec::new()),
        ];
        let problems = [
            problem("prod", "looker:1::a", Problem::RequiredParameterUnset),
            problem("prod", "looker:1::a", Problem::HubUnhealthy),
            problem("staging", "looker:1::a", Problem::AgreementPending),
        ];
        assert_eq!(
            summary(&problems, &providers),
            "3 problems in 2 integrations across 2 providers (no checks for torq)"
        );
        assert_eq!(
            summary(&problems[..1], &providers[..1]),
            "1 problem in 1 integration across 1 provider"
        );
        assert_eq!(
            summary(&[], &providers),
            "no problems found: checked 8 integrations of 3 providers (no checks for torq)"
        );
    }

    #[test]
    fn hubs_are_named_by_label_when_known() {
        let mut hub = IntegrationHub::new("3");
        assert_eq!(hub_name("3", Some(&hub)), "hub 3");
        hub.label = Some("Ops tools".into());
        assert_eq!(hub_name("3", Some(&hub)), "hub 3 (Ops tools)");
        assert_eq!(hub_name("9", None), "hub 9");
    }
}
