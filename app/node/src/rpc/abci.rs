//! `abci_info` and `abci_query`: the app's Info and Query.

use serde::Serialize;
use tendermint_proto::v0_38::abci::RequestQuery;

use super::json::{base64, QueryResponse};
use super::params::Params;
use super::{to_json, RpcError};
use crate::Node;

/// `ResponseInfo` by reflection: empty fields are left out.
#[derive(Serialize)]
struct Info {
    #[serde(skip_serializing_if = "String::is_empty")]
    data: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_block_height: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_block_app_hash: Option<String>,
}

#[derive(Serialize)]
struct Response<T> {
    response: T,
}

/// `abci_info`.
pub(crate) fn info(node: &Node, _: &Params) -> Result<String, RpcError> {
    let info = node.queries.info();
    to_json(&Response {
        response: Info {
            data: info.data,
            version: info.version,
            app_version: (info.app_version != 0).then(|| info.app_version.to_string()),
            last_block_height: (info.last_block_height != 0)
                .then(|| info.last_block_height.to_string()),
            last_block_app_hash: (!info.last_block_app_hash.is_empty())
                .then(|| base64(&info.last_block_app_hash)),
        },
    })
}

/// `abci_query`: `path`, `data` (hex), `height` (0 = latest), `prove`.
pub(crate) fn query(node: &Node, p: &Params) -> Result<String, RpcError> {
    let request = RequestQuery {
        path: p.string("path")?.unwrap_or_default(),
        data: p.hex_bytes("data")?.unwrap_or_default().into(),
        height: p.int("height")?.unwrap_or(0),
        prove: p.bool("prove")?,
    };
    let response = node.queries.query(request);
    to_json(&Response {
        response: QueryResponse::from(&response),
    })
}
