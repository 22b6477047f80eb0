//! The OpenAPI 3 document of the REST routes (`GET /openapi.json`), generated from the same
//! descriptors as the routes: every path with its parameters, request body and response
//! schema, and a schema per message as the gateway's JSON writes it.

use std::collections::BTreeMap;

use agora_proto::prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{json, Map, Value as Json};

use super::routes::{Route, Routes};

/// The document of `routes`.
pub(crate) fn document(routes: &Routes) -> Json {
    let mut schemas = BTreeMap::new();
    let mut paths: BTreeMap<String, Map<String, Json>> = BTreeMap::new();
    for route in routes.all() {
        collect(&route.input, &mut schemas);
        collect(&route.output, &mut schemas);
        paths
            .entry(route.template.clone())
            .or_default()
            .insert(route.verb.as_str().to_lowercase(), operation(route));
    }
    let mut components: Map<String, Json> = schemas
        .into_iter()
        .map(|(name, desc)| (name, message_schema(&desc)))
        .collect();
    components.insert(
        "Error".into(),
        json!({"type": "object", "properties": {
            "code": {"type": "integer", "description": "the gRPC status code"},
            "message": {"type": "string"},
            "details": {"type": "array", "items": {"type": "object"}}}}),
    );
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Agora REST API",
            "description": "The Cosmos SDK gateway routes agorad serves (JSON as the SDK writes it). \
                Send x-cosmos-block-height to read an earlier height.",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "paths": paths,
        "components": {"schemas": components},
    })
}

fn operation(route: &Route) -> Json {
    let method = route.grpc_path.trim_start_matches('/').replace('/', ".");
    let service = method.rsplit_once('.').map(|(s, _)| s).unwrap_or_default();
    let mut parameters: Vec<Json> = route
        .path_fields()
        .map(|name| {
            let schema = field_by_path(&route.input, name)
                .map(|f| field_schema(&f))
                .unwrap_or_else(|| json!({"type": "string"}));
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect();
    let mut operation = json!({
        "operationId": method,
        "tags": [service],
        "responses": {
            "200": {"description": "the answer",
                    "content": {"application/json": {"schema": reference(&route.output)}}},
            "default": {"description": "an error",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        },
    });
    if route.body {
        operation["requestBody"] = json!({"required": true,
            "content": {"application/json": {"schema": reference(&route.input)}}});
    } else {
        let in_path: Vec<&str> = route.path_fields().collect();
        for (name, field) in query_fields(&route.input) {
            if !in_path.contains(&name.as_str()) {
                parameters.push(json!({"name": name, "in": "query", "required": false,
                                       "schema": field_schema(&field)}));
            }
        }
    }
    operation["parameters"] = Json::Array(parameters);
    operation
}

/// The scalar fields a query string can set: the message's, and its messages' one level down
/// (`pagination.limit`).
fn query_fields(desc: &MessageDescriptor) -> Vec<(String, FieldDescriptor)> {
    let mut out = Vec::new();
    for field in desc.fields() {
        match field.kind() {
            Kind::Message(inner) if !field.is_list() && !well_known(&inner) => {
                for nested in inner.fields() {
                    if !matches!(nested.kind(), Kind::Message(_)) {
                        out.push((format!("{}.{}", field.name(), nested.name()), nested));
                    }
                }
            }
            Kind::Message(_) => {}
            _ => out.push((field.name().to_string(), field)),
        }
    }
    out
}

fn field_by_path(desc: &MessageDescriptor, path: &str) -> Option<FieldDescriptor> {
    let (head, rest) = path
        .split_once('.')
        .map_or((path, None), |(h, r)| (h, Some(r)));
    let field = desc.get_field_by_name(head)?;
    match (rest, field.kind()) {
        (None, _) => Some(field),
        (Some(rest), Kind::Message(inner)) => field_by_path(&inner, rest),
        _ => None,
    }
}

/// Every message `desc` reaches, by full name.
fn collect(desc: &MessageDescriptor, schemas: &mut BTreeMap<String, MessageDescriptor>) {
    if well_known(desc) || schemas.contains_key(desc.full_name()) {
        return;
    }
    schemas.insert(desc.full_name().to_string(), desc.clone());
    for field in desc.fields() {
        if let Kind::Message(inner) = field.kind() {
            if field.is_map() {
                if let Kind::Message(value) = inner.map_entry_value_field().kind() {
                    collect(&value, schemas);
                }
            } else {
                collect(&inner, schemas);
            }
        }
    }
}

fn well_known(desc: &MessageDescriptor) -> bool {
    desc.full_name().starts_with("google.protobuf.")
}

fn reference(desc: &MessageDescriptor) -> Json {
    json!({"$ref": format!("#/components/schemas/{}", desc.full_name())})
}

fn message_schema(desc: &MessageDescriptor) -> Json {
    let properties: Map<String, Json> = desc
        .fields()
        .map(|f| (f.name().to_string(), field_schema(&f)))
        .collect();
    json!({"type": "object", "properties": properties})
}

fn field_schema(field: &FieldDescriptor) -> Json {
    if field.is_map() {
        let value = match field.kind() {
            Kind::Message(entry) => kind_schema(&entry.map_entry_value_field().kind()),
            kind => kind_schema(&kind),
        };
        return json!({"type": "object", "additionalProperties": value});
    }
    let schema = kind_schema(&field.kind());
    if field.is_list() {
        json!({"type": "array", "items": schema})
    } else {
        schema
    }
}

fn kind_schema(kind: &Kind) -> Json {
    match kind {
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            json!({"type": "string", "format": "int64"})
        }
        Kind::Uint64 | Kind::Fixed64 => json!({"type": "string", "format": "uint64"}),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            json!({"type": "integer", "format": "int32"})
        }
        Kind::Uint32 | Kind::Fixed32 => {
            json!({"type": "integer", "format": "int64", "minimum": 0})
        }
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Float | Kind::Double => json!({"type": "number"}),
        Kind::String => json!({"type": "string"}),
        Kind::Bytes => json!({"type": "string", "format": "byte"}),
        Kind::Enum(e) => {
            let names: Vec<_> = e.values().map(|v| v.name().to_string()).collect();
            json!({"type": "string", "enum": names})
        }
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Timestamp" => json!({"type": "string", "format": "date-time"}),
            "google.protobuf.Duration" => json!({"type": "string", "example": "1814400s"}),
            "google.protobuf.Any" => json!({"type": "object",
                "properties": {"@type": {"type": "string"}}, "additionalProperties": true}),
            _ if well_known(m) => json!({}),
            _ => reference(m),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_describes_routes_and_their_messages() {
        let routes = Routes::new(|_| true).unwrap();
        let doc = document(&routes);
        let balances = &doc["paths"]["/cosmos/bank/v1beta1/balances/{address}"]["get"];
        assert_eq!(
            balances["operationId"],
            "cosmos.bank.v1beta1.Query.AllBalances"
        );
        let names: Vec<_> = balances["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"address") && names.contains(&"pagination.limit"),
            "{names:?}"
        );
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["cosmos.bank.v1beta1.QueryAllBalancesResponse"]["properties"]["balances"]
                ["items"]["$ref"],
            "#/components/schemas/cosmos.base.v1beta1.Coin"
        );
        assert_eq!(
            doc["paths"]["/cosmos/tx/v1beta1/txs"]["post"]["requestBody"]["content"]
                ["application/json"]["schema"]["$ref"],
            "#/components/schemas/cosmos.tx.v1beta1.BroadcastTxRequest"
        );
        // Every reference resolves.
        let text = doc.to_string();
        for reference in text.split("\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                schemas.get(name).is_some(),
                "{name} is referenced but not defined"
            );
        }
    }
}
