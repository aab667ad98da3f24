//! The outcome of `test_integration`, worked out from the integration's stored state: a
//! required param without a value (and without a user attribute to take it from) fails the test,
//! and so does a delegate-OAuth integration with no installed target.

use looker_api::types::{DelegateOauthTest, Integration, IntegrationParam, IntegrationTestResult};
use serde_json::Map;

/// Tests `integration` as its hub would.
pub(crate) fn test_integration(integration: &Integration) -> IntegrationTestResult {
    let (success, message, delegate_oauth_result) = match check(integration) {
        Ok(delegate_oauth_result) => (
            true,
            "Integration test succeeded.".to_owned(),
            delegate_oauth_result,
        ),
        Err(message) => (false, message, None),
    };
    IntegrationTestResult {
        success: Some(success),
        message: Some(message),
        delegate_oauth_result,
        extra: Map::new(),
    }
}

/// What testing `integration` finds: one result per installed delegate OAuth target (none without
/// delegate OAuth), or why the test fails.
fn check(integration: &Integration) -> Result<Option<Vec<DelegateOauthTest>>, String> {
    let missing: Vec<&str> = integration
        .params
        .iter()
        .filter(|p| p.required == Some(true) && !has_value(p) && !has_attribute(p))
        .map(|p| {
            p.label
                .as_deref()
                .or(p.name.as_deref())
                .unwrap_or("(unnamed)")
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "Missing required parameter(s): {}.",
            missing.join(", ")
        ));
    }
    if integration.delegate_oauth != Some(true) {
        return Ok(None);
    }
    let targets = &integration.installed_delegate_oauth_targets;
    if targets.is_empty() {
        return Err("No delegate OAuth target is installed for this integration.".into());
    }
    let name = integration.label.as_ref().or(integration.id.as_ref());
    let installed = |(index, target): (usize, &String)| DelegateOauthTest {
        name: Some(name.cloned().unwrap_or_default()),
        installation_target_id: Some(target.clone()),
        installation_id: Some((index + 1).to_string()),
        success: Some(true),
        extra: Map::new(),
    };
    Ok(Some(targets.iter().enumerate().map(installed).collect()))
}

/// Whether `param` has a value of its own (an empty string is none).
fn has_value(param: &IntegrationParam) -> bool {
    param.value.as_deref().is_some_and(|v| !v.is_empty())
}

/// Whether `param` takes its value from a user attribute (an empty name is none).
fn has_attribute(param: &IntegrationParam) -> bool {
    param
        .user_attribute_name
        .as_deref()
        .is_some_and(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::looker::seed::{blank_integration, blank_param};

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
