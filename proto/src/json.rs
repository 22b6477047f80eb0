//! Protobuf messages as JSON, both ways, as the Cosmos SDK writes them: the one codec behind
//! the REST gateway's answers, the CLI's query output and the Msgs of tx and proposal files
//! that have no hand-written form. Messages as the Cosmos SDK's REST gateway writes them (gogoproto's jsonpb with
//! `OrigName` and `EmitDefaults`): proto field names, every field present (an unset message
//! `null`, unless gogoproto makes it non-nullable; empty bytes `null`; empty lists `[]`),
//! 64-bit integers as strings, enums by name, `@type` in `Any`, RFC 3339 timestamps,
//! durations as `"1.5s"`, and `LegacyDec` fields as decimals (`"0.100000000000000000"`).

use crate::prost_reflect::{
    DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind, MapKey, ReflectMessage, Value,
};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Map, Value as Json};

/// `message` as the gateway's JSON; fails on an `Any` whose type the node does not know.
pub fn to_json(message: &DynamicMessage) -> Result<Json, String> {
    match well_known(message)? {
        Some(json) => Ok(json),
        None => object(message),
    }
}

fn object(message: &DynamicMessage) -> Result<Json, String> {
    let mut out = Map::new();
    for field in message.descriptor().fields() {
        if field.containing_oneof().is_some() && !message.has_field(&field) {
            continue;
        }
        let value = message.get_field(&field);
        let value = if field.is_list() || field.is_map() || message.has_field(&field) {
            field_json(&field, &value)?
        } else {
            unset(&field, &value)?
        };
        out.insert(field.name().to_string(), value);
    }
    Ok(Json::Object(out))
}

/// An absent field (`default` is its protobuf default): Go's zero value of the gogoproto
/// field it generates.
fn unset(field: &FieldDescriptor, default: &Value) -> Result<Json, String> {
    match field.kind() {
        Kind::Message(_) if nullable(field) => Ok(Json::Null),
        // Go's zero `time.Time`, which a non-nullable stdtime field holds when absent.
        Kind::Message(desc) if desc.full_name() == "google.protobuf.Timestamp" => {
            Ok(json!("0001-01-01T00:00:00Z"))
        }
        Kind::Message(desc) => to_json(&DynamicMessage::new(desc)),
        Kind::Bytes if !is_dec(field) => Ok(Json::Null),
        _ => field_json(field, default),
    }
}

fn field_json(field: &FieldDescriptor, value: &Value) -> Result<Json, String> {
    match value {
        Value::List(items) => items
            .iter()
            .map(|v| scalar(field, v))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        Value::Map(entries) => {
            let value_field = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field(),
                _ => return Err(format!("map field {} has no entry type", field.name())),
            };
            let mut sorted: Vec<_> = entries.iter().map(|(k, v)| (map_key(k), v)).collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (key, value) in sorted {
                out.insert(key, scalar(&value_field, value)?);
            }
            Ok(Json::Object(out))
        }
        value => scalar(field, value),
    }
}

fn map_key(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn scalar(field: &FieldDescriptor, value: &Value) -> Result<Json, String> {
    if is_dec(field) {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            _ => String::new(),
        };
        return Ok(Json::String(decimal(&text)));
    }
    Ok(match value {
        Value::Bool(b) => json!(b),
        Value::I32(n) => json!(n),
        Value::U32(n) => json!(n),
        Value::I64(n) => json!(n.to_string()),
        Value::U64(n) => json!(n.to_string()),
        Value::F32(n) => json!(n),
        Value::F64(n) => json!(n),
        Value::String(s) => json!(s),
        Value::Bytes(b) if b.is_empty() => Json::Null,
        Value::Bytes(b) => json!(B64.encode(b)),
        Value::EnumNumber(n) => match field.kind() {
            Kind::Enum(desc) => match desc.get_value(*n) {
                Some(v) => json!(v.name()),
                None => json!(n),
            },
            _ => json!(n),
        },
        Value::Message(m) => to_json(m)?,
        Value::List(_) | Value::Map(_) => field_json(field, value)?,
    })
}

/// The JSON of the well-known types that have their own (Any, Timestamp, Duration).
fn well_known(message: &DynamicMessage) -> Result<Option<Json>, String> {
    let int = |name: &str| match message.get_field_by_name(name).as_deref() {
        Some(Value::I64(n)) => *n,
        Some(Value::I32(n)) => i64::from(*n),
        _ => 0,
    };
    Ok(Some(match message.descriptor().full_name() {
        "google.protobuf.Timestamp" => json!(timestamp(int("seconds"), int("nanos"))),
        "google.protobuf.Duration" => json!(duration(int("seconds"), int("nanos"))),
        "google.protobuf.Any" => any(message)?,
        _ => return Ok(None),
    }))
}

fn any(message: &DynamicMessage) -> Result<Json, String> {
    let url = match message.get_field_by_name("type_url").as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let bytes = match message.get_field_by_name("value").as_deref() {
        Some(Value::Bytes(b)) => b.clone(),
        _ => Default::default(),
    };
    let name = url.rsplit('/').next().unwrap_or_default();
    let desc = crate::descriptors()
        .get_message_by_name(name)
        .ok_or_else(|| format!("unable to resolve type URL {url}"))?;
    let inner = DynamicMessage::decode(desc, bytes)
        .map_err(|e| format!("cannot decode the {url} in an Any: {e}"))?;
    let mut out = Map::new();
    out.insert("@type".into(), json!(url));
    match well_known(&inner)? {
        Some(value) => {
            out.insert("value".into(), value);
        }
        None => {
            if let Json::Object(fields) = object(&inner)? {
                out.extend(fields);
            }
        }
    }
    Ok(Json::Object(out))
}

/// RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as jsonpb writes a Timestamp.
fn timestamp(seconds: i64, nanos: i64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let date = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    format!("{date}{}Z", fraction(nanos))
}

/// `"1814400s"`, `"1.500s"`: jsonpb's Duration.
fn duration(seconds: i64, nanos: i64) -> String {
    let sign = if seconds < 0 || nanos < 0 { "-" } else { "" };
    format!("{sign}{}{}s", seconds.unsigned_abs(), fraction(nanos.abs()))
}

/// Nanoseconds as `.123`, `.123456` or `.123456789` (nothing when zero).
fn fraction(nanos: i64) -> String {
    if nanos == 0 {
        return String::new();
    }
    let mut digits = format!(".{nanos:09}");
    while digits.ends_with("000") {
        digits.truncate(digits.len() - 3);
    }
    digits
}

/// A `LegacyDec`'s protobuf form (the value × 10¹⁸ as an integer) as its decimal text.
fn decimal(units: &str) -> String {
    let (sign, digits) = match units.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", units),
    };
    let digits = if digits.is_empty() { "0" } else { digits };
    match legacy_dec_text(digits) {
        Ok(text) => format!("{sign}{text}"),
        Err(_) => units.to_string(),
    }
}

/// Fractional digits of the SDK's `LegacyDec`.
const DEC_PLACES: usize = 18;

/// A `LegacyDec` as protobuf carries it (the integer of 10^-18 units, `"100000000000000000"`)
/// as its text (`"0.100000000000000000"`).
pub fn legacy_dec_text(units: &str) -> Result<String, String> {
    if units.is_empty() || !units.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{units:?} is not an encoded decimal"));
    }
    let padded = format!("{units:0>width$}", width = DEC_PLACES + 1);
    let (int, frac) = padded.split_at(padded.len() - DEC_PLACES);
    let int = int.trim_start_matches('0');
    Ok(format!("{}.{frac}", if int.is_empty() { "0" } else { int }))
}

/// A decimal's text (`"0.1"` or `"0.100000000000000000"`) as `LegacyDec`'s protobuf form.
pub fn legacy_dec_atomics(dec: &str) -> Result<String, String> {
    let (int, frac) = dec.split_once('.').unwrap_or((dec, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > DEC_PLACES {
        return Err(format!("{dec:?} is not a decimal with at most 18 places"));
    }
    let units = format!("{int}{frac:0<DEC_PLACES$}");
    let units = units.trim_start_matches('0');
    Ok(if units.is_empty() { "0" } else { units }.to_string())
}

/// A gogoproto option of `field` (`gogoproto.nullable`, `gogoproto.customtype`, ...).
fn gogo_option(field: &FieldDescriptor, name: &str) -> Option<Value> {
    let ext: ExtensionDescriptor = crate::descriptors().get_extension_by_name(name)?;
    let options = field.options();
    options
        .has_extension(&ext)
        .then(|| options.get_extension(&ext).into_owned())
}

/// Whether Go generates a pointer (which can be nil) for this message field.
fn nullable(field: &FieldDescriptor) -> bool {
    !matches!(
        gogo_option(field, "gogoproto.nullable"),
        Some(Value::Bool(false))
    )
}

/// Whether the field is a `LegacyDec`, which gogoproto writes as a decimal.
fn is_dec(field: &FieldDescriptor) -> bool {
    matches!(
        gogo_option(field, "gogoproto.customtype"),
        Some(Value::String(t)) if t.ends_with("LegacyDec") || t.ends_with("types.Dec")
    )
}

/// The protobuf `bytes` of message `type_name` (e.g. `cosmos.gov.v1.QueryProposalResponse`)
/// as the SDK's JSON.
pub fn message_json(type_name: &str, bytes: &[u8]) -> Result<Json, String> {
    let desc = crate::descriptors()
        .get_message_by_name(type_name)
        .ok_or_else(|| format!("unknown message type {type_name}"))?;
    let message = DynamicMessage::decode(desc, bytes)
        .map_err(|e| format!("cannot decode {type_name}: {e}"))?;
    to_json(&message)
}

/// An `Any` as the SDK's JSON: the message's fields with its `@type` first.
pub fn any_json(any: &crate::Any) -> Result<Json, String> {
    let fields = message_json(any.type_url.trim_start_matches('/'), &any.value)?;
    let mut out = Map::new();
    out.insert("@type".into(), Json::String(any.type_url.clone()));
    if let Json::Object(fields) = fields {
        out.extend(fields);
    }
    Ok(Json::Object(out))
}

/// The `Any` of a message written as JSON with its `@type` (as in a proposal file or the
/// gateway's output: proto or JSON field names, `LegacyDec` fields as decimals).
pub fn any_from_json(json: &Json) -> Result<crate::Any, String> {
    let type_url = json
        .get("@type")
        .and_then(|t| t.as_str())
        .ok_or("a message needs its \"@type\", e.g. \"/cosmos.bank.v1beta1.MsgSend\"")?;
    Ok(crate::Any {
        type_url: type_url.to_string(),
        value: from_json(type_url, json)?,
    })
}

/// The protobuf bytes of `json`, a message of `type_url` as the gateway writes it (the inverse
/// of [`to_json`] for what clients write: proto or JSON field names, `@type` in `Any`s,
/// `LegacyDec` fields as decimals).
pub fn from_json(type_url: &str, json: &Json) -> Result<Vec<u8>, String> {
    let name = type_url.trim_start_matches('/');
    let desc = crate::descriptors()
        .get_message_by_name(name)
        .ok_or_else(|| format!("unknown message type {type_url}"))?;
    let mut json = json.clone();
    if let Some(object) = json.as_object_mut() {
        object.remove("@type");
    }
    decimals_to_proto(&desc, &mut json)?;
    let message = DynamicMessage::deserialize(desc, json).map_err(|e| format!("{name}: {e}"))?;
    Ok(prost::Message::encode_to_vec(&message))
}

/// Rewrites the decimals of `LegacyDec` fields in `json` (a message of `desc`) into their
/// protobuf form: atomics as a string, or base64 of the atomics' text for bytes fields.
fn decimals_to_proto(
    desc: &crate::prost_reflect::MessageDescriptor,
    json: &mut Json,
) -> Result<(), String> {
    let Some(object) = json.as_object_mut() else {
        return Ok(());
    };
    if desc.full_name() == "google.protobuf.Any" {
        let Some(Json::String(type_url)) = object.get("@type").cloned() else {
            return Ok(());
        };
        if let Some(inner) =
            crate::descriptors().get_message_by_name(type_url.trim_start_matches('/'))
        {
            return decimals_to_proto(&inner, json);
        }
        return Ok(());
    }
    for field in desc.fields() {
        let key = if object.contains_key(field.name()) {
            field.name().to_string()
        } else {
            field.json_name().to_string()
        };
        let Some(value) = object.get_mut(&key) else {
            continue;
        };
        let items: Vec<&mut Json> = match value {
            Json::Array(items) => items.iter_mut().collect(),
            other => vec![other],
        };
        for item in items {
            if let Kind::Message(inner) = field.kind() {
                decimals_to_proto(&inner, item)?;
            } else if is_dec(&field) {
                if let Json::String(text) = item {
                    let atomics =
                        legacy_dec_atomics(text).map_err(|e| format!("{}: {e}", field.name()))?;
                    *text = match field.kind() {
                        Kind::Bytes => B64.encode(atomics),
                        _ => atomics,
                    };
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosmos::bank::v1beta1::QueryAllBalancesResponse;
    use crate::cosmos::base::query::v1beta1::PageResponse;
    use crate::cosmos::base::v1beta1::Coin;
    use prost::{Message, Name};

    fn json_of<T: Message + Name>(value: &T) -> Json {
        let desc = crate::descriptors()
            .get_message_by_name(&T::full_name())
            .unwrap();
        to_json(&DynamicMessage::decode(desc, value.encode_to_vec().as_slice()).unwrap()).unwrap()
    }

    #[test]
    fn msgs_read_back_from_their_json_decimals_included() {
        use crate::cosmos::slashing::v1beta1 as slashing;
        let msg = slashing::MsgUpdateParams {
            authority: "agora1authority".into(),
            params: Some(slashing::Params {
                signed_blocks_window: 100,
                min_signed_per_window: b"500000000000000000".to_vec(),
                downtime_jail_duration: Some(crate::tendermint::google::protobuf::Duration {
                    seconds: 600,
                    nanos: 0,
                }),
                slash_fraction_double_sign: b"50000000000000000".to_vec(),
                slash_fraction_downtime: b"10000000000000000".to_vec(),
            }),
        };
        let any = crate::Any {
            type_url: "/cosmos.slashing.v1beta1.MsgUpdateParams".into(),
            value: prost::Message::encode_to_vec(&msg),
        };
        let json = any_json(&any).unwrap();
        assert_eq!(
            json["params"]["min_signed_per_window"],
            "0.500000000000000000"
        );
        assert_eq!(json["@type"], any.type_url);
        assert_eq!(any_from_json(&json).unwrap(), any);
        // a shorter decimal and JSON field names read the same
        let mut short = json.clone();
        short["params"]["min_signed_per_window"] = "0.5".into();
        assert_eq!(any_from_json(&short).unwrap(), any);
        let missing = serde_json::json!({"authority": "x"});
        assert!(any_from_json(&missing).unwrap_err().contains("@type"));
        let unknown = serde_json::json!({"@type": "/cosmos.nothing.v1.Msg"});
        assert!(any_from_json(&unknown)
            .unwrap_err()
            .contains("unknown message type"));
    }

    #[test]
    fn balances_look_as_the_sdk_gateway_writes_them() {
        let response = QueryAllBalancesResponse {
            balances: vec![Coin {
                denom: "uagr".into(),
                amount: "10".into(),
            }],
            pagination: Some(PageResponse {
                next_key: vec![],
                total: 1,
            }),
        };
        assert_eq!(
            json_of(&response),
            json!({"balances": [{"denom": "uagr", "amount": "10"}],
                   "pagination": {"next_key": null, "total": "1"}})
        );
        assert_eq!(
            json_of(&QueryAllBalancesResponse::default()),
            json!({"balances": [], "pagination": null})
        );
    }

    #[test]
    fn decimals_enums_times_and_anys_follow_gogoproto() {
        use crate::cosmos::staking::v1beta1::{Commission, CommissionRates, Validator};
        let validator = Validator {
            operator_address: "agoravaloper1x".into(),
            consensus_pubkey: Some(crate::Any {
                type_url: "/cosmos.crypto.ed25519.PubKey".into(),
                value: crate::cosmos::crypto::ed25519::PubKey { key: vec![1; 32] }.encode_to_vec(),
            }),
            status: 3,
            tokens: "5".into(),
            commission: Some(Commission {
                commission_rates: Some(CommissionRates {
                    rate: "100000000000000000".into(),
                    max_rate: "1000000000000000000".into(),
                    max_change_rate: "10000000000000000".into(),
                }),
                update_time: Some(crate::tendermint::google::protobuf::Timestamp {
                    seconds: 1_700_000_000,
                    nanos: 120_000_000,
                }),
            }),
            ..Default::default()
        };
        let json = json_of(&validator);
        assert_eq!(json["status"], "BOND_STATUS_BONDED");
        assert_eq!(json["tokens"], "5");
        assert_eq!(json["delegator_shares"], "0.000000000000000000");
        assert_eq!(json["unbonding_height"], "0");
        assert_eq!(
            json["commission"]["commission_rates"]["rate"],
            "0.100000000000000000"
        );
        assert_eq!(
            json["commission"]["update_time"],
            "2023-11-14T22:13:20.120Z"
        );
        assert_eq!(
            json["consensus_pubkey"],
            json!({"@type": "/cosmos.crypto.ed25519.PubKey", "key": B64.encode([1; 32])})
        );
        // Non-nullable in gogoproto: a zero object and Go's zero time, never null.
        assert_eq!(json["description"]["moniker"], "");
        assert_eq!(json["unbonding_time"], "0001-01-01T00:00:00Z");
        assert_eq!(duration(1_814_400, 0), "1814400s");
        assert_eq!(duration(1, 500_000_000), "1.500s");
    }
}
