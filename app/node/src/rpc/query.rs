//! The event query language of `subscribe`, `tx_search` and `block_search`, e.g.
//! `tm.event='Tx' AND message.sender='agora1…' AND tx.height>5`.
//!
//! Queries are parsed with tendermint-rpc's parser and matched the way CometBFT v0.38 matches
//! them: every condition must hold for at least one value of its composite key (`tm.event`,
//! `tx.hash`, `tx.height`, `block.height`, or `<event type>.<attribute key>`). Numbers compare
//! numerically (a value like `5uagr` counts as 5), strings with `=` and `CONTAINS`, dates and
//! times chronologically.

use std::collections::BTreeMap;
use std::str::FromStr as _;

use tendermint::Time;
use tendermint_proto::v0_38::abci::Event;
use tendermint_rpc::error::ErrorDetail;
use tendermint_rpc::query::{Condition, Operand, Operation, Query as Parsed};

/// Composite keys to their values: what a query is matched against (and, for subscriptions,
/// the `events` field of each message).
pub(crate) type EventMap = BTreeMap<String, Vec<String>>;

/// CometBFT refuses longer queries.
const MAX_QUERY_LENGTH: usize = 512;

/// A parsed, validated event query.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    parsed: Parsed,
}

impl Query {
    /// Parses `text`; the error is CometBFT's wording.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        if text.len() > MAX_QUERY_LENGTH {
            return Err("maximum query length exceeded".into());
        }
        let parsed = Parsed::from_str(text.trim()).map_err(|e| match e.detail() {
            ErrorDetail::InvalidParams(detail) => detail.message.clone(),
            other => other.to_string(),
        })?;
        for condition in &parsed.conditions {
            if let Operation::Lt(op) | Operation::Lte(op) | Operation::Gt(op) | Operation::Gte(op) =
                &condition.operation
            {
                if matches!(op, Operand::String(_)) {
                    return Err(format!(
                        "failed to parse query: invalid op/arg combination for {condition}: strings compare only with = and CONTAINS"
                    ));
                }
            }
        }
        Ok(Self { parsed })
    }

    /// True if every condition holds for `events` (an empty query matches any event).
    pub(crate) fn matches(&self, events: &EventMap) -> bool {
        if events.is_empty() {
            return false;
        }
        if let Some(kind) = &self.parsed.event_type {
            let kind = kind.to_string();
            if !events.get("tm.event").is_some_and(|v| v.contains(&kind)) {
                return false;
            }
        }
        self.parsed
            .conditions
            .iter()
            .all(|c| condition_holds(c, events))
    }

    /// The value of an `=` condition on `key` with a string or whole-number operand, if any.
    pub(crate) fn equals(&self, key: &str) -> Option<String> {
        self.parsed
            .conditions
            .iter()
            .find_map(|c| match &c.operation {
                Operation::Eq(Operand::String(s)) if c.key == key => Some(s.clone()),
                Operation::Eq(Operand::Unsigned(n)) if c.key == key => Some(n.to_string()),
                _ => None,
            })
    }

    /// The first `type.key = 'value'` condition on an event attribute (not a reserved key):
    /// what the tx index can answer directly.
    pub(crate) fn attribute_equality(&self) -> Option<(&str, &str)> {
        self.parsed
            .conditions
            .iter()
            .find_map(|c| match &c.operation {
                Operation::Eq(Operand::String(s))
                    if !matches!(
                        c.key.as_str(),
                        "tm.event" | "tx.hash" | "tx.height" | "block.height"
                    ) =>
                {
                    Some((c.key.as_str(), s.as_str()))
                }
                _ => None,
            })
    }

    /// The heights `key` (`tx.height` or `block.height`) may take under this query, as an
    /// inclusive range narrowed by its whole-number conditions.
    pub(crate) fn height_range(&self, key: &str) -> (u64, u64) {
        let (mut low, mut high) = (0u64, u64::MAX);
        for c in self.parsed.conditions.iter().filter(|c| c.key == key) {
            match &c.operation {
                Operation::Eq(Operand::Unsigned(n)) => {
                    low = low.max(*n);
                    high = high.min(*n);
                }
                Operation::Gt(Operand::Unsigned(n)) => low = low.max(n.saturating_add(1)),
                Operation::Gte(Operand::Unsigned(n)) => low = low.max(*n),
                Operation::Lt(Operand::Unsigned(n)) => high = high.min(n.saturating_sub(1)),
                Operation::Lte(Operand::Unsigned(n)) => high = high.min(*n),
                _ => {}
            }
        }
        (low, high)
    }
}

impl std::fmt::Display for Query {
    /// The canonical form, which subscription messages echo back as `query`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.parsed.fmt(f)
    }
}

/// Adds `type.key` → value for each attribute of `events` (only indexed ones if `indexed_only`).
pub(crate) fn add_events(map: &mut EventMap, events: &[Event], indexed_only: bool) {
    for event in events.iter().filter(|e| !e.r#type.is_empty()) {
        for attribute in &event.attributes {
            if attribute.key.is_empty() || (indexed_only && !attribute.index) {
                continue;
            }
            map.entry(format!("{}.{}", event.r#type, attribute.key))
                .or_default()
                .push(attribute.value.clone());
        }
    }
}

/// Adds one reserved key (`tm.event`, `tx.hash`, …).
pub(crate) fn add(map: &mut EventMap, key: &str, value: String) {
    map.entry(key.to_string()).or_default().push(value);
}

fn condition_holds(condition: &Condition, events: &EventMap) -> bool {
    let values: &[String] = match events.get(&condition.key) {
        Some(values) => values,
        // CometBFT matches a condition naming an event type (no attribute) against "".
        None if events
            .keys()
            .any(|k| k.rsplit_once('.').is_some_and(|(t, _)| t == condition.key)) =>
        {
            &[String::new()]
        }
        None => return false,
    };
    // Hashes are hex: compare them without regard to case, as CometBFT's index decodes them.
    if let (true, Operation::Eq(Operand::String(hash))) =
        (condition.key == "tx.hash", &condition.operation)
    {
        return values.iter().any(|value| value.eq_ignore_ascii_case(hash));
    }
    values
        .iter()
        .any(|value| value_matches(&condition.operation, value))
}

fn value_matches(operation: &Operation, value: &str) -> bool {
    use std::cmp::Ordering::*;
    let compare = |op: &Operand| compare(op, value);
    match operation {
        Operation::Exists => true,
        Operation::Contains(s) => value.contains(s.as_str()),
        Operation::Eq(Operand::String(s)) => value == s,
        Operation::Eq(op) => compare(op) == Some(Equal),
        Operation::Lt(op) => compare(op) == Some(Less),
        Operation::Lte(op) => matches!(compare(op), Some(Less | Equal)),
        Operation::Gt(op) => compare(op) == Some(Greater),
        Operation::Gte(op) => matches!(compare(op), Some(Greater | Equal)),
    }
}

/// How `value` compares with the operand, or `None` if it is not of the operand's kind.
fn compare(operand: &Operand, value: &str) -> Option<std::cmp::Ordering> {
    match operand {
        Operand::String(_) => None,
        Operand::Unsigned(n) => compare_number(value, Number::Int(i128::from(*n))),
        Operand::Signed(n) => compare_number(value, Number::Int(i128::from(*n))),
        Operand::Float(f) => compare_number(value, Number::Float(*f)),
        Operand::DateTime(t) => {
            let v = Time::parse_from_rfc3339(value).ok()?;
            Some(v.unix_timestamp_nanos().cmp(&t.unix_timestamp_nanos()))
        }
        Operand::Date(d) => {
            let v = parse_date(value)?;
            Some(v.cmp(&(d.year(), d.month() as u8, d.day())))
        }
    }
}

#[derive(Clone, Copy)]
enum Number {
    Int(i128),
    Float(f64),
}

fn compare_number(value: &str, operand: Number) -> Option<std::cmp::Ordering> {
    match (parse_number(value)?, operand) {
        (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
        (a, b) => as_f64(a).partial_cmp(&as_f64(b)),
    }
}

fn as_f64(n: Number) -> f64 {
    match n {
        Number::Int(i) => i as f64,
        Number::Float(f) => f,
    }
}

/// CometBFT's `parseNumber`: the leading `\d+(\.\d+)?` of the value, so `8uagr` is 8.
fn parse_number(value: &str) -> Option<Number> {
    let digits = value.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = &value[digits..];
    let fraction = rest
        .strip_prefix('.')
        .map(|r| r.bytes().take_while(u8::is_ascii_digit).count())
        .unwrap_or(0);
    if fraction > 0 {
        value[..digits + 1 + fraction]
            .parse()
            .ok()
            .map(Number::Float)
    } else {
        value[..digits].parse().ok().map(Number::Int)
    }
}

/// A `YYYY-MM-DD` date (or the date of an RFC 3339 time).
fn parse_date(value: &str) -> Option<(i32, u8, u8)> {
    let date = value.get(..10)?;
    let mut parts = date.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tendermint_proto::v0_38::abci::EventAttribute;

    fn tx_events() -> EventMap {
        let events = vec![
            Event {
                r#type: "message".into(),
                attributes: vec![
                    EventAttribute {
                        key: "sender".into(),
                        value: "agora1alice".into(),
                        index: true,
                    },
                    EventAttribute {
                        key: "module".into(),
                        value: "bank".into(),
                        index: false,
                    },
                ],
            },
            Event {
                r#type: "transfer".into(),
                attributes: vec![EventAttribute {
                    key: "amount".into(),
                    value: "250uagr".into(),
                    index: true,
                }],
            },
            Event {
                r#type: "pol".into(),
                attributes: vec![
                    EventAttribute {
                        key: "loss".into(),
                        value: "0.75".into(),
                        index: true,
                    },
                    EventAttribute {
                        key: "at".into(),
                        value: "2024-03-05T10:00:00Z".into(),
                        index: true,
                    },
                ],
            },
        ];
        let mut map = EventMap::new();
        add_events(&mut map, &events, false);
        add(&mut map, "tm.event", "Tx".into());
        add(&mut map, "tx.hash", "ABCD".into());
        add(&mut map, "tx.height", "12".into());
        map
    }

    fn matches(query: &str) -> bool {
        Query::parse(query).unwrap().matches(&tx_events())
    }

    #[test]
    fn equality_and_event_type() {
        assert!(matches("tm.event='Tx'"));
        assert!(!matches("tm.event='NewBlock'"));
        assert!(matches(
            "tm.event = 'Tx' AND message.sender = 'agora1alice'"
        ));
        assert!(!matches("tm.event='Tx' AND message.sender='agora1bob'"));
        assert!(matches("tx.hash='ABCD'"));
        assert!(matches("tx.hash='abcd'"), "hashes match in either case");
        assert!(!matches("message.missing='x'"));
        assert!(matches(""));
        assert!(!Query::parse("").unwrap().matches(&EventMap::new()));
    }

    #[test]
    fn numeric_comparisons() {
        assert!(matches("tx.height=12"));
        assert!(matches("tx.height>5"));
        assert!(matches("tx.height>=12"));
        assert!(!matches("tx.height>12"));
        assert!(matches("tx.height<13"));
        assert!(matches("tx.height<=12"));
        assert!(!matches("tx.height<12"));
        assert!(
            matches("transfer.amount>249"),
            "the number is the leading digits of 250uagr"
        );
        assert!(!matches("transfer.amount>250"));
        assert!(matches("pol.loss<1.0"));
        assert!(matches("pol.loss>0.5"));
        assert!(
            !matches("message.sender>5"),
            "a value that is not a number never compares"
        );
        assert!(
            matches("tx.height='12'"),
            "a quoted operand compares as a string"
        );
    }

    #[test]
    fn contains_exists_and_dates() {
        assert!(matches("message.sender CONTAINS 'alice'"));
        assert!(!matches("message.sender CONTAINS 'bob'"));
        assert!(matches("transfer.amount EXISTS"));
        assert!(!matches("transfer.recipient EXISTS"));
        assert!(
            matches("transfer EXISTS"),
            "a bare event type exists if the event does"
        );
        assert!(matches("pol.at > TIME 2024-03-05T09:00:00Z"));
        assert!(!matches("pol.at < TIME 2024-03-05T09:00:00Z"));
        assert!(matches("pol.at = DATE 2024-03-05"));
        assert!(matches(
            "pol.at >= DATE 2024-03-01 AND pol.at <= DATE 2024-03-31"
        ));
    }

    #[test]
    fn bad_queries_are_refused() {
        assert!(Query::parse("tm.event=")
            .unwrap_err()
            .contains("failed to parse query"));
        assert!(Query::parse("message.sender > 'a'").is_err());
        assert!(Query::parse(&format!("a.b='{}'", "x".repeat(600)))
            .unwrap_err()
            .contains("maximum query length"));
    }

    #[test]
    fn planning_helpers() {
        let q =
            Query::parse("tm.event='Tx' AND tx.height>5 AND tx.height<=9 AND message.sender='a1'")
                .unwrap();
        assert_eq!(q.height_range("tx.height"), (6, 9));
        assert_eq!(q.attribute_equality(), Some(("message.sender", "a1")));
        assert_eq!(q.equals("tx.hash"), None);
        let q = Query::parse("tx.hash='AB' AND tx.height=3").unwrap();
        assert_eq!(q.equals("tx.hash").as_deref(), Some("AB"));
        assert_eq!(q.height_range("tx.height"), (3, 3));
        assert_eq!(q.attribute_equality(), None);
        assert_eq!(q.to_string(), "tx.hash = 'AB' AND tx.height = 3");
    }

    #[test]
    fn indexed_only_skips_unindexed_attributes() {
        let events = vec![Event {
            r#type: "message".into(),
            attributes: vec![EventAttribute {
                key: "module".into(),
                value: "bank".into(),
                index: false,
            }],
        }];
        let mut map = EventMap::new();
        add_events(&mut map, &events, true);
        assert!(map.is_empty());
        add_events(&mut map, &events, false);
        assert_eq!(map["message.module"], vec!["bank".to_string()]);
    }
}
