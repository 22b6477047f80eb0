//! PrepareProposal keeps what fits and decodes; ProcessProposal rejects what does not.

use agora_app::testing::{
    bank_send, finalize_request, funded_app_state, init_chain_request, Signer, TestKey, TxSpec,
};
use agora_app::{App, AppConfig};
use tendermint_proto::v0_38::abci::{
    response_process_proposal::ProposalStatus, RequestPrepareProposal, RequestProcessProposal,
};
use tendermint_proto::v0_38::types::{BlockParams, ConsensusParams};

const CHAIN: &str = "proposals-1";
const MAX_GAS: i64 = 500_000;

fn app_with_limits(dir: &std::path::Path, keys: &[TestKey]) -> App {
    let mut app = App::open(dir, AppConfig::default()).unwrap();
    let mut req = init_chain_request(CHAIN, &funded_app_state(keys, 1_000_000));
    req.consensus_params = Some(ConsensusParams {
        block: Some(BlockParams {
            max_bytes: 100_000,
            max_gas: MAX_GAS,
        }),
        // evidence must fit in a block, as CometBFT requires
        evidence: agora_consensus::default_params().evidence.map(|mut e| {
            e.max_bytes = 10_000;
            e
        }),
        ..Default::default()
    });
    app.init_chain(req).unwrap();
    app.finalize_block(finalize_request(1, vec![])).unwrap();
    app.commit().unwrap();
    app
}

fn tx(keys: &[TestKey], sequence: u64, gas_limit: u64) -> Vec<u8> {
    let mut spec = TxSpec::new(
        CHAIN,
        vec![bank_send(&keys[0].address, &keys[1].address, 1)],
        Signer {
            key: &keys[0],
            account_number: 0,
            sequence,
        },
    );
    spec.gas_limit = gas_limit;
    spec.sign()
}

#[test]
fn prepare_drops_undecodable_and_over_limit_txs() {
    let keys: Vec<TestKey> = (0..2).map(TestKey::from_seed).collect();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_limits(dir.path(), &keys);
    let (a, b, c) = (
        tx(&keys, 0, 200_000),
        tx(&keys, 1, 200_000),
        tx(&keys, 2, 200_000),
    );
    let txs = vec![a.clone(), b"garbage".to_vec(), b.clone(), c.clone()];
    let res = app.prepare_proposal(RequestPrepareProposal {
        max_tx_bytes: 1_000_000,
        txs: txs.into_iter().map(Into::into).collect(),
        height: 2,
        ..Default::default()
    });
    // the third valid tx would take the block to 600,000 gas, over max_gas 500,000
    let kept: Vec<Vec<u8>> = res.txs.iter().map(|t| t.to_vec()).collect();
    assert_eq!(kept, vec![a.clone(), b.clone()]);

    let tight = app.prepare_proposal(RequestPrepareProposal {
        max_tx_bytes: (a.len() + 10) as i64,
        txs: vec![a.clone().into(), b.into()],
        height: 2,
        ..Default::default()
    });
    let kept: Vec<Vec<u8>> = tight.txs.iter().map(|t| t.to_vec()).collect();
    assert_eq!(kept, vec![a], "max_tx_bytes bounds the block");
}

#[test]
fn process_rejects_blocks_with_undecodable_or_over_limit_txs() {
    let keys: Vec<TestKey> = (0..2).map(TestKey::from_seed).collect();
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_limits(dir.path(), &keys);
    let status = |txs: Vec<Vec<u8>>| {
        app.process_proposal(RequestProcessProposal {
            txs: txs.into_iter().map(Into::into).collect(),
            height: 2,
            ..Default::default()
        })
        .status
    };
    assert_eq!(
        status(vec![tx(&keys, 0, 200_000), tx(&keys, 1, 200_000)]),
        ProposalStatus::Accept as i32
    );
    assert_eq!(
        status(vec![tx(&keys, 0, 200_000), b"garbage".to_vec()]),
        ProposalStatus::Reject as i32
    );
    assert_eq!(
        status(vec![tx(&keys, 0, 400_000), tx(&keys, 1, 200_000)]),
        ProposalStatus::Reject as i32
    );
    assert_eq!(
        status(vec![vec![0u8; 100_001]]),
        ProposalStatus::Reject as i32
    );
}
