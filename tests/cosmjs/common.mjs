// Helpers the cosmjs scripts share.

/** Throws `message` unless `condition`. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Rejects after `ms` so that nothing here can hang the test. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tx summary the Rust side checks against `agorad query tx`; throws unless code 0. */
export function txSummary(result, what) {
  check(result.code === 0, `${what}: code ${result.code}: ${result.rawLog}`);
  return {
    hash: result.transactionHash,
    height: result.height,
    gasWanted: result.gasWanted.toString(),
    gasUsed: result.gasUsed.toString(),
  };
}
