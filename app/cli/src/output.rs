//! Printing command results as text or JSON, as the Cosmos SDK prints them: `--output json`
//! gives the JSON in the type's field order; text gives the SDK's YAML form of the same JSON
//! (keys sorted, strings quoted only where YAML would read them as something else).

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

/// Prints `value` to stdout as one line of JSON (`json`) or as YAML-like text.
pub fn print<T: Serialize>(value: &T, json: bool) -> Result<()> {
    println!("{}", render(value, json)?);
    Ok(())
}

/// A protobuf message as the SDK's JSON (`agora_proto::json`).
pub fn message_json<M: prost::Message + prost::Name>(message: &M) -> Result<Value> {
    agora_proto::json::message_json(&M::full_name(), &message.encode_to_vec())
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Prints a protobuf message as the SDK's JSON, or its YAML-like text.
pub fn print_message<M: prost::Message + prost::Name>(message: &M, json: bool) -> Result<()> {
    print(&message_json(message)?, json)
}

/// `value` as one line of JSON (`json`) or as YAML-like text without the final newline.
pub fn render<T: Serialize>(value: &T, json: bool) -> Result<String> {
    if json {
        return Ok(serde_json::to_string(value)?);
    }
    let mut out = String::new();
    yaml(&serde_json::to_value(value)?, 0, &mut out);
    Ok(out.trim_end().to_string())
}

/// Writes `value` at `indent` spaces. Maps and lists start on a new line; scalars do not.
fn yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                out.push_str(&format!("{pad}{}:", scalar_str(key)));
                nested(v, indent + 2, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key shares the dash's line; the rest align under it.
                        let mut inner = String::new();
                        yaml(item, indent + 2, &mut inner);
                        out.push(' ');
                        out.push_str(inner.trim_start());
                    }
                    _ => nested(item, indent + 2, indent, out),
                }
            }
        }
        scalar => out.push_str(&format!("{pad}{}\n", inline(scalar))),
    }
}

/// Writes the value of a map entry or list item after its `key:` or `-`.
/// Lists under a key are not indented (as go-yaml writes them); maps are.
fn nested(value: &Value, map_indent: usize, list_indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            yaml(value, map_indent, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            yaml(value, list_indent, out);
        }
        scalar => out.push_str(&format!(" {}\n", inline(scalar))),
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_str(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as YAML: plain when YAML reads it back as the same string, double-quoted when it
/// would read as a number, bool or null (or is empty or multi-line), single-quoted otherwise.
fn scalar_str(s: &str) -> String {
    let reads_as_other = s.is_empty()
        || s.parse::<f64>().is_ok()
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        );
    if reads_as_other || s.contains('\n') {
        return serde_json::to_string(s).expect("strings serialize");
    }
    let starts_badly = s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c));
    if starts_badly || s.ends_with(' ') || s.contains(": ") || s.contains(" #") || s.ends_with(':')
    {
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_the_sdks_yaml() {
        let v = json!({
            "height": "0",
            "txhash": "AB12",
            "code": 0,
            "logs": [],
            "tx": null,
            "raw_log": "",
            "events": [{"type": "tx", "attributes": [{"key": "fee", "value": "10uagr", "index": true}]}],
            "account": {"@type": "/cosmos.auth.v1beta1.BaseAccount", "pub_key": null, "sequence": "1"},
            "list": ["a", "true"],
        });
        let text = render(&v, false).unwrap();
        let expected = "\
account:
  '@type': /cosmos.auth.v1beta1.BaseAccount
  pub_key: null
  sequence: \"1\"
code: 0
events:
- attributes:
  - index: true
    key: fee
    value: 10uagr
  type: tx
height: \"0\"
list:
- a
- \"true\"
logs: []
raw_log: \"\"
tx: null
txhash: AB12";
        assert_eq!(text, expected);
    }

    #[test]
    fn json_keeps_field_order_on_one_line() {
        #[derive(Serialize)]
        struct R {
            z: u8,
            a: &'static str,
        }
        assert_eq!(
            render(&R { z: 1, a: "x" }, true).unwrap(),
            r#"{"z":1,"a":"x"}"#
        );
    }
}
