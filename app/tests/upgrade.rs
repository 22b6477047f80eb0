//! Software upgrades through the whole app with real signed txs: a plan passed by governance
//! halts a binary without its handler at the plan's height (state unchanged, upgrade-info.json
//! written, again after a restart), a binary with the handler applies it and goes on, an
//! operator can skip it, a binary with the handler too early or without the last applied
//! upgrade's handler refuses to run, and bad plans fail as the SDK's.

mod common;

use agora_app::AppConfig;
use agora_core::authority::gov_authority;
use agora_proto::cosmos::gov::v1 as gpb;
use agora_proto::cosmos::upgrade::v1beta1 as pb;
use agora_upgrade::{run_migrations, Upgrades};
use common::gov::*;
use common::Chain;
use gpb::ProposalStatus;

/// The plan's name throughout.
const NAME: &str = "v2";

fn software_upgrade(name: &str, height: u64) -> agora_proto::Any {
    any(&pb::MsgSoftwareUpgrade {
        authority: gov_authority().to_string(),
        // with the SDK's zero time, without which amino JSON (the SDK's too) cannot sign it
        plan: Some(
            agora_upgrade::Plan {
                name: name.into(),
                height,
                info: "https://example.com/agorad-v2".into(),
            }
            .to_proto(),
        ),
    })
}

fn plan(chain: &mut Chain) -> Option<pb::Plan> {
    let res: pb::QueryCurrentPlanResponse = chain.query_as(
        "/cosmos.upgrade.v1beta1.Query/CurrentPlan",
        pb::QueryCurrentPlanRequest {},
    );
    res.plan
}

fn applied(chain: &mut Chain, name: &str) -> i64 {
    let res: pb::QueryAppliedPlanResponse = chain.query_as(
        "/cosmos.upgrade.v1beta1.Query/AppliedPlan",
        pb::QueryAppliedPlanRequest { name: name.into() },
    );
    res.height
}

fn versions(chain: &mut Chain) -> Vec<pb::ModuleVersion> {
    let res: pb::QueryModuleVersionsResponse = chain.query_as(
        "/cosmos.upgrade.v1beta1.Query/ModuleVersions",
        pb::QueryModuleVersionsRequest::default(),
    );
    res.module_versions
}

/// A config whose binary has the handler of [`NAME`].
fn with_handler() -> AppConfig {
    AppConfig {
        upgrades: Upgrades::default().with_handler(NAME, run_migrations()),
        ..AppConfig::default()
    }
}

/// A chain with a passed plan [`NAME`] due 10 blocks after the vote ends; returns its height.
fn scheduled() -> (Chain, u64) {
    let (mut chain, _, _) = chain();
    let height = chain.height() + 2 + VOTING_S + 10;
    let (_, p) = decided(&mut chain, vec![software_upgrade(NAME, height)]);
    assert_eq!(
        p.status,
        ProposalStatus::Passed as i32,
        "{}",
        p.failed_reason
    );
    let plan = plan(&mut chain).expect("the plan is scheduled");
    assert_eq!((plan.name.as_str(), plan.height), (NAME, height as i64));
    (chain, height)
}

/// Produces blocks up to (not including) `height`.
fn run_until(chain: &mut Chain, height: u64) {
    while chain.height() + 1 < height {
        chain.block(vec![]);
    }
}

#[test]
fn a_binary_without_the_handler_halts_at_the_height_and_one_with_it_goes_on() {
    let (mut chain, height) = scheduled();
    run_until(&mut chain, height);
    // A second node, fed the same blocks, upgrades along (compared at the end).
    let mut twin = chain.twin();
    let before = chain.app.store().app_hash();
    let err = chain.try_block(vec![]).unwrap_err();
    let line =
        format!("UPGRADE \"{NAME}\" NEEDED at height: {height}: https://example.com/agorad-v2");
    assert!(err.msg.starts_with(&line), "{}", err.msg);
    assert_eq!(chain.app.upgrade_needed().unwrap().plan.height, height);
    assert_eq!(
        (chain.height(), chain.app.store().app_hash()),
        (height - 1, before)
    );
    let info: serde_json::Value = serde_json::from_slice(
        &std::fs::read(chain.dir.path().join(agora_upgrade::UPGRADE_INFO_FILE)).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (info["name"].as_str(), info["height"].as_u64()),
        (Some(NAME), Some(height))
    );

    // Restarted with the same binary, it halts again at the same height.
    chain.restart(AppConfig::default());
    assert!(chain.try_block(vec![]).unwrap_err().msg.starts_with(&line));

    // The binary with the handler runs it and goes on.
    chain.restart(with_handler());
    chain.block(vec![]);
    chain.block(vec![]);
    assert_eq!(applied(&mut chain, NAME), height as i64);
    assert_eq!(plan(&mut chain), None);
    let versions = versions(&mut chain);
    assert!(versions
        .iter()
        .any(|v| v.name == "upgrade" && v.version == 1));
    assert!(versions.iter().any(|v| v.name == "gov"));
    twin.restart(with_handler());
    twin.block(vec![]);
    twin.block(vec![]);
    assert_eq!(twin.app.store().app_hash(), chain.app.store().app_hash());

    // The old binary refuses to run a chain that applied an upgrade it does not know.
    chain.restart(AppConfig::default());
    let err = chain.try_block(vec![]).unwrap_err();
    assert!(
        err.msg.contains("no handler for the upgrade \"v2\""),
        "{}",
        err.msg
    );
}

#[test]
fn an_operator_skips_the_upgrade_at_its_height() {
    let (mut chain, height) = scheduled();
    chain.restart(AppConfig {
        upgrades: Upgrades::default().skipping([height]),
        ..AppConfig::default()
    });
    run_until(&mut chain, height + 2);
    assert_eq!(plan(&mut chain), None);
    assert_eq!(applied(&mut chain, NAME), 0);
}

#[test]
fn a_binary_with_the_handler_before_the_height_refuses_to_run() {
    let (mut chain, height) = scheduled();
    chain.restart(with_handler());
    let err = chain.try_block(vec![]).unwrap_err();
    assert!(
        err.msg
            .contains("BINARY UPDATED BEFORE TRIGGER! UPGRADE \"v2\""),
        "{}",
        err.msg
    );
    assert!(chain.height() < height);
}

#[test]
fn a_cancelled_plan_does_not_halt() {
    let (mut chain, height) = scheduled();
    let cancel = any(&pb::MsgCancelUpgrade {
        authority: gov_authority().to_string(),
    });
    // the plan is due 10 blocks after the first vote ends, before a second regular vote
    // would end: this one is expedited (4 blocks)
    let id = submitted(&mut chain, vec![cancel], 50 * AGR, true);
    let voter = chain.keys[0].address.clone();
    ok(&mut chain, 0, vec![vote(&voter, id, gpb::VoteOption::Yes)]);
    wait(&mut chain, EXPEDITED_S);
    assert_eq!(status(&mut chain, id), ProposalStatus::Passed);
    assert_eq!(plan(&mut chain), None);
    run_until(&mut chain, height + 2);
}

#[test]
fn bad_plans_fail_as_the_sdks() {
    let (mut chain, _, _) = chain();
    let proposer = chain.keys[2].address.clone();
    // An empty name or a zero height is refused at submission.
    for (bad, why) in [
        (software_upgrade("", 100), "name cannot be empty"),
        (software_upgrade(NAME, 0), "height must be greater than 0"),
    ] {
        let log = refused(
            &mut chain,
            2,
            vec![submit(&proposer, vec![bad], 10 * AGR, false)],
            "gov",
            12,
        );
        assert!(log.contains(why), "{log}");
    }
    // Only the gov account may sign it: a user's own MsgSoftwareUpgrade names another signer.
    let own = any(&pb::MsgSoftwareUpgrade {
        authority: proposer.to_string(),
        plan: Some(pb::Plan {
            name: NAME.into(),
            height: 100,
            ..Default::default()
        }),
    });
    let log = refused(
        &mut chain,
        2,
        vec![submit(&proposer, vec![own.clone()], 10 * AGR, false)],
        "gov",
        13,
    );
    assert!(log.contains("expected gov account as only signer"), "{log}");
    let res = chain.tx(2, vec![own]);
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("upgrade", 6),
        "{}",
        res.log
    );

    // A plan already in the past when the proposal passes fails the proposal.
    let past = chain.height() + 3;
    let (_, p) = decided(&mut chain, vec![software_upgrade(NAME, past)]);
    assert_eq!(p.status, ProposalStatus::Failed as i32);
    assert!(
        p.failed_reason
            .contains("upgrade cannot be scheduled in the past"),
        "{}",
        p.failed_reason
    );
    assert_eq!(plan(&mut chain), None);

    // Unknown modules have no version.
    let res = chain
        .app
        .query(tendermint_proto::v0_38::abci::RequestQuery {
            path: "/cosmos.upgrade.v1beta1.Query/ModuleVersions".into(),
            data: prost::Message::encode_to_vec(&pb::QueryModuleVersionsRequest {
                module_name: "nope".into(),
            })
            .into(),
            ..Default::default()
        });
    assert_eq!(
        (res.codespace.as_str(), res.code),
        ("upgrade", 2),
        "{}",
        res.log
    );
}

#[test]
fn a_completed_upgrade_name_cannot_be_scheduled_again() {
    let (mut chain, height) = scheduled();
    chain.restart(AppConfig::default());
    run_until(&mut chain, height);
    chain.restart(with_handler());
    chain.block(vec![]);
    let again = chain.height() + 2 + VOTING_S + 5;
    let (_, p) = decided(&mut chain, vec![software_upgrade(NAME, again)]);
    assert_eq!(p.status, ProposalStatus::Failed as i32);
    assert!(
        p.failed_reason
            .contains("upgrade with name v2 has already been completed"),
        "{}",
        p.failed_reason
    );
    let auth: pb::QueryAuthorityResponse = chain.query_as(
        "/cosmos.upgrade.v1beta1.Query/Authority",
        pb::QueryAuthorityRequest {},
    );
    assert_eq!(auth.address, gov_authority().to_string());
}

#[test]
fn an_upgrade_proposal_signed_in_amino_json_is_accepted() {
    use agora_app::testing::{Signer, TxSpec};
    use agora_proto::cosmos::tx::signing::v1beta1::SignMode;
    let (mut chain, _, _) = chain();
    let keys = chain.keys.clone();
    let proposer = keys[2].address.clone();
    let (account_number, sequence) = chain.account(&proposer);
    let msg = submit(
        &proposer,
        vec![software_upgrade(NAME, 1_000)],
        10 * AGR,
        false,
    );
    let mut spec = TxSpec::new(
        common::CHAIN_ID,
        vec![msg],
        Signer {
            key: &keys[2],
            account_number,
            sequence,
        },
    );
    spec.fee = vec![("uagr", common::tx::FEE)];
    spec.gas_limit = 400_000;
    let res = chain.deliver(spec.sign_with(SignMode::LegacyAminoJson));
    assert_eq!(res.code, 0, "{}", res.log);
}

/// Random plans (some already in the past when they pass, some at the height their vote
/// ends) and cancels, proposed and voted on through expedited proposals, on two stores whose
/// nodes skip every upgrade height: each block both reach the same app hash, at most one
/// plan is pending and it is never below the last block, no plan is ever applied, and
/// passed proposals fail only for a plan in the past.
#[test]
fn random_plans_and_cancels_on_two_stores_keep_the_upgrade_invariants() {
    use rand::{rngs::StdRng, Rng, SeedableRng};
    const BLOCKS: u64 = 150;
    let skip_all = || AppConfig {
        upgrades: Upgrades::default().skipping(1..=BLOCKS + 100),
        ..AppConfig::default()
    };
    let mut rng = StdRng::seed_from_u64(0x0967);
    let (mut a, _, _) = chain();
    let mut b = a.twin();
    a.restart(skip_all());
    b.restart(skip_all());
    let proposer = a.keys[2].address.clone();
    let voter = a.keys[0].address.clone();
    let mut names = Vec::new();
    let (mut failed, mut passed) = (0, 0);
    for round in 0..BLOCKS {
        let mut txs = Vec::new();
        if round % 3 == 0 {
            let msg = if rng.gen_ratio(1, 4) {
                any(&pb::MsgCancelUpgrade {
                    authority: gov_authority().to_string(),
                })
            } else {
                let name = format!("v{round}");
                names.push(name.clone());
                let at = a.height() + rng.gen_range(1..12);
                software_upgrade(&name, at)
            };
            txs.push(a.signed(2, vec![submit(&proposer, vec![msg], 50 * AGR, true)]));
        }
        let last = last_proposal(&mut a);
        if let Some(id) = last.filter(|_| round % 3 == 1) {
            txs.push(a.signed(0, vec![vote(&voter, id, gpb::VoteOption::Yes)]));
        }
        let ra = a.block(txs.clone());
        let rb = b.block(txs);
        assert_eq!(ra.app_hash, rb.app_hash, "block {}", a.height());
        assert!(
            ra.tx_results.iter().all(|r| r.code == 0),
            "{:?}",
            ra.tx_results
        );
        if let Some(plan) = plan(&mut a) {
            assert!(
                plan.height as u64 >= a.height(),
                "{plan:?} at {}",
                a.height()
            );
        }
    }
    for name in &names {
        assert_eq!(applied(&mut a, name), 0);
    }
    let all: gpb::QueryProposalsResponse = a.query_as(
        "/cosmos.gov.v1.Query/Proposals",
        gpb::QueryProposalsRequest::default(),
    );
    for p in &all.proposals {
        match ProposalStatus::try_from(p.status).unwrap() {
            ProposalStatus::Failed => {
                failed += 1;
                assert!(
                    p.failed_reason.contains("in the past"),
                    "{}",
                    p.failed_reason
                );
            }
            ProposalStatus::Passed => passed += 1,
            _ => {}
        }
    }
    eprintln!("{BLOCKS} blocks: {passed} proposals passed, {failed} failed");
    assert!(
        passed > 10 && failed > 2,
        "passed {passed}, failed {failed}"
    );
}

/// The id of the last proposal, if any.
fn last_proposal(chain: &mut Chain) -> Option<u64> {
    let all: gpb::QueryProposalsResponse = chain.query_as(
        "/cosmos.gov.v1.Query/Proposals",
        gpb::QueryProposalsRequest {
            pagination: Some(agora_proto::cosmos::base::query::v1beta1::PageRequest {
                reverse: true,
                limit: 1,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    all.proposals.first().map(|p| p.id)
}
