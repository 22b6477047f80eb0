// Prints the SIGN_MODE_LEGACY_AMINO_JSON sign docs cosmjs builds for a few messages: the
// expected strings of app/src/aminojson/tests.rs came from running this (cosmjs 0.39.0:
// @cosmjs/stargate's AminoTypes turn the protobuf messages into amino JSON and
// @cosmjs/amino's serializeSignDoc sorts and escapes it, as Keplr and Ledger sign it).
//
//   node tests/cosmjs/amino_vectors.mjs

import { makeSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { toBech32 } from "@cosmjs/encoding";
import { encodePubkey } from "@cosmjs/proto-signing";
import { AminoTypes, createDefaultAminoConverters } from "@cosmjs/stargate";
import { TextProposal } from "cosmjs-types/cosmos/gov/v1beta1/gov";

const types = new AminoTypes(createDefaultAminoConverters());
const addr = (byte, prefix = "agora") => toBech32(prefix, new Uint8Array(20).fill(byte));
const fee = { amount: [{ denom: "uagr", amount: "5000" }], gas: "200000" };
const consKey = encodePubkey({
  type: "tendermint/PubKeyEd25519",
  value: "Ds8eZIZUHZn3c9YKqHm0tzyMQ4n3FHl1MNwIufmeRBs=",
});

const cases = {
  send: {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: addr(1), toAddress: addr(2), amount: [{ denom: "uagr", amount: "1000" }] },
  },
  delegate: {
    typeUrl: "/cosmos.staking.v1beta1.MsgDelegate",
    value: { delegatorAddress: addr(1), validatorAddress: addr(3, "agoravaloper"), amount: { denom: "uagr", amount: "250" } },
  },
  create_validator: {
    typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator",
    value: {
      // every field set: cosmjs writes empty strings where the SDK leaves empty fields out
      description: { moniker: "val <one>", identity: "id", website: "https://example.com", securityContact: "sec@example.com", details: "d" },
      commission: { rate: "100000000000000000", maxRate: "200000000000000000", maxChangeRate: "10000000000000000" },
      minSelfDelegation: "1",
      delegatorAddress: addr(3),
      validatorAddress: addr(3, "agoravaloper"),
      pubkey: consKey,
      value: { denom: "uagr", amount: "1000000" },
    },
  },
  withdraw_reward: {
    typeUrl: "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward",
    value: { delegatorAddress: addr(1), validatorAddress: addr(3, "agoravaloper") },
  },
  edit_validator: {
    typeUrl: "/cosmos.staking.v1beta1.MsgEditValidator",
    value: {
      description: { moniker: "[do-not-modify]", identity: "[do-not-modify]", website: "w", securityContact: "[do-not-modify]", details: "[do-not-modify]" },
      validatorAddress: addr(3, "agoravaloper"),
      commissionRate: "",
      minSelfDelegation: "",
    },
  },
  gov_submit_text: {
    typeUrl: "/cosmos.gov.v1beta1.MsgSubmitProposal",
    value: {
      content: { typeUrl: "/cosmos.gov.v1beta1.TextProposal", value: TextProposal.encode({ title: "Signal", description: "Say <yes>" }).finish() },
      initialDeposit: [{ denom: "uagr", amount: "10000000" }],
      proposer: addr(1),
    },
  },
  gov_deposit: {
    typeUrl: "/cosmos.gov.v1beta1.MsgDeposit",
    value: { proposalId: 4n, depositor: addr(2), amount: [{ denom: "uagr", amount: "500" }] },
  },
  gov_vote: {
    typeUrl: "/cosmos.gov.v1beta1.MsgVote",
    value: { proposalId: 4n, voter: addr(1), option: 3 },
  },
  gov_vote_weighted: {
    typeUrl: "/cosmos.gov.v1beta1.MsgVoteWeighted",
    value: {
      proposalId: 4n,
      voter: addr(1),
      // LegacyDec's wire form: 0.6 and 0.4
      options: [{ option: 1, weight: "600000000000000000" }, { option: 2, weight: "400000000000000000" }],
    },
  },
};

for (const [name, msg] of Object.entries(cases)) {
  const doc = makeSignDoc([types.toAmino(msg)], fee, "agora-test-1", "memo & more", 7, 3);
  console.log(`${name}: ${new TextDecoder().decode(serializeSignDoc(doc))}`);
}
