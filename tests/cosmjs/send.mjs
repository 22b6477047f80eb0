// An unmodified cosmjs client against a running agorad: connect over RPC (CometBFT 0.38 is
// auto-detected), read the chain id, a balance and the faucet's account, sign and broadcast
// a MsgSend with a fixed fee (and with --gas-auto another with fee "auto", which simulates
// first and multiplies the estimate by 1.4; --gas-auto=M multiplies by M instead), find them
// with getTx, and watch a NewBlock event over /websocket. Prints a JSON summary on stdout;
// exits non-zero on any failure. Run by tests/cosmjs.rs:
//
//   node tests/cosmjs/send.mjs <rpc-url> <mnemonic-file> <recipient> <amount-uagr> [--gas-auto[=M]]
//
// <rpc-url> is http://host:port (tcp:// is accepted too).

import { readFileSync } from "node:fs";
import { withTimeout } from "./common.mjs";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";

const DENOM = "uagr";
const PREFIX = "agora";
/** A fixed fee: 200k gas at 0.025uagr. */
const FEE = { amount: [{ denom: DENOM, amount: "5000" }], gas: "200000" };

function fail(message) {
  throw new Error(message);
}

function check(condition, message) {
  if (!condition) fail(message);
}

/** The first NewBlock event over the websocket at `wsUrl`. */
async function firstNewBlock(wsUrl) {
  const comet = await Comet38Client.connect(wsUrl);
  try {
    const event = await withTimeout(
      new Promise((resolve, reject) => {
        const sub = comet.subscribeNewBlock().subscribe({
          next: (e) => {
            sub.unsubscribe();
            resolve(e);
          },
          error: reject,
          complete: () => reject(new Error("NewBlock stream completed without an event")),
        });
      }),
      30_000,
      "subscribeNewBlock",
    );
    return event;
  } finally {
    comet.disconnect();
  }
}

async function main() {
  const isGasAuto = (a) => a === "--gas-auto" || a.startsWith("--gas-auto=");
  const args = process.argv.slice(2);
  const gasAutoArg = args.find(isGasAuto);
  const gasAuto = gasAutoArg !== undefined;
  // "auto" is cosmjs's default multiplier (1.4); a number is a multiplier of its own.
  const autoFee = gasAutoArg?.includes("=") ? Number(gasAutoArg.split("=")[1]) : "auto";
  if (autoFee !== "auto" && !(autoFee > 0)) fail(`bad multiplier in ${gasAutoArg}`);
  const [rpcArg, mnemonicFile, recipient, amountArg, ...rest] = args.filter((a) => !isGasAuto(a));
  if (!rpcArg || !mnemonicFile || !recipient || !amountArg || rest.length > 0) {
    fail("usage: send.mjs <rpc-url> <mnemonic-file> <recipient> <amount-uagr> [--gas-auto[=M]]");
  }
  const rpc = rpcArg.replace(/^tcp:\/\//, "http://");
  const amount = BigInt(amountArg);
  const mnemonic = readFileSync(mnemonicFile, "utf8").trim();

  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: PREFIX });
  const [{ address: sender }] = await wallet.getAccounts();
  const client = await withTimeout(
    SigningStargateClient.connectWithSigner(rpc, wallet, {
      gasPrice: GasPrice.fromString(`0.025${DENOM}`),
      broadcastPollIntervalMs: 200,
      broadcastTimeoutMs: 30_000,
    }),
    30_000,
    "connectWithSigner",
  );
  try {
    const chainId = await client.getChainId();
    const startHeight = await client.getHeight();
    const account = await client.getAccount(sender);
    check(account !== null, `the faucet ${sender} has no account on chain`);
    check(account.address === sender, `getAccount returned ${account.address}, not ${sender}`);
    const senderBefore = BigInt((await client.getBalance(sender, DENOM)).amount);
    const recipientBefore = BigInt((await client.getBalance(recipient, DENOM)).amount);
    check(senderBefore > 0n, `the faucet ${sender} holds no ${DENOM}`);

    // 1. A fixed fee. broadcastTx (broadcast_tx_sync + polling `tx`) waits for the block.
    const sent = await client.sendTokens(
      sender,
      recipient,
      [{ denom: DENOM, amount: amount.toString() }],
      FEE,
      "cosmjs e2e",
    );
    check(sent.code === 0, `sendTokens: code ${sent.code}: ${sent.rawLog}`);
    check(sent.height > startHeight - 1, `sendTokens: height ${sent.height} < ${startHeight}`);
    const found = await client.getTx(sent.transactionHash);
    check(found !== null, `getTx(${sent.transactionHash}) found nothing`);
    check(found.code === 0, `getTx: code ${found.code}`);
    check(found.height === sent.height, `getTx: height ${found.height} != ${sent.height}`);
    check(found.hash === sent.transactionHash, `getTx: hash ${found.hash}`);
    check(
      found.events.some((e) => e.type === "transfer"),
      `getTx: no transfer event in ${JSON.stringify(found.events)}`,
    );
    const block = await client.getBlock(sent.height);
    check(block.header.height === sent.height, `getBlock: height ${block.header.height}`);
    check(block.header.chainId === chainId, `getBlock: chain id ${block.header.chainId}`);
    check(block.txs.length >= 1, `getBlock(${sent.height}) holds no tx`);

    // 2. gas "auto": cosmjs simulates (abci_query /cosmos.tx.v1beta1.Service/Simulate, with
    //    SIGN_MODE_UNSPECIFIED and an empty signature) and pays gasPrice * 1.4 * gas used.
    let auto = null;
    let autoTx = null;
    if (gasAuto) {
      auto = await client.sendTokens(
        sender,
        recipient,
        [{ denom: DENOM, amount: amount.toString() }],
        autoFee,
      );
      check(auto.code === 0, `sendTokens(auto): code ${auto.code}: ${auto.rawLog}`);
      check(auto.gasUsed <= auto.gasWanted, `auto: used ${auto.gasUsed} > wanted ${auto.gasWanted}`);
      autoTx = await client.getTx(auto.transactionHash);
      check(autoTx !== null && autoTx.code === 0, `getTx(${auto.transactionHash}) after auto`);
    }
    const sends = gasAuto ? 2 : 1;

    const recipientAfter = BigInt((await client.getBalance(recipient, DENOM)).amount);
    const senderAfter = BigInt((await client.getBalance(sender, DENOM)).amount);
    const sentTotal = BigInt(sends) * amount;
    check(
      recipientAfter === recipientBefore + sentTotal,
      `recipient balance ${recipientAfter}, expected ${recipientBefore + sentTotal}`,
    );
    check(senderAfter < senderBefore - sentTotal, `sender balance ${senderAfter} paid no fees`);
    const accountAfter = await client.getAccount(sender);
    check(
      accountAfter.sequence === account.sequence + sends,
      `sequence ${accountAfter.sequence}, expected ${account.sequence + sends}`,
    );

    // 3. A read-only StargateClient sees the same, and /websocket streams NewBlock events.
    const reader = await StargateClient.connect(rpc);
    const readerBalance = BigInt((await reader.getBalance(recipient, DENOM)).amount);
    reader.disconnect();
    check(readerBalance === recipientAfter, `StargateClient balance ${readerBalance}`);
    const newBlock = await firstNewBlock(rpc.replace(/^http/, "ws"));
    check(newBlock.header.chainId === chainId, `NewBlock chain id ${newBlock.header.chainId}`);
    const lastHeight = auto ? auto.height : sent.height;
    check(newBlock.header.height > lastHeight, `NewBlock height ${newBlock.header.height}`);

    const summary = {
      chainId,
      sender,
      recipient,
      startHeight,
      accountNumber: String(account.accountNumber),
      sequence: accountAfter.sequence,
      senderBefore: senderBefore.toString(),
      senderAfter: senderAfter.toString(),
      recipientBefore: recipientBefore.toString(),
      recipientAfter: recipientAfter.toString(),
      tx: {
        hash: sent.transactionHash,
        height: sent.height,
        code: found.code,
        gasWanted: sent.gasWanted.toString(),
        gasUsed: sent.gasUsed.toString(),
      },
      autoTx: auto && {
        hash: auto.transactionHash,
        height: auto.height,
        code: autoTx.code,
        gasWanted: auto.gasWanted.toString(),
        gasUsed: auto.gasUsed.toString(),
      },
      newBlockHeight: newBlock.header.height,
    };
    console.log(JSON.stringify(summary));
  } finally {
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
