import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, initialRuleState, type Observation, type RuleState } from './alert-evaluation.ts';

const MINUTE = 60_000;
const COOLDOWN = 30 * MINUTE;
const t0 = new Date('2026-12-07T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);

const breached = (summary = 'failure rate 80 %'): Observation => ({ kind: 'threshold', breached: true, summary });
const fine: Observation = { kind: 'threshold', breached: false, summary: '' };
const runs = (newFailures: number, newestFailed: boolean | undefined, minutes: number): Observation => ({
  kind: 'runs',
  newFailures,
  newestFailed,
  describe: (count) => `${count} failed`,
  checkedUntil: at(minutes),
});

/** Feeds observations one a minute apart (or at given minutes); returns the summaries of the alerts sent. */
function play(steps: { minute: number; observation: Observation }[], start: RuleState = initialRuleState()) {
  let state = start;
  const sent: { minute: number; summary: string }[] = [];
  for (const { minute, observation } of steps) {
    const decision = decide({ state, observation, cooldownMs: COOLDOWN, now: at(minute) });
    assert.equal(decision.state.version, state.version + 1, 'every decision bumps the version');
    state = decision.state;
    if (decision.alert) sent.push({ minute, summary: decision.alert.summary });
  }
  return { state, sent };
}

describe('threshold rules (failure rate, DLQ size, no run)', () => {
  const cases: {
    name: string;
    steps: { minute: number; observation: Observation }[];
    sentAt: number[];
    status: RuleState['status'];
  }[] = [
    { name: 'nothing wrong: no alert', steps: [{ minute: 0, observation: fine }], sentAt: [], status: 'ok' },
    { name: 'a breach fires once', steps: [{ minute: 0, observation: breached() }], sentAt: [0], status: 'firing' },
    {
      name: 'a breach that lasts inside the cool-down sends one alert',
      steps: [0, 1, 5, 29].map((minute) => ({ minute, observation: breached() })),
      sentAt: [0],
      status: 'firing',
    },
    {
      name: 'still breached once the cool-down passed: a reminder',
      steps: [0, 10, 30, 45, 60].map((minute) => ({ minute, observation: breached() })),
      sentAt: [0, 30, 60],
      status: 'firing',
    },
    {
      name: 'recovery ends the incident: the next breach fires even inside the cool-down',
      steps: [
        { minute: 0, observation: breached() },
        { minute: 2, observation: fine },
        { minute: 3, observation: breached() },
      ],
      sentAt: [0, 3],
      status: 'firing',
    },
    {
      name: 'recovered and quiet: ok',
      steps: [
        { minute: 0, observation: breached() },
        { minute: 1, observation: fine },
        { minute: 40, observation: fine },
      ],
      sentAt: [0],
      status: 'ok',
    },
  ];
  for (const { name, steps, sentAt, status } of cases) {
    test(name, () => {
      const { state, sent } = play(steps);
      assert.deepEqual(
        sent.map((alert) => alert.minute),
        sentAt,
      );
      assert.equal(state.status, status);
    });
  }

  test('the alert says what the observation said; lastFiredAt is when it fired', () => {
    const { state, sent } = play([{ minute: 4, observation: breached('DLQ 12 > 10') }]);
    assert.deepEqual(sent, [{ minute: 4, summary: 'DLQ 12 > 10' }]);
    assert.deepEqual(state.lastFiredAt, at(4));
    assert.deepEqual(state.lastEvaluatedAt, at(4));
  });
});

describe('run_failed', () => {
  test('a failed run fires; more failures inside the cool-down are counted, not sent', () => {
    const { state, sent } = play([
      { minute: 0, observation: runs(1, true, 0) },
      { minute: 1, observation: runs(3, true, 1) },
      { minute: 2, observation: runs(0, undefined, 2) },
    ]);
    assert.deepEqual(sent, [{ minute: 0, summary: '1 failed' }]);
    assert.equal(state.status, 'firing');
    assert.equal(state.suppressed, 3);
    assert.deepEqual(state.checkedUntil, at(2));
  });

  test('after the cool-down, the failures counted meanwhile go in one reminder', () => {
    const { sent, state } = play([
      { minute: 0, observation: runs(1, true, 0) },
      { minute: 5, observation: runs(4, true, 5) },
      { minute: 31, observation: runs(0, undefined, 31) },
      { minute: 32, observation: runs(0, undefined, 32) },
    ]);
    assert.deepEqual(sent, [
      { minute: 0, summary: '1 failed' },
      { minute: 31, summary: '4 failed' },
    ]);
    assert.equal(state.suppressed, 0);
  });

  test('a failure after the cool-down fires with the count of those before it', () => {
    const { sent } = play([
      { minute: 0, observation: runs(1, true, 0) },
      { minute: 5, observation: runs(2, true, 5) },
      { minute: 40, observation: runs(1, true, 40) },
    ]);
    assert.deepEqual(
      sent.map((alert) => alert.summary),
      ['1 failed', '3 failed'],
    );
  });

  test('a run that succeeds is the recovery: the next failure fires inside the cool-down', () => {
    const { sent, state } = play([
      { minute: 0, observation: runs(1, true, 0) },
      { minute: 1, observation: runs(2, true, 1) },
      { minute: 2, observation: runs(0, false, 2) },
      { minute: 3, observation: runs(1, true, 3) },
    ]);
    assert.deepEqual(
      sent.map((alert) => alert.minute),
      [0, 3],
    );
    assert.equal(state.status, 'firing');
  });

  test('failures before a success in the same look still send an alert, and leave the rule ok', () => {
    const { sent, state } = play([{ minute: 0, observation: runs(2, false, 0) }]);
    assert.deepEqual(sent, [{ minute: 0, summary: '2 failed' }]);
    assert.equal(state.status, 'ok');
  });

  test('recovery drops the failures counted in the cool-down', () => {
    const { sent, state } = play([
      { minute: 0, observation: runs(1, true, 0) },
      { minute: 1, observation: runs(5, true, 1) },
      { minute: 2, observation: runs(0, false, 2) },
      { minute: 40, observation: runs(0, undefined, 40) },
    ]);
    assert.equal(sent.length, 1);
    assert.equal(state.suppressed, 0);
    assert.equal(state.status, 'ok');
  });

  test('only successes: ok, nothing sent', () => {
    const { sent, state } = play([{ minute: 0, observation: runs(0, false, 0) }]);
    assert.deepEqual(sent, []);
    assert.equal(state.status, 'ok');
  });
});
