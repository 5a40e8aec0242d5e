/**
 * Which endpoint a case goes to: a weighted draw over the endpoints that take a body, then that endpoint's builder
 * (flow-requests.ts, payload-requests.ts, workspace-requests.ts) makes the hostile request.  Both draws come from the
 * case's own generator, so a case is the same request whenever it is made again from the seed.
 */
import { createCase, stepTestCase, updateCase } from './flow-requests.ts';
import type { HostileRequest, Stage, Target } from './hostile-request.ts';
import { runCase, webhookCase } from './payload-requests.ts';
import type { Random } from './random.ts';
import { credentialCase, memberCase } from './workspace-requests.ts';

const BUILDERS: [Target, number, (random: Random, stage: Stage) => HostileRequest][] = [
  ['create', 25, createCase],
  ['update', 20, updateCase],
  ['run', 12, runCase],
  ['webhook', 13, webhookCase],
  ['credential', 10, credentialCase],
  ['step-test', 10, stepTestCase],
  ['member', 10, memberCase],
];

export function hostileRequest(random: Random, stage: Stage): HostileRequest {
  const total = BUILDERS.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [, weight, build] of BUILDERS) {
    roll -= weight;
    if (roll < 0) return build(random, stage);
  }
  return createCase(random);
}
