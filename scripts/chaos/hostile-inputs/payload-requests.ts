/**
 * Hostile requests that start runs of the drill's published flow: POST /api/flows/:id/runs and POST to its webhook.
 * A run takes any payload and a webhook any JSON (or form) body, so most cases are a hostile value as the payload,
 * judged only by the body limits (size, depth) and the run input limit; the rest are junk, an unknown key, a wrong
 * content type, or a form whose field names are `__proto__` and its kin.
 */
import { extraKey, type HostileRequest, JSON_TYPE, replaceField, type Stage } from './hostile-request.ts';
import { toJson } from './json-text.ts';
import { junk } from './junk-bodies.ts';
import { BODY_DEPTH_LIMIT } from './limits.ts';
import { pick, type Random } from './random.ts';
import { hostileValue, oddText, PAYLOAD_DEPTHS, wrongValue } from './values.ts';

/** POST /api/flows/:id/runs: any payload may be taken (202), unless the body breaks a limit or is not JSON. */
export function runCase(random: Random, stage: Stage): HostileRequest {
  const path = `/api/flows/${stage.flowId}/runs`;
  if (random() < 0.08) return junk(random, 'run', 'POST', path);
  const roll = random();
  if (roll < 0.12) {
    const body: Record<string, unknown> = { payload: { n: 1 } };
    const hostility =
      roll < 0.06
        ? replaceField(body, 'source', pick(random, [wrongValue(random, 'string'), oddText(random)]))
        : extraKey(body, random);
    return { target: 'run', method: 'POST', path, body: toJson(body), contentType: JSON_TYPE, ...hostility };
  }
  const payload = hostileValue(random, PAYLOAD_DEPTHS);
  const refuse = payload.invalid === true || 1 + payload.depth > BODY_DEPTH_LIMIT;
  const body = toJson({ payload: payload.value });
  return { target: 'run', method: 'POST', path, body, contentType: JSON_TYPE, what: `payload ${payload.what}`, refuse };
}

/** POST to the published flow's webhook: any JSON is a payload, within the body size and depth limits. */
export function webhookCase(random: Random, stage: Stage): HostileRequest {
  const path = stage.hookPath;
  if (random() < 0.1) return junk(random, 'webhook', 'POST', path);
  if (random() < 0.1) return formBody(random, path);
  if (random() < 0.05) {
    const contentType = pick(random, ['application/xml', 'image/png', 'multipart/form-data; boundary=x']);
    return { target: 'webhook', method: 'POST', path, body: '{"n":1}', contentType, what: contentType, refuse: true };
  }
  const value = hostileValue(random, PAYLOAD_DEPTHS);
  const refuse = value.invalid === true || value.depth > BODY_DEPTH_LIMIT;
  return {
    target: 'webhook',
    method: 'POST',
    path,
    body: toJson(value.value),
    contentType: JSON_TYPE,
    what: value.what,
    refuse,
  };
}

const FORM_BODIES = [
  '__proto__[polluted]=1&constructor[prototype][polluted]=1',
  '__proto__=a&__proto__=b&constructor=c',
  `a=${'%'.repeat(1_000)}&b=%ZZ%E0%A4%A`,
  `${'a['.repeat(1_000)}]=1`,
  '&&&=&==&',
  'n=1&'.repeat(200_000),
];

/** A form-encoded webhook body: field names are keys of the payload, so `__proto__` must stay a plain key. */
function formBody(random: Random, path: string): HostileRequest {
  const body = pick(random, FORM_BODIES);
  const what = `the form ${body.slice(0, 40)}`;
  const contentType = 'application/x-www-form-urlencoded';
  return { target: 'webhook', method: 'POST', path, body, contentType, what, refuse: false };
}
