// SIGN_MODE_LEGACY_AMINO_JSON through an unmodified cosmjs client, as Keplr and Ledger sign:
// `Secp256k1HdWallet` from @cosmjs/amino is an amino-only signer, so SigningStargateClient
// signs every tx over the amino JSON sign doc. From the faucet's mnemonic: sendTokens to a
// recipient, delegateTokens to the bonded validator, wait for rewards, withdrawRewards.
// Prints a JSON summary on stdout; exits non-zero on any failure. Run by tests/cosmjs.rs:
//
//   node tests/cosmjs/amino.mjs <rpc-url> <mnemonic-file> <recipient> <amount-uagr> <delegate-uagr>

import { readFileSync } from "node:fs";
import { check, sleep, txSummary, withTimeout } from "./common.mjs";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import {
  QueryClient,
  SigningStargateClient,
  setupDistributionExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";

const DENOM = "uagr";
const PREFIX = "agora";
/** A fixed fee: 500k gas at 0.025uagr. */
const FEE = { amount: [{ denom: DENOM, amount: "12500" }], gas: "500000" };

async function main() {
  const [rpcArg, mnemonicFile, recipient, amountArg, delegateArg, ...rest] = process.argv.slice(2);
  if (!rpcArg || !mnemonicFile || !recipient || !amountArg || !delegateArg || rest.length > 0) {
    throw new Error("usage: amino.mjs <rpc-url> <mnemonic-file> <recipient> <amount-uagr> <delegate-uagr>");
  }
  const rpc = rpcArg.replace(/^tcp:\/\//, "http://");
  const mnemonic = readFileSync(mnemonicFile, "utf8").trim();
  const wallet = await Secp256k1HdWallet.fromMnemonic(mnemonic, { prefix: PREFIX });
  check(!("signDirect" in wallet), "Secp256k1HdWallet must be an amino-only signer");
  const [{ address: sender }] = await wallet.getAccounts();
  const client = await withTimeout(
    SigningStargateClient.connectWithSigner(rpc, wallet, {
      broadcastPollIntervalMs: 200,
      broadcastTimeoutMs: 30_000,
    }),
    30_000,
    "connectWithSigner",
  );
  try {
    const sent = await client.sendTokens(
      sender,
      recipient,
      [{ denom: DENOM, amount: amountArg }],
      FEE,
      "amino & <json>",
    );
    const sendTx = txSummary(sent, "sendTokens");
    const received = (await client.getBalance(recipient, DENOM)).amount;

    const { validators } = await client.getQueryClient().staking.validators("BOND_STATUS_BONDED");
    check(validators.length === 1, `${validators.length} bonded validators`);
    const valoper = validators[0].operatorAddress;
    const delegated = await client.delegateTokens(
      sender,
      valoper,
      { denom: DENOM, amount: delegateArg },
      FEE,
    );
    const delegateTx = txSummary(delegated, "delegateTokens");

    // the localnet's mint inflates every block: wait until the delegation has earned
    const distribution = QueryClient.withExtensions(
      await Comet38Client.connect(rpc),
      setupDistributionExtension,
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      check(Date.now() < deadline, "no rewards within 30 s");
      const { rewards } = await distribution.distribution.delegationRewards(sender, valoper);
      if (rewards.some((c) => c.denom === DENOM && BigInt(c.amount) >= 10n ** 18n)) break;
      await sleep(250);
    }
    const withdrawal = await client.withdrawRewards(sender, valoper, FEE);
    const withdrawTx = txSummary(withdrawal, "withdrawRewards");

    console.log(
      JSON.stringify({ sender, recipient, received, validator: valoper, sendTx, delegateTx, withdrawTx }),
    );
  } finally {
    client.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  },
);
