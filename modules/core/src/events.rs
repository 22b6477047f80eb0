//! ABCI events in the Cosmos SDK's shape (`type` + key/value attributes).

/// One event a tx or block emits; indexers and relayers read these by type and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event type, e.g. `transfer`, `coin_spent`, `message`.
    pub kind: String,
    /// Ordered key/value attributes.
    pub attributes: Vec<(String, String)>,
}

impl Event {
    /// An event of the given type with no attributes yet.
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            attributes: Vec::new(),
        }
    }

    /// Adds one attribute (builder style).
    pub fn attr(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((key.into(), value.into()));
        self
    }

    /// The value of the first attribute named `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
