/**
 * Hostile requests to the workspace's endpoints: storing a credential (POST /api/credentials) and changing a
 * member's role (PATCH /api/workspace/members/:userId).  A credential's values are judged by its type's schema, so
 * odd values may be taken; every member case must be refused (a wrong role, the workspace's only admin demoted, a
 * member that does not exist), so the members read back unchanged.
 */
import {
  extraKey,
  type HostileRequest,
  type Hostility,
  hostileName,
  JSON_TYPE,
  replaceField,
  type Stage,
} from './hostile-request.ts';
import { toJson } from './json-text.ts';
import { junk } from './junk-bodies.ts';
import { BODY_DEPTH_LIMIT } from './limits.ts';
import { withKeys } from './object-paths.ts';
import { below, pick, type Random } from './random.ts';
import { type Hostile, hostileValue, wrongValue } from './values.ts';

/** POST /api/credentials: one part of a valid body made hostile; values with odd keys may be taken. */
export function credentialCase(random: Random, stage: Stage): HostileRequest {
  const path = '/api/credentials';
  if (random() < 0.1) return junk(random, 'credential', 'POST', path);
  const body: Record<string, unknown> = {
    name: `hostile ${below(random, 1e9)}`,
    type: stage.credentialType,
    values: {},
  };
  const roll = random();
  const hostility =
    roll < 0.3
      ? replaceField(body, 'name', hostileName(random))
      : roll < 0.55
        ? replaceField(body, 'type', hostileCredentialType(random))
        : roll < 0.75
          ? replaceField(body, 'values', wrongValue(random, 'object'))
          : roll < 0.9
            ? oddValues(body, random)
            : extraKey(body, random);
  return { target: 'credential', method: 'POST', path, body: toJson(body), contentType: JSON_TYPE, ...hostility };
}

function hostileCredentialType(random: Random): Hostile {
  if (random() < 0.3) return wrongValue(random, 'string');
  const type = pick(random, ['nope.type', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'.repeat(201)]);
  return { value: type, what: `"${type.slice(0, 30)}"`, depth: 0 };
}

/** Values the type's schema judges: taking them is fine when they turn out valid for the type. */
function oddValues(body: Record<string, unknown>, random: Random): Hostility {
  const value = hostileValue(random, [3, 40, 300, 5_000]);
  body.values = withKeys([[pick(random, ['token', '__proto__', 'constructor', 'extra']), value.value]]);
  const refuse = value.invalid === true || 2 + value.depth > BODY_DEPTH_LIMIT;
  return { what: `values holding ${value.what}`, refuse };
}

/** PATCH /api/workspace/members/:userId: every body is refused (a wrong role, the last admin demoted, no member). */
export function memberCase(random: Random, stage: Stage): HostileRequest {
  const userId = random() < 0.7 ? stage.userId : pick(random, ['ghost-user', '__proto__', 'constructor', '%ZZ']);
  const path = `/api/workspace/members/${userId}`;
  if (random() < 0.15) return junk(random, 'member', 'PATCH', path);
  const body: Record<string, unknown> = { role: 'viewer' };
  const roll = random();
  const hostility =
    userId !== stage.userId || roll < 0.1
      ? { what: userId === stage.userId ? 'the only admin made viewer' : `member "${userId}"`, refuse: true }
      : roll < 0.3
        ? replaceField(body, 'role', wrongValue(random, 'string'))
        : roll < 0.7
          ? replaceField(body, 'role', hostileRole(random))
          : roll < 0.85
            ? extraKey(body, random)
            : withoutRole(body);
  return { target: 'member', method: 'PATCH', path, body: toJson(body), contentType: JSON_TYPE, ...hostility };
}

function withoutRole(body: Record<string, unknown>): Hostility {
  delete body.role;
  return { what: 'no role', refuse: true };
}

function hostileRole(random: Random): Hostile {
  const role = pick(random, ['owner', 'ADMIN', ' admin', 'admin\u0000', '__proto__', 'constructor', 'toString', '']);
  return { value: role, what: JSON.stringify(role), depth: 0 };
}
