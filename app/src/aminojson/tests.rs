//! Known answers. The cosmjs strings are the output of `node tests/cosmjs/amino_vectors.mjs`
//! (cosmjs 0.39.0: `@cosmjs/stargate` AminoTypes + `@cosmjs/amino` `serializeSignDoc`, what
//! Keplr and Ledger sign); the SDK strings are copied from the Cosmos SDK v0.50.9 tests named
//! beside them.

use agora_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::crypto::ed25519;
use agora_proto::cosmos::distribution::v1beta1::MsgWithdrawDelegatorReward;
use agora_proto::cosmos::staking::v1beta1::{
    CommissionRates, Description, MsgCreateValidator, MsgDelegate, MsgEditValidator,
};
use agora_proto::cosmos::tx::v1beta1::{Fee, TxBody};
use agora_proto::Any;
use base64::Engine as _;

use super::{encoder, sign_bytes, SignerData};

const ACC1: &str = "agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh";
const ACC2: &str = "agora1qgpqyqszqgpqyqszqgpqyqszqgpqyqszxvascp";
const ACC3: &str = "agora1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr8uu3jq";
const VAL3: &str = "agoravaloper1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr5ry9w8";

fn coin(amount: &str, denom: &str) -> Coin {
    Coin {
        denom: denom.into(),
        amount: amount.into(),
    }
}

/// The sign doc of amino_vectors.mjs: chain agora-test-1, account 7, sequence 3, 5000uagr for
/// 200,000 gas, memo "memo & more".
fn doc(msg: Any) -> String {
    let body = TxBody {
        messages: vec![msg],
        memo: "memo & more".into(),
        ..Default::default()
    };
    let fee = Fee {
        amount: vec![coin("5000", "uagr")],
        gas_limit: 200_000,
        ..Default::default()
    };
    let signer = SignerData {
        chain_id: "agora-test-1",
        account_number: 7,
        sequence: 3,
    };
    String::from_utf8(sign_bytes(&body, &fee, &signer).unwrap()).unwrap()
}

fn any<M: prost::Name>(msg: &M) -> Any {
    Any::from_msg(msg).unwrap()
}

/// One message as the encoder writes it inside an `Any`.
fn msg_json(msg: Any) -> String {
    let mut out = String::new();
    encoder::write_any(&mut out, &msg.type_url, &msg.value).unwrap();
    out
}

#[test]
fn msg_send_matches_cosmjs() {
    let msg = MsgSend {
        from_address: ACC1.into(),
        to_address: ACC2.into(),
        amount: vec![coin("1000", "uagr")],
    };
    // cosmjs (amino_vectors.mjs: send)
    assert_eq!(doc(any(&msg)), SEND);
}

#[test]
fn msg_delegate_matches_cosmjs() {
    let msg = MsgDelegate {
        delegator_address: ACC1.into(),
        validator_address: VAL3.into(),
        amount: Some(coin("250", "uagr")),
    };
    // cosmjs (amino_vectors.mjs: delegate)
    assert_eq!(doc(any(&msg)), DELEGATE);
}

#[test]
#[allow(deprecated)] // delegator_address, which cosmjs writes even when empty
fn msg_create_validator_matches_cosmjs() {
    let key = base64::engine::general_purpose::STANDARD
        .decode("Ds8eZIZUHZn3c9YKqHm0tzyMQ4n3FHl1MNwIufmeRBs=")
        .unwrap();
    let msg = MsgCreateValidator {
        description: Some(Description {
            moniker: "val <one>".into(),
            identity: "id".into(),
            website: "https://example.com".into(),
            security_contact: "sec@example.com".into(),
            details: "d".into(),
        }),
        // LegacyDec's wire form: 0.1, 0.2, 0.01
        commission: Some(CommissionRates {
            rate: "100000000000000000".into(),
            max_rate: "200000000000000000".into(),
            max_change_rate: "10000000000000000".into(),
        }),
        min_self_delegation: "1".into(),
        delegator_address: ACC3.into(),
        validator_address: VAL3.into(),
        pubkey: Some(any(&ed25519::PubKey { key })),
        value: Some(coin("1000000", "uagr")),
    };
    // cosmjs (amino_vectors.mjs: create_validator): the pubkey under its amino name with the
    // key_field encoding, the rates as decimals
    assert_eq!(doc(any(&msg)), CREATE_VALIDATOR);
}

#[test]
fn msg_withdraw_delegator_reward_matches_cosmjs() {
    let msg = MsgWithdrawDelegatorReward {
        delegator_address: ACC1.into(),
        validator_address: VAL3.into(),
    };
    // cosmjs (amino_vectors.mjs: withdraw_reward): amino.name differs from the proto name
    assert_eq!(doc(any(&msg)), WITHDRAW_REWARD);
}

#[test]
fn msg_edit_validator_with_unset_rate_and_minimum_matches_cosmjs() {
    let msg = MsgEditValidator {
        description: Some(Description {
            moniker: "[do-not-modify]".into(),
            identity: "[do-not-modify]".into(),
            website: "w".into(),
            security_contact: "[do-not-modify]".into(),
            details: "[do-not-modify]".into(),
        }),
        validator_address: VAL3.into(),
        commission_rate: String::new(),
        min_self_delegation: String::new(),
    };
    // cosmjs (amino_vectors.mjs: edit_validator): the nil rate and minimum are left out
    assert_eq!(doc(any(&msg)), EDIT_VALIDATOR);
    let with_rate = MsgEditValidator {
        commission_rate: "110000000000000000".into(),
        min_self_delegation: "5".into(),
        ..msg
    };
    let json = doc(any(&with_rate));
    assert!(
        json.contains(r#""commission_rate":"0.110000000000000000","description":"#)
            && json.contains(r#""min_self_delegation":"5","validator_address""#),
        "{json}"
    );
}

#[test]
fn gov_v1beta1_msgs_match_cosmjs() {
    use agora_proto::cosmos::gov::v1beta1 as gov;
    let text = gov::TextProposal {
        title: "Signal".into(),
        description: "Say <yes>".into(),
    };
    let submit = gov::MsgSubmitProposal {
        content: Some(any(&text)),
        initial_deposit: vec![coin("10000000", "uagr")],
        proposer: ACC1.into(),
    };
    // the content Any under TextProposal's amino name
    assert_eq!(doc(any(&submit)), GOV_SUBMIT_TEXT);
    let deposit = gov::MsgDeposit {
        proposal_id: 4,
        depositor: ACC2.into(),
        amount: vec![coin("500", "uagr")],
    };
    assert_eq!(doc(any(&deposit)), GOV_DEPOSIT);
    let vote = gov::MsgVote {
        proposal_id: 4,
        voter: ACC1.into(),
        option: gov::VoteOption::No as i32,
    };
    // the option as its number, the id as a string
    assert_eq!(doc(any(&vote)), GOV_VOTE);
    let weighted = gov::MsgVoteWeighted {
        proposal_id: 4,
        voter: ACC1.into(),
        options: vec![
            gov::WeightedVoteOption {
                option: gov::VoteOption::Yes as i32,
                weight: "600000000000000000".into(),
            },
            gov::WeightedVoteOption {
                option: gov::VoteOption::Abstain as i32,
                weight: "400000000000000000".into(),
            },
        ],
    };
    // the weights as decimals
    assert_eq!(doc(any(&weighted)), GOV_VOTE_WEIGHTED);
}

#[test]
fn a_software_upgrade_proposal_has_the_sdks_amino_json() {
    use agora_proto::cosmos::gov::v1 as gov;
    use agora_proto::cosmos::upgrade::v1beta1 as upgrade;
    let plan = agora_upgrade::Plan {
        name: "v2".into(),
        height: 100,
        info: "https://example.com".into(),
    };
    let upgrade = upgrade::MsgSoftwareUpgrade {
        authority: ACC2.into(),
        plan: Some(plan.to_proto()),
    };
    let submit = gov::MsgSubmitProposal {
        messages: vec![any(&upgrade)],
        initial_deposit: vec![coin("10000000", "uagr")],
        proposer: ACC1.into(),
        metadata: String::new(),
        title: "Upgrade".into(),
        summary: "To v2".into(),
        expedited: false,
    };
    // By the SDK's x/tx rules (cosmjs has no converter for gov v1): nested Msgs under their
    // amino names, the plan's non-nullable time as Go's zero time (dont_omitempty), the
    // height as a string, false and empty fields left out.
    assert_eq!(msg_json(any(&submit)), UPGRADE_PROPOSAL);
}

#[test]
fn bank_msgs_match_the_sdk_tests() {
    // cosmos-sdk v0.50.9 x/bank/types/msgs_test.go TestMsgSendGetSignBytes
    let send = MsgSend {
        from_address: "cosmos1d9h8qat57ljhcm".into(),
        to_address: "cosmos1da6hgur4wsmpnjyg".into(),
        amount: vec![coin("10", "atom")],
    };
    assert_eq!(
        msg_json(any(&send)),
        r#"{"type":"cosmos-sdk/MsgSend","value":{"amount":[{"amount":"10","denom":"atom"}],"from_address":"cosmos1d9h8qat57ljhcm","to_address":"cosmos1da6hgur4wsmpnjyg"}}"#
    );
    // x/gov/types/v1/msgs_test.go: an empty legacy_coins list is [] (dont_omitempty)
    let empty = MsgSend {
        amount: vec![],
        ..send
    };
    assert!(msg_json(any(&empty)).contains(r#"{"amount":[],"from_address""#));
    // x/bank/types/msgs_test.go TestMsgMultiSendGetSignBytes
    let multi = MsgMultiSend {
        inputs: vec![Input {
            address: "cosmos1d9h8qat57ljhcm".into(),
            coins: vec![coin("10", "atom")],
        }],
        outputs: vec![Output {
            address: "cosmos1da6hgur4wsmpnjyg".into(),
            coins: vec![coin("10", "atom")],
        }],
    };
    assert_eq!(
        msg_json(any(&multi)),
        r#"{"type":"cosmos-sdk/MsgMultiSend","value":{"inputs":[{"address":"cosmos1d9h8qat57ljhcm","coins":[{"amount":"10","denom":"atom"}]}],"outputs":[{"address":"cosmos1da6hgur4wsmpnjyg","coins":[{"amount":"10","denom":"atom"}]}]}}"#
    );
}

#[test]
fn sign_doc_fields_match_the_sdk_tests() {
    // cosmos-sdk v0.50.9 x/auth/migrations/legacytx/stdtx_test.go TestStdSignBytes, with
    // the bank MsgSend above for its test message
    let msg = any(&MsgSend {
        from_address: "cosmos1d9h8qat57ljhcm".into(),
        to_address: "cosmos1da6hgur4wsmpnjyg".into(),
        amount: vec![coin("10", "atom")],
    });
    let msg_str = msg_json(msg.clone());
    let signer = SignerData {
        chain_id: "1234",
        account_number: 3,
        sequence: 6,
    };
    let body = |timeout_height| TxBody {
        messages: vec![msg.clone()],
        memo: "memo".into(),
        timeout_height,
        ..Default::default()
    };
    let fee = |payer: &str, granter: &str| Fee {
        amount: vec![coin("150", "atom")],
        gas_limit: 100_000,
        payer: payer.into(),
        granter: granter.into(),
    };
    let bytes =
        |b: &TxBody, f: &Fee| String::from_utf8(sign_bytes(b, f, &signer).unwrap()).unwrap();
    assert_eq!(
        bytes(&body(10), &fee("", "")),
        format!(
            r#"{{"account_number":"3","chain_id":"1234","fee":{{"amount":[{{"amount":"150","denom":"atom"}}],"gas":"100000"}},"memo":"memo","msgs":[{msg_str}],"sequence":"6","timeout_height":"10"}}"#
        )
    );
    assert_eq!(
        bytes(&body(0), &Fee::default()),
        format!(
            r#"{{"account_number":"3","chain_id":"1234","fee":{{"amount":[],"gas":"0"}},"memo":"memo","msgs":[{msg_str}],"sequence":"6"}}"#
        )
    );
    assert_eq!(
        bytes(&body(0), &fee("payer1", "granter1")),
        format!(
            r#"{{"account_number":"3","chain_id":"1234","fee":{{"amount":[{{"amount":"150","denom":"atom"}}],"gas":"100000","granter":"granter1","payer":"payer1"}},"memo":"memo","msgs":[{msg_str}],"sequence":"6"}}"#
        )
    );
}

#[test]
fn what_the_encoder_refuses() {
    let send = any(&MsgSend::default());
    // a type URL the descriptors do not know
    let unknown = Any {
        type_url: "/cosmos.gov.v1.MsgNope".into(),
        value: vec![],
    };
    let body = TxBody {
        messages: vec![unknown],
        ..Default::default()
    };
    let signer = SignerData {
        chain_id: "c",
        account_number: 0,
        sequence: 0,
    };
    let err = sign_bytes(&body, &Fee::default(), &signer).unwrap_err();
    assert!(err.to_string().contains("can't resolve type URL"), "{err}");
    // extension options
    let body = TxBody {
        messages: vec![send.clone()],
        non_critical_extension_options: vec![send.clone()],
        ..Default::default()
    };
    let err = sign_bytes(&body, &Fee::default(), &signer).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not support protobuf extension options"),
        "{err}"
    );
    // a dont_omitempty message field absent from the wire (MsgDelegate.amount)
    let delegate = any(&MsgDelegate {
        delegator_address: ACC1.into(),
        validator_address: VAL3.into(),
        amount: None,
    });
    let mut out = String::new();
    let err = encoder::write_any(&mut out, &delegate.type_url, &delegate.value).unwrap_err();
    assert!(
        err.to_string().contains("dont_omit_empty=true on invalid"),
        "{err}"
    );
}

#[test]
fn a_message_without_an_amino_name_is_typed_by_its_url() {
    // x/tx's getMessageAminoNameAny: an Any whose message has no amino.name is named by its
    // type URL; the key_field encoding writes the bare key
    let key = any(&agora_proto::cosmos::crypto::secp256k1::PubKey { key: vec![2; 33] });
    assert_eq!(
        msg_json(key),
        format!(
            r#"{{"type":"tendermint/PubKeySecp256k1","value":"{}"}}"#,
            base64::engine::general_purpose::STANDARD.encode([2; 33])
        )
    );
    let params = any(&agora_proto::cosmos::base::v1beta1::DecCoin {
        denom: "uagr".into(),
        amount: "1".into(),
    });
    assert_eq!(
        msg_json(params),
        r#"{"type":"/cosmos.base.v1beta1.DecCoin","value":{"amount":"0.000000000000000001","denom":"uagr"}}"#
    );
}

const SEND: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgSend","value":{"amount":[{"amount":"1000","denom":"uagr"}],"from_address":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh","to_address":"agora1qgpqyqszqgpqyqszqgpqyqszqgpqyqszxvascp"}}],"sequence":"3"}"#;

const DELEGATE: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgDelegate","value":{"amount":{"amount":"250","denom":"uagr"},"delegator_address":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh","validator_address":"agoravaloper1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr5ry9w8"}}],"sequence":"3"}"#;

const CREATE_VALIDATOR: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgCreateValidator","value":{"commission":{"max_change_rate":"0.010000000000000000","max_rate":"0.200000000000000000","rate":"0.100000000000000000"},"delegator_address":"agora1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr8uu3jq","description":{"details":"d","identity":"id","moniker":"val \u003cone\u003e","security_contact":"sec@example.com","website":"https://example.com"},"min_self_delegation":"1","pubkey":{"type":"tendermint/PubKeyEd25519","value":"Ds8eZIZUHZn3c9YKqHm0tzyMQ4n3FHl1MNwIufmeRBs="},"validator_address":"agoravaloper1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr5ry9w8","value":{"amount":"1000000","denom":"uagr"}}}],"sequence":"3"}"#;

const WITHDRAW_REWARD: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgWithdrawDelegationReward","value":{"delegator_address":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh","validator_address":"agoravaloper1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr5ry9w8"}}],"sequence":"3"}"#;

const EDIT_VALIDATOR: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgEditValidator","value":{"description":{"details":"[do-not-modify]","identity":"[do-not-modify]","moniker":"[do-not-modify]","security_contact":"[do-not-modify]","website":"w"},"validator_address":"agoravaloper1qvpsxqcrqvpsxqcrqvpsxqcrqvpsxqcr5ry9w8"}}],"sequence":"3"}"#;

/// cosmjs (amino_vectors.mjs: gov_submit_text)
const GOV_SUBMIT_TEXT: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgSubmitProposal","value":{"content":{"type":"cosmos-sdk/TextProposal","value":{"description":"Say \u003cyes\u003e","title":"Signal"}},"initial_deposit":[{"amount":"10000000","denom":"uagr"}],"proposer":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh"}}],"sequence":"3"}"#;

/// cosmjs (amino_vectors.mjs: gov_deposit)
const GOV_DEPOSIT: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgDeposit","value":{"amount":[{"amount":"500","denom":"uagr"}],"depositor":"agora1qgpqyqszqgpqyqszqgpqyqszqgpqyqszxvascp","proposal_id":"4"}}],"sequence":"3"}"#;

/// cosmjs (amino_vectors.mjs: gov_vote)
const GOV_VOTE: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgVote","value":{"option":3,"proposal_id":"4","voter":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh"}}],"sequence":"3"}"#;

/// cosmjs (amino_vectors.mjs: gov_vote_weighted)
const GOV_VOTE_WEIGHTED: &str = r#"{"account_number":"7","chain_id":"agora-test-1","fee":{"amount":[{"amount":"5000","denom":"uagr"}],"gas":"200000"},"memo":"memo \u0026 more","msgs":[{"type":"cosmos-sdk/MsgVoteWeighted","value":{"options":[{"option":1,"weight":"0.600000000000000000"},{"option":2,"weight":"0.400000000000000000"}],"proposal_id":"4","voter":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh"}}],"sequence":"3"}"#;

/// x/tx's amino JSON of a gov v1 proposal carrying a MsgSoftwareUpgrade.
const UPGRADE_PROPOSAL: &str = r#"{"type":"cosmos-sdk/v1/MsgSubmitProposal","value":{"initial_deposit":[{"amount":"10000000","denom":"uagr"}],"messages":[{"type":"cosmos-sdk/MsgSoftwareUpgrade","value":{"authority":"agora1qgpqyqszqgpqyqszqgpqyqszqgpqyqszxvascp","plan":{"height":"100","info":"https://example.com","name":"v2","time":"0001-01-01T00:00:00Z"}}}],"proposer":"agora1qyqszqgpqyqszqgpqyqszqgpqyqszqgphgm4nh","summary":"To v2","title":"Upgrade"}}"#;
