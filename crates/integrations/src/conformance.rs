//! One suite of checks that every [`IntegrationProvider`] must pass, whatever its vendor.
//!
//! The facade's own tests run it against the Looker and Torq providers on the fake servers of
//! `integrations-fake`, directly and through `Arc<dyn …>` and `Box<dyn …>`. Run it on a provider
//! of your own the same way. Each check panics with a message naming the provider when it fails.

use crate::error::{Error, Operation};
use crate::listing::Listing;
use crate::model::{Integration, IntegrationId, IntegrationPatch, ListFilter};
use crate::provider::IntegrationProvider;

/// Runs every check. The provider must hold at least one integration with a kind.
pub async fn run_all(provider: &dyn IntegrationProvider) {
    list_returns_integrations_of_this_vendor(provider).await;
    list_filters_by_kind(provider).await;
    list_stream_yields_the_listing(provider).await;
    get_returns_what_list_returned(provider).await;
    unknown_ids_are_not_found(provider).await;
    foreign_ids_are_refused(provider).await;
    unsupported_operations_say_so(provider).await;
    hubs_match_capabilities(provider).await;
}

/// The integrations `provider` lists with `filter`; every record must read (nothing skipped).
async fn listed(provider: &dyn IntegrationProvider, filter: &ListFilter) -> Vec<Integration> {
    let name = provider.name();
    let listing = provider
        .list(filter)
        .await
        .unwrap_or_else(|e| panic!("{name}: list failed: {e}"));
    assert!(
        listing.is_complete(),
        "{name}: records were skipped: {:?}",
        listing.skipped
    );
    listing.integrations
}

/// `list_stream` yields what `list` returns, in the same order, and ends.
pub async fn list_stream_yields_the_listing(provider: &dyn IntegrationProvider) {
    let name = provider.name();
    for filter in [ListFilter::all(), ListFilter::kind("no-such-kind")] {
        let listed = provider
            .list(&filter)
            .await
            .unwrap_or_else(|e| panic!("{name}: list failed: {e}"));
        let streamed = Listing::from_stream(provider.list_stream(&filter))
            .await
            .unwrap_or_else(|e| panic!("{name}: list_stream failed: {e}"));
        assert_eq!(
            streamed, listed,
            "{name}: list_stream and list differ ({filter:?})"
        );
    }
}

/// `list` returns integrations with ids of the provider's vendor, each with its raw record.
pub async fn list_returns_integrations_of_this_vendor(provider: &dyn IntegrationProvider) {
    let name = provider.name().to_owned();
    let all = listed(provider, &ListFilter::all()).await;
    assert!(!all.is_empty(), "{name}: list returned nothing");
    for integration in &all {
        assert_eq!(
            integration.id.vendor(),
            provider.vendor(),
            "{name}: {}",
            integration.id
        );
        // A record kept as JSON (`RawRecord::Json`, say by a caching wrapper) has no vendor.
        assert!(
            integration
                .raw
                .vendor()
                .is_none_or(|vendor| vendor == provider.vendor()),
            "{name}: {} has a raw record of another vendor",
            integration.id
        );
        assert!(
            integration.raw.to_value().is_object(),
            "{name}: {}'s raw record is not an object",
            integration.id
        );
        let reparsed: IntegrationId = integration
            .id
            .to_string()
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(reparsed, integration.id);
    }
}

/// Filtering by the kind of a listed integration returns exactly the integrations of that kind.
pub async fn list_filters_by_kind(provider: &dyn IntegrationProvider) {
    let name = provider.name().to_owned();
    let all = listed(provider, &ListFilter::all()).await;
    let kind = all
        .iter()
        .find_map(|i| i.kind.clone())
        .unwrap_or_else(|| panic!("{name}: no integration has a kind"));
    let kind = kind.as_str();
    let expected = all
        .iter()
        .filter(|i| i.kind.as_deref() == Some(kind))
        .count();
    let some = listed(provider, &ListFilter::kind(kind)).await;
    assert!(!some.is_empty(), "{name}: nothing of kind {kind}");
    assert_eq!(some.len(), expected, "{name}: kind {kind}");
    assert!(
        some.iter().all(|i| i.kind.as_deref() == Some(kind)),
        "{name}: the filter let other kinds through"
    );
}

/// `get` of a listed id returns the same integration.
pub async fn get_returns_what_list_returned(provider: &dyn IntegrationProvider) {
    let name = provider.name().to_owned();
    let all = listed(provider, &ListFilter::all()).await;
    let first = &all[0];
    let got = provider
        .get(&first.id)
        .await
        .unwrap_or_else(|e| panic!("{name}: get {} failed: {e}", first.id));
    assert_eq!(got.id, first.id);
    assert_eq!(got.name, first.name);
    assert_eq!(got.parameters, first.parameters);
}

/// An id that does not exist is [`Error::NotFound`] naming it, also with odd characters.
pub async fn unknown_ids_are_not_found(provider: &dyn IntegrationProvider) {
    let name = provider.name().to_owned();
    for odd in [
        "no-such-integration",
        "a/b",
        "what?x=1",
        "50% off",
        "../etc",
    ] {
        let id = IntegrationId::new(provider.vendor(), odd).unwrap_or_else(|e| panic!("{e}"));
        match provider.get(&id).await {
            Err(Error::NotFound {
                id: missing,
                vendor,
                ..
            }) => {
                assert_eq!(missing, odd, "{name}");
                assert_eq!(vendor, provider.vendor());
            }
            other => panic!("{name}: get {id}: expected NotFound, got {other:?}"),
        }
    }
}

/// An id of another vendor is refused before any request.
pub async fn foreign_ids_are_refused(provider: &dyn IntegrationProvider) {
    let other = match provider.vendor() {
        crate::Vendor::Looker => "torq:x",
        crate::Vendor::Torq => "looker:x",
    };
    let id: IntegrationId = other.parse().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(provider.get(&id).await, Err(Error::InvalidId { .. })),
        "{}",
        provider.name()
    );
}

/// What [`capabilities`](IntegrationProvider::capabilities) denies answers
/// [`Error::Unsupported`], never a fake success.
pub async fn unsupported_operations_say_so(provider: &dyn IntegrationProvider) {
    let name = provider.name().to_owned();
    let caps = provider.capabilities();
    let id = IntegrationId::new(provider.vendor(), "no-such-integration")
        .unwrap_or_else(|e| panic!("{e}"));
    if !caps.update {
        let outcome = provider
            .update(&id, &IntegrationPatch::new().enabled(true))
            .await;
        assert!(
            matches!(outcome, Err(Error::Unsupported { operation: Operation::Update, vendor }) if vendor == provider.vendor()),
            "{name}: update: {outcome:?}"
        );
    }
    if !caps.test {
        let outcome = provider.test(&id).await;
        assert!(
            matches!(
                outcome,
                Err(Error::Unsupported {
                    operation: Operation::Test,
                    ..
                })
            ),
            "{name}: test: {outcome:?}"
        );
    }
    let outcome = provider.logout().await;
    if caps.logout {
        assert!(outcome.is_ok(), "{name}: logout: {outcome:?}");
        // The session ends; the next call logs in again and works.
        listed(provider, &ListFilter::all()).await;
    } else {
        assert!(
            matches!(
                outcome,
                Err(Error::Unsupported {
                    operation: Operation::Logout,
                    ..
                })
            ),
            "{name}: logout: {outcome:?}"
        );
    }
}

/// A provider offers hubs exactly when its capabilities say so; when it does, every hub it lists
/// can be read and its health asked, and every listed integration's form can be read. Changes
/// nothing (see [`hub_lifecycle`] for the writes).
pub async fn hubs_match_capabilities(provider: &dyn IntegrationProvider) {
    let name = provider.name().to_owned();
    let caps = provider.capabilities();
    let Some(hubs) = provider.hubs() else {
        assert!(
            !caps.hubs,
            "{name}: capabilities say hubs, hubs() says none"
        );
        return;
    };
    assert!(caps.hubs, "{name}: hubs() is there but capabilities say no");
    let listed = hubs
        .list_hubs()
        .await
        .unwrap_or_else(|e| panic!("{name}: list hubs: {e}"));
    for hub in &listed {
        let got = hubs
            .hub(&hub.id)
            .await
            .unwrap_or_else(|e| panic!("{name}: get hub {}: {e}", hub.id));
        assert_eq!(&got, hub, "{name}: hub {}", hub.id);
        hubs.hub_health(&hub.id)
            .await
            .unwrap_or_else(|e| panic!("{name}: health of hub {}: {e}", hub.id));
    }
    match hubs.hub("no-such-hub").await {
        Err(Error::NotFound { .. }) => {}
        other => panic!("{name}: an unknown hub: {other:?}"),
    }
    if let Some(first) = listed_integrations(provider).await.first() {
        hubs.integration_form(&first.id, &Default::default())
            .await
            .unwrap_or_else(|e| panic!("{name}: form of {}: {e}", first.id));
    }
}

async fn listed_integrations(provider: &dyn IntegrationProvider) -> Vec<Integration> {
    listed(provider, &ListFilter::all()).await
}

/// Adds a hub at `url` with `token`, then changes, checks and removes it: the token is never
/// returned (only `has_authorization_token`), never in `Debug`; health is asked; the hub is
/// gone after. For a provider whose instance may be changed (a fake, a test instance).
pub async fn hub_lifecycle(provider: &dyn IntegrationProvider, url: &str, token: &str) {
    let name = provider.name().to_owned();
    let hubs = provider.hubs().unwrap_or_else(|| panic!("{name}: no hubs"));
    let created = hubs
        .create_hub(&crate::hubs::NewHub::new(url).with_authorization_token(token))
        .await
        .unwrap_or_else(|e| panic!("{name}: create hub: {e}"));
    assert!(created.has_authorization_token, "{name}: {created:?}");
    assert!(
        !format!("{created:?}").contains(token),
        "{name}: token shown"
    );
    let updated = hubs
        .update_hub(
            &created.id,
            &crate::hubs::HubPatch::new().remove_authorization_token(),
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: update hub: {e}"));
    assert!(!updated.has_authorization_token, "{name}: {updated:?}");
    hubs.hub_health(&created.id)
        .await
        .unwrap_or_else(|e| panic!("{name}: health: {e}"));
    hubs.delete_hub(&created.id)
        .await
        .unwrap_or_else(|e| panic!("{name}: delete hub: {e}"));
    assert!(
        matches!(hubs.hub(&created.id).await, Err(Error::NotFound { .. })),
        "{name}: the hub is still there"
    );
}
