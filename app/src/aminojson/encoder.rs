//! The descriptor-driven encoder: a protobuf message as the SDK v0.50 amino JSON
//! (`x/tx/signing/aminojson/json_marshal.go`): fields sorted by name, empty fields left out
//! unless `amino.dont_omitempty`, 64-bit integers quoted, bytes in base64, enums as numbers,
//! `Any`s and `amino.name`d messages as `{"type":...,"value":...}`.

use std::fmt::Write as _;

use agora_proto::prost_reflect::{DynamicMessage, FieldDescriptor, Kind, ReflectMessage, Value};
use anyhow::{anyhow, bail, Result};
use base64::Engine as _;

use super::options::{self, pool};
use super::{scalars, time};

/// Writes the message `type_url` / `value` of an `Any` as `{"type":<amino.name, else the
/// type URL>,"value":<message>}`.
pub(super) fn write_any(out: &mut String, type_url: &str, value: &[u8]) -> Result<()> {
    // protoregistry's FindMessageByURL: the name is what follows the last '/'
    let name = type_url.rsplit('/').next().unwrap_or_default();
    let desc = pool()
        .get_message_by_name(name)
        .ok_or_else(|| anyhow!("can't resolve type URL {type_url}"))?;
    let msg = DynamicMessage::decode(desc, value)
        .map_err(|e| anyhow!("cannot decode {type_url}: {e}"))?;
    let desc = msg.descriptor();
    let name = options::amino_name(&desc).unwrap_or_else(|| format!("/{}", desc.full_name()));
    // the SDK writes the name unescaped (fmt's %s)
    let _ = write!(out, r#"{{"type":"{name}","value":"#);
    write_message(out, &msg)?;
    out.push('}');
    Ok(())
}

/// Writes `msg`: by its well-known type or `amino.message_encoding`, else its fields.
pub(super) fn write_message(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    let desc = msg.descriptor();
    match desc.full_name() {
        "google.protobuf.Timestamp" => return time::timestamp(out, msg),
        "google.protobuf.Duration" => return time::duration(out, msg),
        "google.protobuf.Any" => {
            let type_url = msg.get_field_by_name("type_url");
            let value = msg.get_field_by_name("value");
            return match (type_url.as_deref(), value.as_deref()) {
                (Some(Value::String(url)), Some(Value::Bytes(bytes))) => write_any(out, url, bytes),
                _ => bail!("google.protobuf.Any lacks type_url or value"),
            };
        }
        _ => {}
    }
    // encodings the SDK does not know fall back to the default, as there
    match options::message_encoding(&desc).as_deref() {
        Some("key_field") => return key_field(out, msg),
        Some("threshold_string") => return threshold_string(out, msg),
        Some("module_account") => return module_account(out, msg),
        _ => {}
    }
    write_fields(out, msg)
}

/// Writes a message's fields as an object, sorted by their amino names.
fn write_fields(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    let mut fields: Vec<_> = msg
        .descriptor()
        .fields()
        .map(|f| (options::field_name(&f), f))
        .collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    out.push('{');
    let mut first = true;
    let mut empty_oneofs_written: Vec<String> = Vec::new();
    for (mut name, field) in fields {
        let oneof = field.containing_oneof();
        let oneof_names = oneof
            .as_ref()
            .map(|o| options::oneof_names(&field, o))
            .transpose()?;
        let mut write_nil = false;
        if !msg.has_field(&field) {
            let oneof_empty = oneof
                .as_ref()
                .is_some_and(|o| o.fields().all(|f| !msg.has_field(&f)));
            match &oneof_names {
                Some((key, _)) if oneof_empty && !empty_oneofs_written.contains(key) => {
                    name = key.clone();
                    write_nil = true;
                    empty_oneofs_written.push(key.clone());
                }
                _ if options::omit_empty(&field) => continue,
                _ if matches!(field.kind(), Kind::Message(_))
                    && !field.is_list()
                    && !field.is_map() =>
                {
                    bail!("not supported: dont_omit_empty=true on invalid (nil?) message field: {name}")
                }
                _ => {}
            }
        }
        if !first {
            out.push(',');
        }
        first = false;
        let wrap = oneof_names.filter(|_| !write_nil);
        if let Some((key, type_name)) = &wrap {
            let _ = write!(out, r#""{key}":{{"type":"{type_name}","value":{{"#);
        }
        scalars::write_string(out, &name);
        out.push(':');
        let value = msg.get_field(&field);
        if !write_field_encoding(out, &field, &value)? {
            if write_nil {
                out.push_str("null");
            } else {
                write_value(out, &value)?;
            }
        }
        if wrap.is_some() {
            out.push_str("}}");
        }
    }
    out.push('}');
    Ok(())
}

/// Writes `value` with the field's `amino.encoding` or `cosmos_proto.scalar` encoder, if it
/// has one the SDK defines; false when it has none.
fn write_field_encoding(out: &mut String, field: &FieldDescriptor, value: &Value) -> Result<bool> {
    match options::field_encoding(field).as_deref() {
        Some("legacy_coins") => {
            match value {
                Value::List(items) if items.is_empty() => out.push_str("[]"),
                Value::List(items) => write_list(out, items)?,
                _ => bail!(
                    "legacy_coins encoding of a non-repeated field {}",
                    field.name()
                ),
            }
            return Ok(true);
        }
        Some("inline_json") => bail!(
            "amino.encoding inline_json (field {}) is not supported",
            field.name()
        ),
        _ => {}
    }
    let text = match options::scalar(field).as_deref() {
        Some("cosmos.Dec") => match value {
            Value::String(s) => scalars::dec(s.as_bytes())?,
            Value::Bytes(b) => scalars::dec(b)?,
            _ => bail!("unsupported type for cosmos.Dec field {}", field.name()),
        },
        Some("cosmos.Int") => match value {
            Value::String(s) => scalars::int_from_string(s),
            Value::Bytes(b) => scalars::int_from_bytes(b)?,
            _ => bail!("unsupported type for cosmos.Int field {}", field.name()),
        },
        _ => return Ok(false),
    };
    scalars::write_string(out, &text);
    Ok(true)
}

/// Writes a value by its type (Go's `json.Marshal` for scalars, int64s quoted).
fn write_value(out: &mut String, value: &Value) -> Result<()> {
    match value {
        Value::Message(m) => write_message(out, m)?,
        // an empty list reads as an invalid one in Go's protoreflect
        Value::List(items) if items.is_empty() => out.push_str("null"),
        Value::List(items) => write_list(out, items)?,
        Value::Map(_) => bail!("maps are not supported"),
        Value::String(s) => scalars::write_string(out, s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::I32(n) | Value::EnumNumber(n) => {
            let _ = write!(out, "{n}");
        }
        Value::U32(n) => {
            let _ = write!(out, "{n}");
        }
        Value::I64(n) => {
            let _ = write!(out, "\"{n}\"");
        }
        Value::U64(n) => {
            let _ = write!(out, "\"{n}\"");
        }
        // unset bytes are Go's nil slice, which json.Marshal writes as null
        Value::Bytes(b) if b.is_empty() => out.push_str("null"),
        Value::Bytes(b) => {
            let _ = write!(
                out,
                "\"{}\"",
                base64::engine::general_purpose::STANDARD.encode(b)
            );
        }
        Value::F32(_) => bail!("unknown type float32"),
        Value::F64(_) => bail!("unknown type float64"),
    }
    Ok(())
}

fn write_list(out: &mut String, items: &[Value]) -> Result<()> {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_value(out, item)?;
    }
    out.push(']');
    Ok(())
}

/// `key_field`: a public key as the base64 of its `key` (null when empty).
fn key_field(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    match msg.get_field_by_name("key").as_deref() {
        Some(Value::Bytes(b)) if b.is_empty() => out.push_str("null"),
        Some(Value::Bytes(b)) => {
            let _ = write!(
                out,
                "\"{}\"",
                base64::engine::general_purpose::STANDARD.encode(b)
            );
        }
        _ => bail!(r#"message encoder for key_field: no field named "key" found"#),
    }
    Ok(())
}

/// `threshold_string`: a multisig key as `{"threshold":"<n>","pubkeys":[...]}`.
fn threshold_string(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    let threshold = msg.get_field_by_name("threshold").and_then(|v| v.as_u32());
    let keys = msg.get_field_by_name("public_keys");
    let (Some(threshold), Some(Value::List(keys))) = (threshold, keys.as_deref()) else {
        bail!("thresholdStringEncoder: msg not a multisig.LegacyAminoPubKey");
    };
    let _ = write!(out, r#"{{"threshold":"{threshold}","pubkeys":"#);
    if keys.is_empty() {
        out.push_str("[]");
    } else {
        write_list(out, keys)?;
    }
    out.push('}');
    Ok(())
}

/// `module_account`: `{"address","public_key":"","account_number","sequence","name",
/// "permissions"}` as Go's `json.Marshal` of the SDK's `moduleAccountPretty`.
fn module_account(out: &mut String, msg: &DynamicMessage) -> Result<()> {
    let field = |m: &DynamicMessage, name: &str| m.get_field_by_name(name).map(|v| v.into_owned());
    let base = match field(msg, "base_account") {
        Some(Value::Message(m)) if msg.has_field_by_name("base_account") => Some(m),
        _ => None,
    };
    let string = |v: Option<Value>| {
        v.and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let number = |v: Option<Value>| v.and_then(|v| v.as_u64()).unwrap_or_default();
    let (address, account_number, sequence) = match &base {
        Some(b) => (
            string(field(b, "address")),
            number(field(b, "account_number")),
            number(field(b, "sequence")),
        ),
        None => (String::new(), 0, 0),
    };
    out.push_str(r#"{"address":"#);
    scalars::write_string(out, &address);
    let _ = write!(
        out,
        r#","public_key":"","account_number":{account_number},"sequence":{sequence},"name":"#
    );
    scalars::write_string(out, &string(field(msg, "name")));
    out.push_str(r#","permissions":"#);
    match field(msg, "permissions") {
        Some(Value::List(perms)) if !perms.is_empty() => write_list(out, &perms)?,
        _ => out.push_str("null"),
    }
    out.push('}');
    Ok(())
}
