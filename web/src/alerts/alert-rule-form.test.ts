import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAlertRuleBody } from '@pipewright/api-contract';
import { emptyChannel, formToBody, newRuleForm, ruleToForm } from './alert-rule-form.ts';

test('a filled-in form is a body the server accepts, and reads back the same', () => {
  const form = {
    ...newRuleForm(),
    name: ' Orders failing ',
    kind: 'failure_rate' as const,
    thresholdPercent: '25',
    windowMinutes: '30',
    minRuns: '4',
    channels: [
      {
        ...emptyChannel('email'),
        credentialId: 'crd_1',
        from: 'alerts@example.test',
        to: 'a@example.test, b@example.test\n',
      },
      { ...emptyChannel('webhook'), url: 'https://hooks.example.test/x' },
    ],
  };
  const body = formToBody(form, 'flw_1');
  const parsed = createAlertRuleBody.parse(body);
  assert.equal(parsed.name, 'Orders failing');
  assert.deepEqual(parsed.condition, { kind: 'failure_rate', thresholdPercent: 25, windowMinutes: 30, minRuns: 4 });
  assert.deepEqual(parsed.channels[0], {
    type: 'email',
    credentialId: 'crd_1',
    from: 'alerts@example.test',
    to: ['a@example.test', 'b@example.test'],
  });
  assert.deepEqual(parsed.channels[1], { type: 'webhook', url: 'https://hooks.example.test/x' });

  const view = {
    ...parsed,
    id: 'alr_1',
    createdAt: '',
    updatedAt: '',
    status: 'ok' as const,
    lastFiredAt: null,
    lastEvaluatedAt: null,
  };
  assert.deepEqual(formToBody(ruleToForm(view), 'flw_1'), { ...body, name: 'Orders failing' });
});

test('a number left empty is refused by the server schema, naming the field', () => {
  const body = formToBody({ ...newRuleForm(), name: 'x', kind: 'no_run', idleMinutes: '' }, 'flw_1');
  const result = createAlertRuleBody.safeParse(body);
  assert.equal(result.success, false);
  assert.deepEqual(result.error?.issues[0]?.path, ['condition', 'idleMinutes']);
});
