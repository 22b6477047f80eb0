//! The REST routes: every served gRPC method's `google.api.http` rule from the descriptor
//! set (the SDK's gateway routes), and matching a request's method and path against them.

use agora_proto::prost_reflect::{DynamicMessage, MessageDescriptor, MethodDescriptor, Value};
use axum::http::Method;

/// One route: an HTTP rule of a gRPC method.
pub(crate) struct Route {
    /// GET or POST.
    pub(crate) verb: Method,
    /// The path template as the rule writes it (`/cosmos/bank/v1beta1/balances/{address}`).
    pub(crate) template: String,
    segments: Vec<Segment>,
    /// The gRPC method path it calls (`/cosmos.bank.v1beta1.Query/AllBalances`).
    pub(crate) grpc_path: String,
    /// The request message.
    pub(crate) input: MessageDescriptor,
    /// The response message.
    pub(crate) output: MessageDescriptor,
    /// Whether the request comes as the JSON body (`body: "*"`) rather than query parameters.
    pub(crate) body: bool,
}

enum Segment {
    Literal(String),
    /// A `{field}` of the request, by its (dotted) proto name.
    Field(String),
}

/// What a request's method and path found.
pub(crate) enum Found<'a> {
    /// A route, with the path's `{field}` values (percent-decoded).
    Route(&'a Route, Vec<(String, String)>),
    /// The path exists for another method.
    WrongMethod,
    /// No route has this path.
    Nothing,
}

/// Every route of the served methods, most specific first.
pub(crate) struct Routes(Vec<Route>);

impl Routes {
    /// The routes of the methods of `agora_proto::descriptors()` for which `serves` is true.
    pub(crate) fn new(serves: impl Fn(&str) -> bool) -> Result<Self, String> {
        let pool = agora_proto::descriptors();
        let http = pool
            .get_extension_by_name("google.api.http")
            .ok_or("the descriptor set has no google.api.http")?;
        let mut routes = Vec::new();
        for service in pool.services() {
            for method in service.methods() {
                let grpc_path = format!("/{}/{}", service.full_name(), method.name());
                let options = method.options();
                if !serves(&grpc_path) || !options.has_extension(&http) {
                    continue;
                }
                if let Value::Message(rule) = options.get_extension(&http).as_ref() {
                    routes.push(route(&method, grpc_path, rule)?);
                }
            }
        }
        // A literal segment outranks a `{field}` in the same place (`/txs/block/{height}`
        // before `/txs/{hash}`).
        routes.sort_by_cached_key(|r| {
            let rank: Vec<bool> = r
                .segments
                .iter()
                .map(|s| matches!(s, Segment::Field(_)))
                .collect();
            (rank, r.template.clone())
        });
        Ok(Self(routes))
    }

    /// Every route.
    pub(crate) fn all(&self) -> &[Route] {
        &self.0
    }

    /// The route answering `verb` on `path`.
    pub(crate) fn find(&self, verb: &Method, path: &str) -> Found<'_> {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        let mut other_method = false;
        for route in &self.0 {
            let Some(fields) = route.matches(&parts) else {
                continue;
            };
            if route.verb == *verb {
                return Found::Route(route, fields);
            }
            other_method = true;
        }
        if other_method {
            Found::WrongMethod
        } else {
            Found::Nothing
        }
    }
}

impl Route {
    /// The `{field}` names, in path order.
    pub(crate) fn path_fields(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Field(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    fn matches(&self, parts: &[&str]) -> Option<Vec<(String, String)>> {
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut fields = Vec::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(text) if text == part => {}
                Segment::Literal(_) => return None,
                Segment::Field(_) if part.is_empty() => return None,
                Segment::Field(name) => {
                    let value = percent_encoding::percent_decode_str(part)
                        .decode_utf8()
                        .ok()?
                        .into_owned();
                    fields.push((name.clone(), value));
                }
            }
        }
        Some(fields)
    }
}

fn route(
    method: &MethodDescriptor,
    grpc_path: String,
    rule: &DynamicMessage,
) -> Result<Route, String> {
    let text = |name: &str| match rule.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let (verb, template) = if let Some(t) = text("get") {
        (Method::GET, t)
    } else if let Some(t) = text("post") {
        (Method::POST, t)
    } else {
        return Err(format!(
            "{grpc_path}: only GET and POST HTTP rules are served"
        ));
    };
    let segments = template
        .trim_start_matches('/')
        .split('/')
        .map(
            |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(field) if !field.contains('=') => Ok(Segment::Field(field.to_string())),
                Some(_) => Err(format!(
                    "{grpc_path}: path pattern {template} is not supported"
                )),
                None => Ok(Segment::Literal(part.to_string())),
            },
        )
        .collect::<Result<_, _>>()?;
    Ok(Route {
        verb,
        segments,
        body: text("body").as_deref() == Some("*"),
        template,
        grpc_path,
        input: method.input(),
        output: method.output(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_route_is_read_and_literals_win() {
        let routes = Routes::new(|_| true).unwrap();
        assert!(routes.all().len() > 60, "{}", routes.all().len());
        let Found::Route(route, fields) = routes.find(
            &Method::GET,
            "/cosmos/bank/v1beta1/balances/agora1abc/by_denom",
        ) else {
            panic!("no by_denom route")
        };
        assert_eq!(route.grpc_path, "/cosmos.bank.v1beta1.Query/Balance");
        assert_eq!(
            fields,
            vec![("address".to_string(), "agora1abc".to_string())]
        );
        let Found::Route(route, _) = routes.find(&Method::GET, "/cosmos/tx/v1beta1/txs/block/5")
        else {
            panic!("no block route")
        };
        assert_eq!(
            route.grpc_path,
            "/cosmos.tx.v1beta1.Service/GetBlockWithTxs"
        );
        let Found::Route(route, _) = routes.find(&Method::GET, "/cosmos/tx/v1beta1/txs/ABCD")
        else {
            panic!("no tx route")
        };
        assert_eq!(route.grpc_path, "/cosmos.tx.v1beta1.Service/GetTx");
        let Found::Route(route, _) = routes.find(&Method::POST, "/cosmos/tx/v1beta1/txs/") else {
            panic!("no broadcast route")
        };
        assert!(route.body);
        assert!(matches!(
            routes.find(&Method::POST, "/cosmos/bank/v1beta1/balances/agora1abc"),
            Found::WrongMethod
        ));
        assert!(matches!(
            routes.find(&Method::GET, "/cosmos/bank/v1beta1/nothing"),
            Found::Nothing
        ));
        let served = Routes::new(|path| path.starts_with("/cosmos.bank.")).unwrap();
        assert!(served
            .all()
            .iter()
            .all(|r| r.grpc_path.starts_with("/cosmos.bank.")));
    }
}
