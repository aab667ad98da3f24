//! Settings that cannot work are refused when the provider is built, naming the setting.

use integrations::{Error, LookerConfig, LookerConfigKey, TorqConfig, Vendor};

#[test]
fn a_bound_of_zero_is_a_configuration_error_for_both_vendors() {
    let looker = LookerConfig::new()
        .with_base_url("https://example.cloud.looker.com")
        .with_client_id("id")
        .with_client_secret("secret")
        .with_max_in_flight(0)
        .build()
        .unwrap_err();
    let torq = TorqConfig::new()
        .with_client_id("id")
        .with_client_secret("secret")
        .with_max_in_flight(0)
        .build()
        .unwrap_err();
    for error in [looker, torq] {
        assert!(
            matches!(&error, Error::Config { setting, .. } if setting == "max_in_flight"),
            "{error:?}"
        );
    }
}

#[test]
fn an_empty_client_secret_is_a_configuration_error_for_both_vendors() {
    let looker = LookerConfig::new()
        .with_base_url("https://example.cloud.looker.com")
        .with_client_id("id")
        .with_client_secret("")
        .build()
        .unwrap_err();
    let torq = TorqConfig::new()
        .with_client_id("id")
        .with_client_secret("")
        .build()
        .unwrap_err();
    for error in [looker, torq] {
        assert!(
            matches!(&error, Error::Config { setting, .. } if setting.contains("CLIENT_SECRET")),
            "{error:?}"
        );
    }
}

#[test]
fn a_blank_client_id_is_empty_not_missing_and_named_where_it_came_from() {
    let looker = LookerConfig::new()
        .with_base_url("https://example.cloud.looker.com")
        .with_client_id("  ")
        .with_origin(
            LookerConfigKey::ClientId,
            "config [[looker]] `prod` client_id",
        )
        .with_client_secret("secret")
        .build()
        .unwrap_err();
    let torq = TorqConfig::new()
        .with_client_id("")
        .with_client_secret("secret")
        .build()
        .unwrap_err();
    assert_eq!(
        looker.to_string(),
        Error::Config {
            vendor: Vendor::Looker,
            setting: "config [[looker]] `prod` client_id".into(),
            message: "is empty".into(),
        }
        .to_string()
    );
    assert!(
        matches!(&torq, Error::Config { setting, message, .. }
            if setting == "TORQ_CLIENT_ID" && message == "is empty"),
        "{torq:?}"
    );
}
