//! Method parameters from a JSON-RPC `params` object or array, or from a URI query string,
//! decoded by CometBFT's conventions.
//!
//! JSON: integers as strings (numbers accepted too), `[]byte` as base64, `HexBytes` as hex.
//! URI: strings in double quotes, bytes as `0x`-hex (or a quoted string taken literally),
//! integers and booleans bare.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::Value;

use super::RpcError;

#[derive(Debug)]
enum Arg {
    Json(Value),
    Uri(String),
}

/// The arguments of one call, by name.
#[derive(Debug, Default)]
pub(crate) struct Params {
    args: HashMap<String, Arg>,
}

fn json_error(name: &str, problem: impl std::fmt::Display) -> RpcError {
    RpcError::invalid_params(format!(
        "error converting json params to arguments: {name}: {problem}"
    ))
}

fn uri_error(name: &str, problem: impl std::fmt::Display) -> RpcError {
    RpcError::invalid_params(format!(
        "error converting http params to arguments: {name}: {problem}"
    ))
}

/// A URI value in double quotes, unquoted as a JSON string.
fn unquote(name: &str, value: &str) -> Result<Option<String>, RpcError> {
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        return serde_json::from_str(value)
            .map(Some)
            .map_err(|e| uri_error(name, e));
    }
    Ok(None)
}

fn hex_value(
    name: &str,
    value: &str,
    error: fn(&str, String) -> RpcError,
) -> Result<Vec<u8>, RpcError> {
    let digits = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
        .unwrap_or(value);
    hex::decode(digits).map_err(|e| error(name, format!("invalid hex {value:?}: {e}")))
}

impl Params {
    /// Parameters from a JSON-RPC request: an object by name, or an array in the order of
    /// `names` (the method's parameter names).
    pub(crate) fn from_json(names: &[&str], params: Option<Value>) -> Result<Self, RpcError> {
        let args = match params {
            None | Some(Value::Null) => HashMap::new(),
            Some(Value::Object(map)) => map.into_iter().map(|(k, v)| (k, Arg::Json(v))).collect(),
            Some(Value::Array(values)) => {
                if values.len() > names.len() {
                    return Err(RpcError::invalid_params(format!(
                        "error converting json params to arguments: expected {} parameters ({}), got {}",
                        names.len(),
                        names.join(", "),
                        values.len()
                    )));
                }
                names
                    .iter()
                    .zip(values)
                    .map(|(n, v)| (n.to_string(), Arg::Json(v)))
                    .collect()
            }
            Some(other) => {
                return Err(RpcError::invalid_params(format!(
                    "error converting json params to arguments: params must be an object or an array, got {other}"
                )))
            }
        };
        Ok(Self { args })
    }

    /// Parameters from a URI query string, already percent-decoded.
    pub(crate) fn from_uri(query: HashMap<String, String>) -> Self {
        Self {
            args: query.into_iter().map(|(k, v)| (k, Arg::Uri(v))).collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&Arg> {
        match self.args.get(name) {
            None | Some(Arg::Json(Value::Null)) => None,
            Some(Arg::Uri(v)) if v.is_empty() => None,
            Some(arg) => Some(arg),
        }
    }

    /// A whole number (a string or a number in JSON).
    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, RpcError> {
        match self.get(name) {
            None => Ok(None),
            Some(Arg::Json(Value::Number(n))) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| json_error(name, format!("{n} is not a 64-bit integer"))),
            Some(Arg::Json(Value::String(s))) if s.is_empty() => Ok(None),
            Some(Arg::Json(Value::String(s))) => s
                .parse()
                .map(Some)
                .map_err(|_| json_error(name, format!("{s:?} is not an integer"))),
            Some(Arg::Json(other)) => Err(json_error(name, format!("{other} is not an integer"))),
            Some(Arg::Uri(v)) => {
                let text = unquote(name, v)?.unwrap_or_else(|| v.clone());
                text.parse()
                    .map(Some)
                    .map_err(|_| uri_error(name, format!("{v:?} is not an integer")))
            }
        }
    }

    /// A boolean, false when absent.
    pub(crate) fn bool(&self, name: &str) -> Result<bool, RpcError> {
        match self.get(name) {
            None => Ok(false),
            Some(Arg::Json(Value::Bool(b))) => Ok(*b),
            Some(Arg::Json(Value::String(s))) => s
                .parse()
                .map_err(|_| json_error(name, format!("{s:?} is not a boolean"))),
            Some(Arg::Json(other)) => Err(json_error(name, format!("{other} is not a boolean"))),
            Some(Arg::Uri(v)) => {
                let text = unquote(name, v)?.unwrap_or_else(|| v.clone());
                text.parse()
                    .map_err(|_| uri_error(name, format!("{v:?} is not a boolean")))
            }
        }
    }

    /// A string. In a URI: `"quoted"`, or `0x`-hex of its bytes (a bare word is taken as is).
    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, RpcError> {
        match self.get(name) {
            None => Ok(None),
            Some(Arg::Json(Value::String(s))) => Ok(Some(s.clone())),
            Some(Arg::Json(other)) => Err(json_error(name, format!("{other} is not a string"))),
            Some(Arg::Uri(v)) => {
                if let Some(s) = unquote(name, v)? {
                    return Ok(Some(s));
                }
                if v.starts_with("0x") || v.starts_with("0X") {
                    let bytes = hex_value(name, v, uri_error)?;
                    return String::from_utf8(bytes)
                        .map(Some)
                        .map_err(|_| uri_error(name, "hex does not decode to UTF-8"));
                }
                Ok(Some(v.clone()))
            }
        }
    }

    /// Bytes CometBFT types as `[]byte`: base64 in JSON.
    pub(crate) fn bytes(&self, name: &str) -> Result<Option<Vec<u8>>, RpcError> {
        match self.get(name) {
            None => Ok(None),
            Some(Arg::Json(Value::String(s))) => BASE64
                .decode(s)
                .map(Some)
                .map_err(|e| json_error(name, format!("invalid base64: {e}"))),
            Some(Arg::Json(other)) => {
                Err(json_error(name, format!("{other} is not a base64 string")))
            }
            Some(Arg::Uri(v)) => uri_bytes(name, v).map(Some),
        }
    }

    /// Bytes CometBFT types as `HexBytes`: hex in JSON.
    pub(crate) fn hex_bytes(&self, name: &str) -> Result<Option<Vec<u8>>, RpcError> {
        match self.get(name) {
            None => Ok(None),
            Some(Arg::Json(Value::String(s))) => hex_value(name, s, json_error).map(Some),
            Some(Arg::Json(other)) => Err(json_error(name, format!("{other} is not a hex string"))),
            Some(Arg::Uri(v)) => uri_bytes(name, v).map(Some),
        }
    }
}

/// Bytes in a URI: `0x`-hex, or a quoted string's own bytes.
fn uri_bytes(name: &str, value: &str) -> Result<Vec<u8>, RpcError> {
    if value.starts_with("0x") || value.starts_with("0X") {
        return hex_value(name, value, uri_error);
    }
    match unquote(name, value)? {
        Some(s) => Ok(s.into_bytes()),
        None => Err(uri_error(
            name,
            format!("{value:?}: bytes must be 0x-prefixed hex or a \"quoted\" string"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(pairs: &[(&str, &str)]) -> Params {
        Params::from_uri(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn uri_conventions() {
        let p = uri(&[
            ("height", "5"),
            ("quoted_height", "\"7\""),
            ("path", "\"/cosmos.bank.v1beta1.Query/Balance\""),
            ("bare", "/store/bank/key"),
            ("data", "0x0aFF"),
            ("tx", "\"abc\""),
            ("prove", "true"),
            ("empty", ""),
        ]);
        assert_eq!(p.int("height").unwrap(), Some(5));
        assert_eq!(p.int("quoted_height").unwrap(), Some(7));
        assert_eq!(p.int("empty").unwrap(), None);
        assert_eq!(
            p.string("path").unwrap().unwrap(),
            "/cosmos.bank.v1beta1.Query/Balance"
        );
        assert_eq!(p.string("bare").unwrap().unwrap(), "/store/bank/key");
        assert_eq!(p.hex_bytes("data").unwrap().unwrap(), vec![0x0a, 0xff]);
        assert_eq!(p.bytes("tx").unwrap().unwrap(), b"abc".to_vec());
        assert!(p.bool("prove").unwrap());
        assert!(!p.bool("missing").unwrap());
        let bad = uri(&[("data", "0xZZ"), ("tx", "plain"), ("height", "five")]);
        assert_eq!(bad.hex_bytes("data").unwrap_err().code, -32602);
        assert_eq!(bad.bytes("tx").unwrap_err().code, -32602);
        assert_eq!(bad.int("height").unwrap_err().code, -32602);
    }

    #[test]
    fn json_conventions() {
        let p = Params::from_json(
            &[],
            Some(serde_json::json!({"height": "12", "n": 3, "tx": "AQID", "data": "0A0B", "prove": true})),
        )
        .unwrap();
        assert_eq!(p.int("height").unwrap(), Some(12));
        assert_eq!(p.int("n").unwrap(), Some(3));
        assert_eq!(p.bytes("tx").unwrap().unwrap(), vec![1, 2, 3]);
        assert_eq!(p.hex_bytes("data").unwrap().unwrap(), vec![10, 11]);
        assert!(p.bool("prove").unwrap());
        let positional = Params::from_json(
            &["query", "prove"],
            Some(serde_json::json!(["tx.height=1", false])),
        )
        .unwrap();
        assert_eq!(positional.string("query").unwrap().unwrap(), "tx.height=1");
        assert!(Params::from_json(&["query"], Some(serde_json::json!(["a", "b"]))).is_err());
        assert!(Params::from_json(&[], Some(serde_json::json!("x"))).is_err());
        let bad =
            Params::from_json(&[], Some(serde_json::json!({"tx": "%%%", "height": "x"}))).unwrap();
        assert_eq!(bad.bytes("tx").unwrap_err().code, -32602);
        assert_eq!(bad.int("height").unwrap_err().code, -32602);
    }
}
