//! What the CLI knows of each vendor beyond the facade: its flags, its own configuration file,
//! the keys a config file entry must give, and the help that says how to configure it.
//!
//! [`VENDORS`] is the one table to extend when the facade gains a vendor; everything else
//! (config file, environment, flags, demo, help) is driven by it and by the facade's
//! [`ProviderConfig`](integrations::ProviderConfig), whose keys parse from strings.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use integrations::{TorqRegion, Vendor};

/// The values a flag takes when they are one of the facade's enums: their names for the help,
/// and the facade's `FromStr`, which checks a value while the command line is parsed.
#[derive(Debug, Clone, Copy)]
pub struct Choices {
    /// Each value, with a line of help.
    pub values: fn() -> Vec<PossibleValue>,
    /// The facade's parser; the value is passed on as it prints.
    pub parse: fn(&str) -> Result<String, integrations::Error>,
}

/// A flag that sets one configuration key.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Its long name, without `--`.
    pub long: &'static str,
    /// The key it sets: a short name the facade's key types parse (`base_url`, `timeout`).
    pub key: &'static str,
    /// The placeholder of its value in the help.
    pub value_name: &'static str,
    /// Its help.
    pub help: &'static str,
    /// The values it takes, when they are few.
    pub choices: Option<Choices>,
}

impl Flag {
    /// The flag as clap takes it: global, under "Overrides".
    pub fn arg(&self) -> clap::Arg {
        let arg = clap::Arg::new(self.long)
            .long(self.long)
            .value_name(self.value_name)
            .help(self.help)
            .global(true)
            .help_heading("Overrides");
        match self.choices {
            Some(choices) => arg.value_parser(
                PossibleValuesParser::new((choices.values)())
                    .try_map(move |value: String| (choices.parse)(&value)),
            ),
            None => arg.value_parser(clap::builder::NonEmptyStringValueParser::new()),
        }
    }
}

/// A vendor's own configuration file (Looker's `looker.ini`).
#[derive(Debug, Clone, Copy)]
pub struct VendorFile {
    /// Its kind (`ini`), which names its keys in a config file: `<kind>_file` (relative to the
    /// config file) and `<kind>_section`.
    pub kind: &'static str,
    /// The section read when none is named (`Looker`).
    pub section: &'static str,
    /// The file read from the working directory without `--config`, as the vendor's SDKs do.
    pub in_working_dir: &'static str,
}

impl VendorFile {
    /// The config file key that names the file (`ini_file`).
    pub fn path_key(&self) -> String {
        format!("{}_file", self.kind)
    }

    /// The config file key that names its section (`ini_section`).
    pub fn section_key(&self) -> String {
        format!("{}_section", self.kind)
    }
}

/// One vendor, as the CLI offers it.
#[derive(Debug, Clone, Copy)]
pub struct VendorFlags {
    /// The vendor.
    pub vendor: Vendor,
    /// The flags that set a key of its one provider (`--looker-base-url`).
    pub flags: &'static [Flag],
    /// Its own configuration file, if it has one.
    pub file: Option<VendorFile>,
    /// The keys a config file entry must give (itself or as `<key>_env`) unless it names the
    /// vendor's own file.
    pub required: &'static [&'static str],
    /// Its variables, for the help (`LOOKERSDK_BASE_URL, …`).
    pub variables: &'static str,
    /// How to configure it from the environment, for "no provider" errors.
    pub configure: &'static str,
}

/// Every vendor the CLI offers, in the order the environment's providers are listed.
pub const VENDORS: &[VendorFlags] = &[
    VendorFlags {
        vendor: Vendor::Looker,
        flags: &[
            Flag {
                long: "looker-base-url",
                key: "base_url",
                value_name: "URL",
                help: "Looker instance URL (overrides LOOKERSDK_BASE_URL, looker.ini, the config file)",
                choices: None,
            },
            Flag {
                long: "looker-client-id",
                key: "client_id",
                value_name: "ID",
                help: "Looker API client id",
                choices: None,
            },
        ],
        file: Some(VendorFile {
            kind: "ini",
            section: "Looker",
            in_working_dir: "looker.ini",
        }),
        required: &["base_url", "client_id", "client_secret"],
        variables: "LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID,\n     LOOKERSDK_CLIENT_SECRET, LOOKERSDK_VERIFY_SSL, LOOKERSDK_TIMEOUT over ./looker.ini [Looker]",
        configure: "set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET (or write ./looker.ini)",
    },
    VendorFlags {
        vendor: Vendor::Torq,
        flags: &[
            Flag {
                long: "torq-region",
                key: "region",
                value_name: "REGION",
                help: "Torq region",
                choices: Some(Choices {
                    values: || {
                        TorqRegion::ALL
                            .iter()
                            .map(|r| {
                                PossibleValue::new(r.as_str())
                                    .help(r.api_url().trim_start_matches("https://"))
                            })
                            .collect()
                    },
                    parse: |s| s.parse::<TorqRegion>().map(|r| r.to_string()),
                }),
            },
            Flag {
                long: "torq-base-url",
                key: "base_url",
                value_name: "URL",
                help: "Torq API URL (with --torq-auth-url unless it is a region's)",
                choices: None,
            },
            Flag {
                long: "torq-auth-url",
                key: "auth_url",
                value_name: "URL",
                help: "Torq token endpoint's base URL",
                choices: None,
            },
            Flag {
                long: "torq-client-id",
                key: "client_id",
                value_name: "ID",
                help: "Torq API client id",
                choices: None,
            },
        ],
        file: None,
        required: &["client_id", "client_secret"],
        variables: "TORQ_CLIENT_ID, TORQ_CLIENT_SECRET, TORQ_REGION (us|eu), TORQ_BASE_URL, TORQ_AUTH_URL",
        configure: "set TORQ_CLIENT_ID and TORQ_CLIENT_SECRET (and TORQ_REGION)",
    },
];

/// Flags that set a key of every provider, whatever its vendor.
pub const EVERY_PROVIDER: &[Flag] = &[Flag {
    long: "timeout",
    key: "timeout",
    value_name: "DURATION",
    help: "Time allowed for each request, for every provider (seconds, or with a unit: 500ms, 2m)",
    choices: None,
}];

/// The entry of `vendor`, if the CLI offers it.
pub fn of(vendor: Vendor) -> Option<&'static VendorFlags> {
    VENDORS.iter().find(|v| v.vendor == vendor)
}

/// The vendor flags (not [`EVERY_PROVIDER`]'s), each with its vendor.
pub fn vendor_flags() -> impl Iterator<Item = (Vendor, &'static Flag)> {
    VENDORS
        .iter()
        .flat_map(|v| v.flags.iter().map(move |f| (v.vendor, f)))
}

/// The values `--vendor` takes: every vendor the CLI offers, parsed by the facade's `FromStr`.
pub fn vendor_parser() -> impl TypedValueParser<Value = Vendor> {
    PossibleValuesParser::new(
        VENDORS
            .iter()
            .map(|v| PossibleValue::new(v.vendor.as_str())),
    )
    .try_map(|s| s.parse::<Vendor>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use integrations::ProviderConfig;

    #[test]
    fn every_vendor_of_the_facade_is_offered_once() {
        for vendor in Vendor::ALL {
            assert_eq!(
                VENDORS.iter().filter(|v| v.vendor == vendor).count(),
                1,
                "{vendor}"
            );
        }
    }

    #[test]
    fn every_key_of_the_table_is_a_key_of_its_vendor() {
        for v in VENDORS {
            let keys = v
                .flags
                .iter()
                .map(|f| f.key)
                .chain(v.required.iter().copied());
            for key in keys.chain(EVERY_PROVIDER.iter().map(|f| f.key)) {
                assert!(
                    ProviderConfig::new(v.vendor)
                        .with_key(key, "x", "test")
                        .is_ok(),
                    "{}: {key}",
                    v.vendor
                );
            }
        }
    }

    #[test]
    fn flags_are_unique_and_named_after_their_vendor() {
        let mut longs: Vec<&str> = vendor_flags().map(|(_, f)| f.long).collect();
        for (vendor, flag) in vendor_flags() {
            assert!(flag.long.starts_with(vendor.as_str()), "{}", flag.long);
        }
        longs.extend(EVERY_PROVIDER.iter().map(|f| f.long));
        let count = longs.len();
        longs.sort_unstable();
        longs.dedup();
        assert_eq!(longs.len(), count);
    }

    #[test]
    fn choices_are_checked_by_the_facade() {
        let region = vendor_flags()
            .find(|(_, f)| f.long == "torq-region")
            .map(|(_, f)| f.arg())
            .unwrap();
        let cmd = clap::Command::new("t").arg(region);
        let m = cmd
            .clone()
            .try_get_matches_from(["t", "--torq-region", "eu"]);
        assert_eq!(
            m.unwrap()
                .get_one::<String>("torq-region")
                .map(String::as_str),
            Some("eu")
        );
        assert!(
            cmd.try_get_matches_from(["t", "--torq-region", "mars"])
                .is_err()
        );
    }
}
