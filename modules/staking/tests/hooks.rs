//! Staking hooks: registered once, called in the SDK's order, and an error from one aborts
//! the tx.

mod common;

use std::sync::{Arc, Mutex};

use agora_core::{Address, Context, Error, Result};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_staking::{StakingHooks, MSG_UNDELEGATE_TYPE_URL};
use common::{addr, any, coin, create_validator, delegate, valoper, Chain, AGR};

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

#[test]
fn hooks_see_every_change_in_order_and_can_refuse() {
    let (alice, bob, carol) = (addr(1), addr(2), addr(3));
    let mut chain = Chain::new(&[alice.clone(), bob.clone(), carol.clone()], 100 * AGR);
    let recorder = Arc::new(Recorder {
        calls: Mutex::new(Vec::new()),
        refuse: carol.clone(),
    });
    chain.keeper.set_hooks(vec![recorder.clone()]);

    chain.create_validator(create_validator(&alice, 1, 10 * AGR));
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

    let twice = delegate(&bob, &alice, 2 * AGR);
    chain.execute(&twice).result.unwrap();
    chain.execute(&twice).result.unwrap();
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
        .execute(&any(
            MSG_UNDELEGATE_TYPE_URL,
            pb::MsgUndelegate {
                delegator_address: bob.to_string(),
                validator_address: valoper(&alice),
                amount: coin(4 * AGR),
            },
        ))
        .result
        .unwrap();
    assert_eq!(
        recorder.take(),
        [
            "before_delegation_shares_modified(2,1)",
            "before_delegation_removed(2,1)"
        ]
    );

    let refused = chain.execute(&delegate(&carol, &alice, AGR));
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
