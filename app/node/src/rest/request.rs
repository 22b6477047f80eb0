//! A REST request as its gRPC request message, as the SDK's gateway builds it: the path's
//! `{field}`s, then query parameters (`?pagination.limit=5&events=a&events=b`, proto or JSON
//! field names, enums by name or number, bytes in base64; names the request lacks are
//! ignored), or for `body: "*"` routes the JSON body (proto or JSON names: `tx_bytes` and
//! `txBytes` alike).

use agora_proto::prost_reflect::{
    DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, ReflectMessage, Value,
};
use base64::Engine as _;

use super::routes::Route;

/// The request message of `route`, or what is wrong with the request.
pub(crate) fn build(
    route: &Route,
    path_fields: &[(String, String)],
    query: Option<&str>,
    body: &[u8],
) -> Result<DynamicMessage, String> {
    let mut message = if route.body {
        from_body(route, body)?
    } else {
        DynamicMessage::new(route.input.clone())
    };
    for (name, text) in path_fields {
        set(&mut message, name, text)?;
    }
    if !route.body {
        let pairs = form_urlencoded::parse(query.unwrap_or_default().as_bytes());
        for (name, text) in pairs {
            if path_fields.iter().all(|(field, _)| *field != name) {
                set(&mut message, &name, &text)?;
            }
        }
    }
    Ok(message)
}

fn from_body(route: &Route, body: &[u8]) -> Result<DynamicMessage, String> {
    let invalid =
        |e: serde_json::Error| format!("invalid {} JSON body: {e}", route.input.full_name());
    let mut json = serde_json::Deserializer::from_slice(body);
    let message = DynamicMessage::deserialize_with_options(
        route.input.clone(),
        &mut json,
        &DeserializeOptions::new(),
    )
    .map_err(invalid)?;
    json.end().map_err(invalid)?;
    Ok(message)
}

/// Sets the (dotted) field `name` of `message` from `text`; a repeated field gains an item.
fn set(message: &mut DynamicMessage, name: &str, text: &str) -> Result<(), String> {
    let (head, rest) = match name.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (name, None),
    };
    let desc = message.descriptor();
    let Some(field) = desc
        .get_field_by_name(head)
        .or_else(|| desc.get_field_by_json_name(head))
    else {
        return Ok(());
    };
    match rest {
        Some(rest) => match message.get_field_mut(&field) {
            Value::Message(inner) if !field.is_list() => set(inner, rest, text),
            _ => Err(format!("parameter {name}: {head} has no fields")),
        },
        None => {
            let value = parse(&field, text)
                .map_err(|e| format!("type mismatch, parameter: {name}, error: {e}"))?;
            if field.is_list() {
                if let Value::List(items) = message.get_field_mut(&field) {
                    items.push(value);
                }
            } else {
                message.set_field(&field, value);
            }
            Ok(())
        }
    }
}

/// `text` as a value of `field`'s type.
fn parse(field: &FieldDescriptor, text: &str) -> Result<Value, String> {
    let number = |e: std::num::ParseIntError| format!("{text:?} is not a whole number: {e}");
    Ok(match field.kind() {
        Kind::String => Value::String(text.to_string()),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(text.parse().map_err(number)?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(text.parse().map_err(number)?),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(text.parse().map_err(number)?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(text.parse().map_err(number)?),
        Kind::Bool => Value::Bool(match text {
            "true" | "True" | "TRUE" | "t" | "T" | "1" => true,
            "false" | "False" | "FALSE" | "f" | "F" | "0" => false,
            _ => return Err(format!("{text:?} is not true or false")),
        }),
        Kind::Float => Value::F32(
            text.parse()
                .map_err(|_| format!("{text:?} is not a number"))?,
        ),
        Kind::Double => Value::F64(
            text.parse()
                .map_err(|_| format!("{text:?} is not a number"))?,
        ),
        Kind::Bytes => Value::Bytes(base64(text)?.into()),
        Kind::Enum(desc) => {
            let value = desc
                .get_value_by_name(text)
                .or_else(|| text.parse::<i32>().ok().and_then(|n| desc.get_value(n)));
            match value {
                Some(value) => Value::EnumNumber(value.number()),
                None => {
                    let names: Vec<_> = desc.values().map(|v| v.name().to_string()).collect();
                    return Err(format!("{text:?} is not one of {}", names.join(", ")));
                }
            }
        }
        Kind::Message(desc) => return Err(format!("{} cannot be given as text", desc.full_name())),
    })
}

/// Standard or URL-safe base64, padded or not (as the gateway accepts bytes).
fn base64(text: &str) -> Result<Vec<u8>, String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .ok_or_else(|| format!("{text:?} is not base64"))
}

#[cfg(test)]
mod tests {
    use super::super::routes::{Found, Routes};
    use super::*;
    use axum::http::Method;
    use prost::Message;

    fn request(
        verb: Method,
        path: &str,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<Vec<u8>, String> {
        let routes = Routes::new(|_| true).unwrap();
        let Found::Route(route, fields) = routes.find(&verb, path) else {
            panic!("no route {path}")
        };
        build(route, &fields, query, body).map(|m| m.encode_to_vec())
    }

    #[test]
    fn path_and_query_fill_the_request() {
        use agora_proto::cosmos::bank::v1beta1::QueryAllBalancesRequest;
        let bytes = request(
            Method::GET,
            "/cosmos/bank/v1beta1/balances/agora1abc",
            Some("pagination.limit=5&pagination.countTotal=true&resolve_denom=1&unknown=x"),
            b"",
        )
        .unwrap();
        let req = QueryAllBalancesRequest::decode(bytes.as_slice()).unwrap();
        assert_eq!(req.address, "agora1abc");
        let page = req.pagination.unwrap();
        assert_eq!((page.limit, page.count_total), (5, true));
        assert!(req.resolve_denom);
        let error = request(
            Method::GET,
            "/cosmos/base/tendermint/v1beta1/blocks/abc",
            None,
            b"",
        )
        .unwrap_err();
        assert!(
            error.starts_with("type mismatch, parameter: height"),
            "{error}"
        );
    }

    #[test]
    fn the_body_takes_proto_and_json_names() {
        use agora_proto::cosmos::tx::v1beta1::BroadcastTxRequest;
        for body in [
            r#"{"tx_bytes": "AQID", "mode": "BROADCAST_MODE_SYNC"}"#,
            r#"{"txBytes": "AQID", "mode": 2}"#,
        ] {
            let bytes = request(
                Method::POST,
                "/cosmos/tx/v1beta1/txs",
                None,
                body.as_bytes(),
            )
            .unwrap();
            let req = BroadcastTxRequest::decode(bytes.as_slice()).unwrap();
            assert_eq!((req.tx_bytes, req.mode), (vec![1, 2, 3], 2), "{body}");
        }
        for bad in [
            &br#"{"tx_bytes": "not base64!"}"#[..],
            b"{",
            b"{} x",
            br#"{"txbytes": "AQID"}"#,
        ] {
            assert!(request(Method::POST, "/cosmos/tx/v1beta1/txs", None, bad).is_err());
        }
    }
}
