//! Staking hooks: registered once, called in the SDK's order, and an error from one aborts
//! the tx.

mod common;

use std::sync::{Arc, Mutex};

use agora_core::{Address, Context, Error, Result, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use agora_staking::{
    consensus_pubkey_any, StakingHooks, MSG_CREATE_VALIDATOR_TYPE_URL, MSG_DELEGATE_TYPE_URL,
    MSG_UNDELEGATE_TYPE_URL,
};
use common::{addr, Chain};
use prost::Message;

const AGR: u128 = 1_000_000;

/// Records each call as `name(first address byte, ...)`; refuses delegations from `refuse`.
struct Recorder {
    calls: Mutex<Vec<String>>,
    refuse: Address,
}

impl Recorder {
    fn log(&self, name: &str, addresses: &[&Address]) {
        let who: Vec<String> = addresses
            .iter()
            .map(|a| a.as_bytes()[0].to_string())
            .collect();
        self.calls
            .lock()
            .unwrap()
            .push(format!("{name}({})", who.join(",")));
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.calls.lock().unwrap())
    }
}

impl StakingHooks for Recorder {
    fn after_validator_created(&self, _: &mut Context, v: &Address) -> Result<()> {
        self.log("after_validator_created", &[v]);
        Ok(())
    }
    fn after_validator_bonded(&self, _: &mut Context, _: &Address, v: &Address) -> Result<()> {
        self.log("after_validator_bonded", &[v]);
        Ok(())
    }
    fn before_delegation_created(&self, _: &mut Context, d: &Address, v: &Address) -> Result<()> {
        if *d == self.refuse {
            return Err(Error::new("test", 1, "refused by a hook"));
        }
        self.log("before_delegation_created", &[d, v]);
        Ok(())
    }
    fn before_delegation_shares_modified(
        &self,
        _: &mut Context,
        d: &Address,
        v: &Address,
    ) -> Result<()> {
        self.log("before_delegation_shares_modified", &[d, v]);
        Ok(())
    }
    fn before_delegation_removed(&self, _: &mut Context, d: &Address, v: &Address) -> Result<()> {
        self.log("before_delegation_removed", &[d, v]);
        Ok(())
    }
    fn after_delegation_modified(&self, _: &mut Context, d: &Address, v: &Address) -> Result<()> {
        self.log("after_delegation_modified", &[d, v]);
        Ok(())
    }
}

fn any(type_url: &str, msg: impl Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

fn coin(amount: u128) -> Option<ProtoCoin> {
    Some(ProtoCoin {
        denom: "uagr".into(),
        amount: amount.to_string(),
    })
}

fn delegation(type_url: &str, who: &Address, to: &Address, amount: u128) -> Any {
    let (delegator_address, validator_address) =
        (who.to_string(), to.to_bech32_with(VALOPER_PREFIX));
    match type_url {
        MSG_DELEGATE_TYPE_URL => any(
            type_url,
            pb::MsgDelegate {
                delegator_address,
                validator_address,
                amount: coin(amount),
            },
        ),
        _ => any(
            type_url,
            pb::MsgUndelegate {
                delegator_address,
                validator_address,
                amount: coin(amount),
            },
        ),
    }
}

#[test]
fn hooks_see_every_change_in_order_and_can_refuse() {
    let (alice, bob, carol) = (addr(1), addr(2), addr(3));
    let mut chain = Chain::new(&[alice.clone(), bob.clone(), carol.clone()], 100 * AGR);
    let recorder = Arc::new(Recorder {
        calls: Mutex::new(Vec::new()),
        refuse: carol.clone(),
    });
    chain.keeper.set_hooks(vec![recorder.clone()]);

    let rate = agora_core::Dec::from_ratio(1, 10)
        .unwrap()
        .to_atomics_string();
    #[allow(deprecated)]
    let create = pb::MsgCreateValidator {
        description: Some(pb::Description {
            moniker: "alice".into(),
            ..Default::default()
        }),
        commission: Some(pb::CommissionRates {
            rate: rate.clone(),
            max_rate: rate.clone(),
            max_change_rate: rate,
        }),
        min_self_delegation: "1".into(),
        delegator_address: String::new(),
        validator_address: alice.to_bech32_with(VALOPER_PREFIX),
        pubkey: Some(consensus_pubkey_any(&[1; 32])),
        value: coin(10 * AGR),
    };
    chain
        .execute(&any(MSG_CREATE_VALIDATOR_TYPE_URL, create))
        .result
        .unwrap();
    assert_eq!(
        recorder.take(),
        [
            "after_validator_created(1)",
            "before_delegation_created(1,1)",
            "after_delegation_modified(1,1)"
        ]
    );
    chain.end_block();
    assert_eq!(recorder.take(), ["after_validator_bonded(1)"]);

    let delegate = delegation(MSG_DELEGATE_TYPE_URL, &bob, &alice, 2 * AGR);
    chain.execute(&delegate).result.unwrap();
    chain.execute(&delegate).result.unwrap();
    assert_eq!(
        recorder.take(),
        [
            "before_delegation_created(2,1)",
            "after_delegation_modified(2,1)",
            "before_delegation_shares_modified(2,1)",
            "after_delegation_modified(2,1)"
        ]
    );
    chain
        .execute(&delegation(MSG_UNDELEGATE_TYPE_URL, &bob, &alice, 4 * AGR))
        .result
        .unwrap();
    assert_eq!(
        recorder.take(),
        [
            "before_delegation_shares_modified(2,1)",
            "before_delegation_removed(2,1)"
        ]
    );

    let refused = chain.execute(&delegation(MSG_DELEGATE_TYPE_URL, &carol, &alice, AGR));
    assert_eq!(refused.result.unwrap_err().msg, "refused by a hook");
    assert_eq!(
        chain.balance(&carol),
        100 * AGR,
        "the refused delegation changed nothing"
    );
}

#[test]
#[should_panic(expected = "staking hooks set twice")]
fn hooks_are_set_once() {
    let chain = Chain::new(&[addr(1)], 1);
    chain.keeper.set_hooks(vec![]);
    chain.keeper.set_hooks(vec![]);
}
