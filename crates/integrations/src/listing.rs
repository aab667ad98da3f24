//! What a listing returns: the integrations that could be read, and a report of each record
//! that could not.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Integration;

/// The answer of [`IntegrationProvider::list`](crate::IntegrationProvider::list).
///
/// One record the model cannot read (a field of an unexpected type, an id that cannot be used)
/// does not cost the others: it is left out of `integrations` and reported in `skipped`. A
/// caller that must see everything checks [`is_complete`](Self::is_complete).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct Listing {
    /// The integrations, in the vendor's order.
    pub integrations: Vec<Integration>,
    /// The records that could not be read, in the vendor's order.
    pub skipped: Vec<SkippedRecord>,
}

impl Listing {
    /// A listing of `integrations`, with `skipped` records reported.
    pub fn new(integrations: Vec<Integration>, skipped: Vec<SkippedRecord>) -> Self {
        Self {
            integrations,
            skipped,
        }
    }

    /// Whether every record the vendor sent was read.
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
    }
}

/// A record of a listing that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct SkippedRecord {
    /// Its position in the vendor's answer, from 0.
    pub position: usize,
    /// Its vendor id, when that much could be read.
    pub id: Option<String>,
    /// Why it could not be read (a decoding error, its quoted values masked).
    pub reason: String,
}

impl SkippedRecord {
    /// The record at `position`, with vendor id `id` when known, left out because of `reason`.
    pub fn new(position: usize, id: Option<String>, reason: impl Into<String>) -> Self {
        Self {
            position,
            id,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for SkippedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {}", self.position)?;
        if let Some(id) = &self.id {
            write!(f, " (id `{id}`)")?;
        }
        write!(f, " skipped: {}", self.reason)
    }
}
