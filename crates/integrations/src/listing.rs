//! What a listing returns: the integrations that could be read, and a report of each record
//! that could not; whole ([`Listing`]) or one item at a time as the answer arrives
//! ([`ListStream`]).

use futures::StreamExt;
use futures::stream::BoxStream;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::Integration;

/// What [`IntegrationProvider::list_stream`](crate::IntegrationProvider::list_stream) returns:
/// each record as soon as it is read, in the vendor's order. An `Err` item ends the stream
/// (what came before it stays good).
pub type ListStream<'a> = BoxStream<'a, Result<ListItem>>;

/// One record of a [`ListStream`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ListItem {
    /// A record, read.
    Integration(Integration),
    /// A record the model could not read (it costs no other).
    Skipped(SkippedRecord),
}

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

    /// The listing a [`ListStream`] gives, read to its end; its error, if it has one.
    ///
    /// ```
    /// use integrations::memory::InMemoryProvider;
    /// use integrations::{IntegrationProvider, ListFilter, Listing, Vendor};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let provider = InMemoryProvider::from_json(
    ///     Vendor::Looker,
    ///     r#"[{"id": "looker:1::slack", "name": "Slack"}]"#,
    /// )?;
    /// let filter = ListFilter::all();
    /// let streamed = Listing::from_stream(provider.list_stream(&filter)).await?;
    /// assert_eq!(streamed, provider.list(&filter).await?);
    /// # Ok(()) }
    /// ```
    pub async fn from_stream(mut items: ListStream<'_>) -> Result<Self> {
        let mut listing = Self::default();
        while let Some(item) = items.next().await {
            match item? {
                ListItem::Integration(integration) => listing.integrations.push(integration),
                ListItem::Skipped(record) => listing.skipped.push(record),
            }
        }
        Ok(listing)
    }

    /// Its records as [`ListItem`]s: the integrations, then the skipped records.
    pub fn into_items(self) -> impl Iterator<Item = ListItem> {
        let integrations = self.integrations.into_iter().map(ListItem::Integration);
        integrations.chain(self.skipped.into_iter().map(ListItem::Skipped))
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
