// Staking and distribution through an unmodified cosmjs client against a running agorad: read
// the bonded validator, delegateTokens to it from the faucet's mnemonic, read the delegation
// back, wait for rewards (the localnet's mint inflates every block), withdrawRewards (the
// balance rises by the withdraw_rewards event's amount minus the fee, and the rewards read 0
// at that height), undelegateTokens part of it and read the unbonding delegation. Every query
// records the height it was answered at. Prints a JSON summary on stdout; exits non-zero on
// any failure. Run by tests/cosmjs.rs:
//
//   node tests/cosmjs/staking.mjs <rpc-url> <mnemonic-file> <delegate-uagr> <undelegate-uagr>

import { readFileSync } from "node:fs";
import { check, sleep, txSummary, withTimeout } from "./common.mjs";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import {
  QueryClient,
  SigningStargateClient,
  setupDistributionExtension,
  setupStakingExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";

const DENOM = "uagr";
const PREFIX = "agora";
/** A fixed fee, so that the balances can be checked exactly: 500k gas at 0.025uagr. */
const FEE = { amount: [{ denom: DENOM, amount: "12500" }], gas: "500000" };
const FEE_AMOUNT = 12500n;
/** LegacyDec fields travel as integers scaled by 10^18. */
const DEC = 10n ** 18n;

/**
 * cosmjs's staking and distribution extensions over `comet`, answered at `height` (latest if
 * undefined); `seen.height` is the height the last answer came from.
 */
function queries(comet, height) {
  const seen = { height: 0 };
  const recorder = {
    abciQuery: async (params) => {
      const response = await comet.abciQuery({ ...params, height: params.height ?? height });
      seen.height = response.height;
      return response;
    },
  };
  const q = QueryClient.withExtensions(recorder, setupStakingExtension, setupDistributionExtension);
  return { q, seen };
}

/** The uagr of a DecCoin list, in atomics (10^-18 uagr). */
function decUagr(coins) {
  check(coins.every((c) => c.denom === DENOM), `unexpected denoms in ${JSON.stringify(coins)}`);
  return coins.reduce((sum, c) => sum + BigInt(c.amount), 0n);
}

/** A delegation's rewards through `chain` (from `queries`), in uagr atomics. */
async function rewardsOf(chain, delegator, validator) {
  return decUagr((await chain.q.distribution.delegationRewards(delegator, validator)).rewards);
}

/** Polls the rewards until positive at a height above `after`. */
async function positiveRewards(chain, delegator, validator, after) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    check(Date.now() < deadline, `no rewards above height ${after} within 30 s`);
    const atomics = await rewardsOf(chain, delegator, validator);
    const { seen } = chain;
    if (atomics > 0n && seen.height > after) return { atomics, height: seen.height };
    await sleep(250);
  }
}

/** The uagr summed over the `amount` attributes of the tx's withdraw_rewards events. */
function withdrawn(result, delegator, validator) {
  const events = result.events.filter((e) => e.type === "withdraw_rewards");
  check(events.length > 0, `no withdraw_rewards event in ${JSON.stringify(result.events)}`);
  let total = 0n;
  for (const e of events) {
    const attr = (key) => e.attributes.find((a) => a.key === key)?.value;
    check(attr("delegator") === delegator, `withdraw_rewards delegator ${attr("delegator")}`);
    check(attr("validator") === validator, `withdraw_rewards validator ${attr("validator")}`);
    const amount = /^(\d+)uagr$/.exec(attr("amount") ?? "");
    check(amount, `withdraw_rewards amount ${attr("amount")}`);
    total += BigInt(amount[1]);
  }
  return total;
}

async function main() {
  const [rpcArg, mnemonicFile, delegateArg, undelegateArg, ...rest] = process.argv.slice(2);
  if (!rpcArg || !mnemonicFile || !delegateArg || !undelegateArg || rest.length > 0) {
    throw new Error("usage: staking.mjs <rpc-url> <mnemonic-file> <delegate-uagr> <undelegate-uagr>");
  }
  const rpc = rpcArg.replace(/^tcp:\/\//, "http://");
  const delegate = BigInt(delegateArg);
  const undelegate = BigInt(undelegateArg);
  check(undelegate > 0n && undelegate < delegate, "undelegate part of the delegation");
  const mnemonic = readFileSync(mnemonicFile, "utf8").trim();
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: PREFIX });
  const [{ address: delegator }] = await wallet.getAccounts();
  const client = await withTimeout(
    SigningStargateClient.connectWithSigner(rpc, wallet, {
      broadcastPollIntervalMs: 200,
      broadcastTimeoutMs: 30_000,
    }),
    30_000,
    "connectWithSigner",
  );
  const comet = await Comet38Client.connect(rpc);
  const balance = async () => BigInt((await client.getBalance(delegator, DENOM)).amount);
  try {
    const chain = queries(comet);
    const { q } = chain;

    // 1. The validator set through the signing client's own query client.
    const { validators } = await client.getQueryClient().staking.validators("BOND_STATUS_BONDED");
    check(validators.length === 1, `${validators.length} bonded validators`);
    const [validator] = validators;
    const valoper = validator.operatorAddress;
    const tokensBefore = BigInt(validator.tokens);

    // 2. Delegate, and read the delegation and the validator back.
    const balanceStart = await balance();
    const amount = { denom: DENOM, amount: delegate.toString() };
    const delegated = await client.delegateTokens(delegator, valoper, amount, FEE, "cosmjs e2e");
    const delegateTx = txSummary(delegated, "delegateTokens");
    const afterDelegate = await balance();
    check(
      afterDelegate === balanceStart - delegate - FEE_AMOUNT,
      `balance ${afterDelegate} after delegating from ${balanceStart}`,
    );
    const { delegationResponse } = await q.staking.delegation(delegator, valoper);
    const { balance: bonded, delegation } = delegationResponse;
    check(bonded.amount === delegate.toString(), `delegation ${JSON.stringify(bonded)}`);
    check(BigInt(delegation.shares) === delegate * DEC, `shares ${delegation.shares}`);
    const { validator: grown } = await q.staking.validator(valoper);
    check(BigInt(grown.tokens) === tokensBefore + delegate, `validator tokens ${grown.tokens}`);

    // 3. Rewards: a few blocks on, mint's inflation (and the fees) reach the delegation.
    const first = await positiveRewards(chain, delegator, valoper, delegateTx.height + 1);

    // 4. Withdraw: the balance rises by what the event says was paid; the rewards restart.
    const beforeWithdraw = await balance();
    const withdrawal = await client.withdrawRewards(delegator, valoper, FEE);
    const withdrawTx = txSummary(withdrawal, "withdrawRewards");
    const paid = withdrawn(withdrawal, delegator, valoper);
    check(paid >= first.atomics / DEC, `withdrew ${paid}, less than ${first.atomics} atomics`);
    const afterWithdraw = await balance();
    check(
      afterWithdraw === beforeWithdraw - FEE_AMOUNT + paid,
      `balance ${afterWithdraw} after withdrawing ${paid} from ${beforeWithdraw}`,
    );
    const atWithdraw = queries(comet, withdrawTx.height);
    const rewardsAtWithdraw = await rewardsOf(atWithdraw, delegator, valoper);
    check(atWithdraw.seen.height === withdrawTx.height, `answered at ${atWithdraw.seen.height}`);
    check(rewardsAtWithdraw === 0n, `rewards ${rewardsAtWithdraw} right after the withdrawal`);

    // 5. Undelegate part (which withdraws the rewards again); read the unbonding delegation.
    const undelegation = await client.undelegateTokens(
      delegator,
      valoper,
      { denom: DENOM, amount: undelegate.toString() },
      FEE,
    );
    const undelegateTx = txSummary(undelegation, "undelegateTokens");
    const paidOnUndelegate = withdrawn(undelegation, delegator, valoper);
    const balanceEnd = await balance();
    check(
      balanceEnd === afterWithdraw - FEE_AMOUNT + paidOnUndelegate,
      `balance ${balanceEnd} after undelegating (paid ${paidOnUndelegate}) from ${afterWithdraw}`,
    );
    const { unbond } = await q.staking.unbondingDelegation(delegator, valoper);
    check(unbond.entries.length === 1, `${unbond.entries.length} unbonding entries`);
    const [entry] = unbond.entries;
    check(entry.balance === undelegate.toString(), `unbonding balance ${entry.balance}`);
    check(entry.initialBalance === entry.balance, `unbonding initial ${entry.initialBalance}`);
    check(Number(entry.creationHeight) === undelegateTx.height, `at ${entry.creationHeight}`);
    const left = (await q.staking.delegation(delegator, valoper)).delegationResponse;
    check(BigInt(left.balance.amount) === delegate - undelegate, `left ${left.balance.amount}`);
    const leftShares = BigInt(left.delegation.shares);
    check(leftShares === (delegate - undelegate) * DEC, `left ${leftShares} shares`);
    const { validator: shrunk } = await q.staking.validator(valoper);
    const tokensAfter = BigInt(shrunk.tokens);
    check(tokensAfter === tokensBefore + delegate - undelegate, `tokens ${tokensAfter}`);
    // The rewards restarted once more (the undelegation withdrew them): they accrue again.
    const last = await positiveRewards(chain, delegator, valoper, undelegateTx.height);

    const summary = {
      delegator,
      validator: {
        operatorAddress: valoper,
        status: validator.status,
        tokensBefore: tokensBefore.toString(),
        tokensAfter: shrunk.tokens,
      },
      balances: {
        start: balanceStart.toString(),
        afterDelegate: afterDelegate.toString(),
        afterWithdraw: afterWithdraw.toString(),
        end: balanceEnd.toString(),
      },
      delegateTx,
      delegation: { shares: delegation.shares, balance: bonded.amount },
      rewards: { height: first.height, atomics: first.atomics.toString() },
      withdrawTx,
      withdrawn: paid.toString(),
      rewardsAtWithdraw: rewardsAtWithdraw.toString(),
      undelegateTx,
      withdrawnOnUndelegate: paidOnUndelegate.toString(),
      unbonding: {
        creationHeight: entry.creationHeight.toString(),
        completionTime: {
          seconds: entry.completionTime.seconds.toString(),
          nanos: entry.completionTime.nanos,
        },
        initialBalance: entry.initialBalance,
        balance: entry.balance,
      },
      delegationAfter: { shares: left.delegation.shares, balance: left.balance.amount },
      lastRewards: { height: last.height, atomics: last.atomics.toString() },
    };
    console.log(JSON.stringify(summary));
  } finally {
    comet.disconnect();
    client.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`cosmjs: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
