import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `length` lower-case base32 characters from the crypto RNG (5 bits each). */
function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

export const newFlowId = (): string => `flw_${randomBase32(16)}`;
export const newRunId = (): string => `run_${randomBase32(20)}`;
export const newWebhookRefusalId = (): string => `whr_${randomBase32(20)}`;
export const newWebhookToken = (): string => randomBytes(16).toString('hex');
/** Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
