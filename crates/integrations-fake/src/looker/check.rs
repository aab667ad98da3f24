//! The outcome of `test_integration`, worked out from the integration's stored state: a
//! required param without a value (and without a user attribute to take it from) fails the test,
//! and so does a delegate-OAuth integration with no installed target.

use looker_api::types::{DelegateOauthTest, Integration, IntegrationTestResult};
use serde_json::Map;

/// Tests `integration` as its hub would.
pub(crate) fn test_integration(integration: &Integration) -> IntegrationTestResult {
    let missing: Vec<&str> = integration
        .params
        .iter()
        .filter(|p| p.required == Some(true))
        .filter(|p| {
            let has_value = p.value.as_deref().is_some_and(|v| !v.is_empty());
            let from_attribute = p
                .user_attribute_name
                .as_deref()
                .is_some_and(|a| !a.is_empty());
            !has_value && !from_attribute
        })
        .map(|p| {
            p.label
                .as_deref()
                .or(p.name.as_deref())
                .unwrap_or("(unnamed)")
        })
        .collect();
    if !missing.is_empty() {
        return failure(format!(
            "Missing required parameter(s): {}.",
            missing.join(", ")
        ));
    }
    if integration.delegate_oauth != Some(true) {
        return success(None);
    }
    if integration.installed_delegate_oauth_targets.is_empty() {
        return failure("No delegate OAuth target is installed for this integration.".into());
    }
    let name = integration
        .label
        .clone()
        .or_else(|| integration.id.clone())
        .unwrap_or_default();
    let results = integration
        .installed_delegate_oauth_targets
        .iter()
        .enumerate()
        .map(|(index, target)| DelegateOauthTest {
            name: Some(name.clone()),
            installation_target_id: Some(target.clone()),
            installation_id: Some(format!("{}", index + 1)),
            success: Some(true),
            extra: Map::new(),
        })
        .collect();
    success(Some(results))
}

fn success(delegate_oauth_result: Option<Vec<DelegateOauthTest>>) -> IntegrationTestResult {
    IntegrationTestResult {
        success: Some(true),
        message: Some("Integration test succeeded.".to_owned()),
        delegate_oauth_result,
        extra: Map::new(),
    }
}

fn failure(message: String) -> IntegrationTestResult {
    IntegrationTestResult {
        success: Some(false),
        message: Some(message),
        delegate_oauth_result: None,
        extra: Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::looker::seed::{blank_integration, blank_param};
    use looker_api::types::IntegrationParam;

    fn required(label: &str, value: Option<&str>, attribute: Option<&str>) -> IntegrationParam {
        IntegrationParam {
            name: Some(label.to_lowercase()),
            label: Some(label.into()),
            required: Some(true),
            value: value.map(Into::into),
            user_attribute_name: attribute.map(Into::into),
            ..blank_param()
        }
    }

    #[test]
    fn a_required_param_without_a_value_fails_the_test_and_names_it() {
        let integration = Integration {
            params: vec![
                required("API Key", None, None),
                required("Region", Some("eu"), None),
                required("Token", None, Some("token_attr")),
                required("Secret", Some(""), None),
            ],
            ..blank_integration()
        };
        let result = test_integration(&integration);
        assert_eq!(result.success, Some(false));
        assert_eq!(
            result.message.as_deref(),
            Some("Missing required parameter(s): API Key, Secret.")
        );
    }

    #[test]
    fn delegate_oauth_needs_an_installed_target_and_reports_each() {
        let mut integration = Integration {
            label: Some("Slack".into()),
            delegate_oauth: Some(true),
            ..blank_integration()
        };
        assert_eq!(test_integration(&integration).success, Some(false));
        integration.installed_delegate_oauth_targets = vec!["T1".into(), "T2".into()];
        let result = test_integration(&integration);
        assert_eq!(result.success, Some(true));
        let targets: Vec<_> = result
            .delegate_oauth_result
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.installation_target_id)
            .collect();
        assert_eq!(targets, vec!["T1", "T2"]);
    }

    #[test]
    fn a_complete_integration_passes() {
        let result = test_integration(&blank_integration());
        assert_eq!(result.success, Some(true));
        assert_eq!(result.delegate_oauth_result, None);
    }
}
