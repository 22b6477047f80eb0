//! ABCI Query: gRPC method paths routed to modules, tx simulation, and raw store reads with
//! ICS-23 proofs (`store/<module>/key`).

use agora_core::store::CacheStore;
use agora_core::{Context, Error, ExecMode, GasMeter, Result, SdkCode};
use agora_proto::cosmos::base::abci::v1beta1::{GasInfo, Result as AbciResult, TxMsgData};
use agora_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestQuery, ResponseQuery};
use tendermint_proto::v0_38::crypto::{ProofOp, ProofOps};

use crate::app::App;
use crate::results;

/// The gRPC path of tx simulation (what `--gas auto` and cosmjs call).
pub const SIMULATE_PATH: &str = "/cosmos.tx.v1beta1.Service/Simulate";

/// The proof op type of a JMT ICS-23 commitment proof.
pub const JMT_PROOF_OP: &str = "ics23:jmt";

impl App {
    /// ABCI Query.
    pub fn query(&mut self, req: RequestQuery) -> ResponseQuery {
        let latest = self.store.height();
        let height = if req.height <= 0 {
            latest
        } else {
            req.height as u64
        };
        let answer = if let Some(rest) = req.path.strip_prefix("store/") {
            self.query_store(rest, &req.data, height, req.prove)
        } else if height != latest {
            Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!("{} is answered at the latest height {latest} only; read past heights with store/<module>/key", req.path),
            ))
        } else if req.path == SIMULATE_PATH {
            self.simulate(&req.data).map(|v| (v, None))
        } else {
            self.query_module(&req.path, &req.data).map(|v| (v, None))
        };
        match answer {
            Ok((value, proof_ops)) => ResponseQuery {
                key: req.data.clone(),
                value: value.into(),
                proof_ops,
                height: height as i64,
                ..Default::default()
            },
            Err(e) => ResponseQuery {
                code: e.code,
                codespace: e.codespace.into_owned(),
                log: e.msg,
                height: height as i64,
                ..Default::default()
            },
        }
    }

    fn query_module(&self, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        let module = self.modules.for_query(path).ok_or_else(|| {
            Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {path}"),
            )
        })?;
        let committed = self.store.latest();
        let mut state = CacheStore::new(&committed);
        let gas = GasMeter::infinite();
        let mut ctx = Context::new(&self.last_block, ExecMode::Check, &mut state, &gas);
        module.query(&mut ctx, path, data)
    }

    fn simulate(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let req: SimulateRequest = agora_core::decode_request(SIMULATE_PATH, data)?;
        let outcome = self.check_or_simulate(&req.tx_bytes, ExecMode::Simulate);
        let gas_info = GasInfo {
            gas_wanted: outcome.gas_wanted,
            gas_used: outcome.gas_used,
        };
        let data = outcome.result?;
        let msg_responses = TxMsgData::decode(data.as_slice())
            .map(|d| d.msg_responses)
            .unwrap_or_default();
        #[allow(deprecated)]
        let result = AbciResult {
            data: vec![],
            log: String::new(),
            events: outcome.events.into_iter().map(results::event).collect(),
            msg_responses,
        };
        Ok(SimulateResponse {
            gas_info: Some(gas_info),
            result: Some(result),
        }
        .encode_to_vec())
    }

    fn query_store(
        &self,
        rest: &str,
        key: &[u8],
        height: u64,
        prove: bool,
    ) -> Result<(Vec<u8>, Option<ProofOps>)> {
        let module = rest
            .strip_suffix("/key")
            .filter(|m| !m.is_empty() && !m.contains('/'))
            .ok_or_else(|| {
                Error::sdk(
                    SdkCode::UnknownRequest,
                    format!("unknown store query store/{rest}; use store/<module>/key"),
                )
            })?;
        let internal = |e: anyhow::Error| Error::sdk(SdkCode::InvalidRequest, format!("{e:#}"));
        if !prove {
            let value = self.store.get_at(module, key, height).map_err(internal)?;
            return Ok((value.unwrap_or_default(), None));
        }
        let proven = self.store.prove_at(module, key, height).map_err(internal)?;
        let ops = vec![
            ProofOp {
                r#type: JMT_PROOF_OP.into(),
                key: key.to_vec(),
                data: proven.substore_proof.encode_to_vec(),
            },
            ProofOp {
                r#type: JMT_PROOF_OP.into(),
                key: module.as_bytes().to_vec(),
                data: proven.root_proof.encode_to_vec(),
            },
        ];
        Ok((proven.value.unwrap_or_default(), Some(ProofOps { ops })))
    }
}
