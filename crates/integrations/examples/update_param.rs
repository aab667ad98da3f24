//! Enables a Looker integration, sets a secret parameter, and tests it; shows a typed
//! validation error for a parameter that does not exist.
//!
//! ```sh
//! cargo run -p integrations --example update_param
//! ```

use integrations::{
    Error, IntegrationPatch, IntegrationProvider, ListFilter, LookerConfig, ParamChange,
};
use integrations_fake::FakeServers;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeServers::start().await?;
    let looker = LookerConfig::new()
        .with_base_url(fake.looker.base_url())
        .with_client_id(fake.looker.client_id())
        .with_client_secret(fake.looker.client_secret())
        .build()?;

    let all = looker.list(&ListFilter::all()).await?.integrations;
    let target = all
        .iter()
        .find(|i| i.parameters.iter().any(|p| p.sensitive && !p.per_user))
        .ok_or("no integration with a secret parameter")?;
    let secret = target
        .parameters
        .iter()
        .find(|p| p.sensitive && !p.per_user)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    println!(
        "updating {} ({}): setting `{secret}`",
        target.id, target.name
    );

    let patch = IntegrationPatch::new()
        .enabled(true)
        .param(secret.clone(), ParamChange::set("example-secret-value"));
    let updated = looker.update(&target.id, &patch).await?;
    let param = updated.parameters.iter().find(|p| p.name == secret);
    println!(
        "enabled: {:?}; `{secret}` has a value: {:?}",
        updated.enabled,
        param.map(|p| p.has_value)
    );

    let outcome = looker.test(&updated.id).await?;
    println!(
        "test: success={} message={:?}",
        outcome.success, outcome.message
    );

    match looker
        .update(
            &target.id,
            &IntegrationPatch::new().param("no_such_param", ParamChange::clear()),
        )
        .await
    {
        Err(Error::Validation { errors, .. }) => {
            for e in errors {
                println!(
                    "rejected field {}: {}",
                    e.field,
                    e.message.unwrap_or_default()
                );
            }
        }
        other => println!("unexpected: {other:?}"),
    }
    looker.logout().await?;
    Ok(())
}
