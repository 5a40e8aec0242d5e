import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowDocument } from '@pipewright/flow';
import { compileErrors, configErrors, loadFixture } from './fixtures.test-helpers.ts';
import { importN8nWorkflow } from './import-workflow.ts';
import { MAX_WORKFLOW_NODES, N8nWorkflowError } from './n8n-workflow.ts';

const nodeTitled = (document: FlowDocument, title: string) => {
  const node = document.nodes.find((candidate) => candidate.title === title);
  assert.ok(node, `no node titled "${title}"`);
  return node;
};
const edgesOf = (document: FlowDocument) =>
  document.edges.map((edge) => `${edge.source}:${edge.sourcePort} → ${edge.target}`);

const FIXTURES = [
  'webhook-set-http.json',
  'order-routing.json',
  'legacy-v1-nodes.json',
  'manual-schedule-intervals.json',
];

describe('importN8nWorkflow: every fixture gives a document that publishes', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture}: compiles and every config passes its step's schema`, () => {
      const { document } = importN8nWorkflow(loadFixture(fixture));
      assert.deepEqual(compileErrors(document), []);
      assert.deepEqual(configErrors(document), []);
    });
  }
});

describe('importN8nWorkflow: webhook → Edit Fields (v3.4) → HTTP Request (v4.2)', () => {
  const { name, document, report } = importN8nWorkflow(loadFixture('webhook-set-http.json'));

  it('keeps the name, the nodes (titled by n8n name) and the connections', () => {
    assert.equal(name, 'Order webhook to fulfilment API');
    assert.deepEqual(
      document.nodes.map((node) => [node.id, node.type, node.title]),
      [
        ['webhook', 'core.webhook', 'Webhook'],
        ['edit_fields', 'core.transform', 'Edit Fields'],
        ['send_to_fulfilment', 'http.request', 'Send to fulfilment'],
      ],
    );
    assert.deepEqual(edgesOf(document), ['webhook:out → edit_fields', 'edit_fields:out → send_to_fulfilment']);
  });

  it('translates the Set assignments, and leaves the $now one as visible text', () => {
    assert.deepEqual(nodeTitled(document, 'Edit Fields').config, {
      fields: [
        { name: 'customer', value: '{{ $uppercase(input.body.name) }}' },
        { name: 'total', value: '{{ input.body.qty * 10 }}' },
        { name: 'greeting', value: 'Hello {{ input.body.name }}, order of {{ input.body.qty }}' },
        { name: 'receivedAt', value: 'n8n: { { $now.toISO() } }' },
      ],
      keepInput: false,
      remove: [],
    });
  });

  it('turns the JSON body into a JSON value with templates (types kept for bare expressions)', () => {
    const http = nodeTitled(document, 'Send to fulfilment');
    assert.equal(http.config.method, 'POST');
    assert.deepEqual(http.config.headers, { 'x-source': 'n8n-import' });
    assert.deepEqual(http.config.body, {
      customer: '{{ input.customer }}',
      total: '{{ input.total }}',
      note: '{{ trigger.body.note }}',
    });
  });

  it('reports the untranslated expression by node and field, and the webhook path', () => {
    assert.deepEqual(
      report.map((entry) => [entry.node, entry.field]),
      [
        ['Webhook', 'path'],
        ['Edit Fields', 'assignments.assignments.3.value'],
      ],
    );
    assert.match(report[1]?.problem ?? '', /\$now\.toISO\(\).*luxon/);
  });
});

describe('importN8nWorkflow: IF v2, Switch v3, Merge v3, Code, Wait, an unsupported node', () => {
  const { document, report } = importN8nWorkflow(loadFixture('order-routing.json'));
  const problems = (node: string) => report.filter((entry) => entry.node === node).map((entry) => entry.problem);

  it('maps IF outputs to true/false and Switch outputs to its case ports (renamed outputs keep their key)', () => {
    assert.deepEqual(edgesOf(document).slice(0, 5), [
      'incoming_order:out → big_german_order',
      'big_german_order:true → flag_in_crm',
      'big_german_order:false → by_channel',
      'by_channel:Web_shop → tag_web_order',
      'by_channel:Store → summarise_store_order',
    ]);
  });

  it('joins the IF conditions with their combinator', () => {
    assert.equal(
      nodeTitled(document, 'Big German order?').config.condition,
      '{{ (input.body.total > 100) and (input.body.country = "DE") }}',
    );
  });

  it('makes a case-insensitive Switch rule compare lower case, and reports the regex rule it cannot translate', () => {
    const config = nodeTitled(document, 'By channel').config;
    assert.deepEqual(config.cases, [
      {
        id: 'Web_shop',
        label: 'Web shop',
        condition: '{{ $lowercase($string(input.body.channel)) = $lowercase($string("shop")) }}',
      },
      { id: 'Store', label: 'Store', condition: '{{ false }}' },
    ]);
    assert.ok(problems('By channel').some((problem) => /string: regex/.test(problem)));
  });

  it('merges Merge inputs in n8n input order, combining by position', () => {
    const merge = nodeTitled(document, 'Merge');
    assert.deepEqual(merge.config, { wait: 'all', combine: 'byPosition' });
    assert.deepEqual(
      document.edges.filter((edge) => edge.target === merge.id).map((edge) => edge.source),
      ['tag_web_order', 'summarise_store_order'],
    );
  });

  it('runs the Code node with n8n names provided and its input read from the previous item', () => {
    const code = nodeTitled(document, 'Summarise store order').config;
    assert.equal(code.input, '{{ input }}');
    assert.match(String(code.code), /const \$input = /);
    assert.match(String(code.code), /return \[\{ json: \{ store: order\.channel/);
  });

  it('keeps the HTTP timeout, the URL template and keypair body; never imports credentials', () => {
    const http = nodeTitled(document, 'Flag in CRM');
    assert.equal(http.config.url, 'https://crm.example.com/accounts/{{ input.body.customerId }}/priority');
    assert.deepEqual(http.config.query, { source: 'orders' });
    assert.deepEqual(http.settings, { timeoutMs: 10000 });
    assert.equal(JSON.stringify(document).includes('Header Auth account'), false);
    assert.ok(
      problems('Flag in CRM').some((problem) => /credentials \(httpHeaderAuth\) are never imported/.test(problem)),
    );
    assert.ok(problems('Flag in CRM').some((problem) => /\$workflow/.test(problem)));
  });

  it('replaces the unsupported Slack node by a titled pass-through, leaves the sticky note out, and says both', () => {
    const slack = nodeTitled(document, 'Slack');
    assert.equal(slack.type, 'core.transform');
    assert.deepEqual(slack.config, { fields: [], keepInput: true, remove: [] });
    assert.ok(problems('Slack').some((problem) => /n8n-nodes-base\.slack is not supported/.test(problem)));
    assert.deepEqual(problems('Sticky Note'), ['sticky notes are not imported']);
    assert.equal(document.nodes.length, 9);
  });

  it('turns a lastNode webhook into waitForRun, and a 30 s wait into a delay', () => {
    assert.deepEqual(nodeTitled(document, 'Incoming order').config, { method: 'POST', responseMode: 'waitForRun' });
    assert.deepEqual(nodeTitled(document, 'Wait').config, { mode: 'delay', durationSeconds: 30 });
  });
});

describe('importN8nWorkflow: v1 node shapes (Schedule cron, HTTP v1, Set v2, IF v1, Switch v1, Merge v1, Wait webhook)', () => {
  const { document, report } = importN8nWorkflow(loadFixture('legacy-v1-nodes.json'));

  it('drops the seconds of a 6-field cron and warns the time zone was the instance one', () => {
    assert.deepEqual(nodeTitled(document, 'Every weeknight').config, {
      mode: 'cron',
      cron: '30 2 * * 1-5',
      timezone: 'UTC',
    });
    assert.ok(report.some((entry) => entry.node === 'Every weeknight' && /time zone/.test(entry.problem)));
  });

  it('reads HTTP v1 JSON parameters, with the schedule timestamp as scheduledAt', () => {
    const http = nodeTitled(document, 'Fetch stock report').config;
    assert.deepEqual(http.body, { since: '{{ input.scheduledAt }}', warehouse: 'north' });
    assert.deepEqual(http.headers, { accept: 'application/json' });
  });

  it('reads Set v2 typed values, reading the HTTP response body as n8n did', () => {
    assert.deepEqual(nodeTitled(document, 'Set').config.fields, [
      { name: 'sku', value: '{{ input.body.sku }}' },
      { name: 'source', value: 'nightly' },
      { name: 'onHand', value: '{{ input.body.quantity - input.body.reserved }}' },
      { name: 'threshold', value: 5 },
      { name: 'checked', value: true },
    ]);
  });

  it('combines IF v1 conditions, with $node["…"] references', () => {
    assert.equal(
      nodeTitled(document, 'IF').config.condition,
      '{{ (input.onHand <= input.threshold) and (steps.fetch_stock_report.body.status != "discontinued") }}',
    );
  });

  it('groups Switch v1 rules by output, and sends the fallback output to default', () => {
    const config = nodeTitled(document, 'Switch').config;
    assert.deepEqual(
      (config.cases as { id: string }[]).map((entry) => entry.id),
      ['output_0', 'output_1'],
    );
    assert.match(JSON.stringify(config.cases), /\) or \(/);
  });

  it('reads references after a Wait from the node before it, and gives an event wait a timeout', () => {
    assert.deepEqual(nodeTitled(document, 'Wait for approval').config, { mode: 'event', timeoutSeconds: 604800 });
    const order = nodeTitled(document, 'Place order').config;
    assert.equal(order.method, 'PUT');
    assert.equal(order.url, 'https://erp.example.com/orders/{{ steps.set.sku }}');
    assert.deepEqual(order.query, { dryRun: 'false' });
    assert.equal((order.body as Record<string, unknown>).approved, '{{ steps.merge.approved }}');
  });

  it('reports $items(), the Function node and the Code node’s luxon use', () => {
    const named = report.map((entry) => `${entry.node}|${entry.field ?? ''}`);
    assert.ok(named.includes('Place order|bodyParametersUi.parameter.1.value'));
    assert.ok(named.includes('Function|'));
    assert.ok(named.includes('Code|jsCode'));
    assert.deepEqual(nodeTitled(document, 'Merge').config, { wait: 'all', combine: 'byKey', key: 'sku' });
  });
});

describe('importN8nWorkflow: triggers and waits', () => {
  const { document, report } = importN8nWorkflow(loadFixture('manual-schedule-intervals.json'));

  it('keeps one trigger and reports the other with its connections left out', () => {
    assert.equal(document.nodes.filter((node) => node.type === 'core.manual').length, 1);
    assert.equal(
      document.nodes.some((node) => node.type === 'core.schedule'),
      false,
    );
    assert.ok(report.some((entry) => entry.node === 'Schedule Trigger' && /one trigger/.test(entry.problem)));
  });

  it('waits until a translated date, and reads the trigger (not the Wait) after it', () => {
    assert.deepEqual(nodeTitled(document, 'Wait until send time').config, {
      mode: 'until',
      until: '{{ input.body.sendAt }}',
    });
    assert.deepEqual(nodeTitled(document, 'Compose').config.fields, [
      { name: 'message', value: '{{ $trim(trigger.body.text) & "!" }}' },
      { name: 'attempt', value: 1 },
    ]);
  });

  it('turns schedule intervals into interval or cron configs', () => {
    const schedule = (interval: Record<string, unknown>) =>
      importN8nWorkflow({
        name: 's',
        nodes: [
          {
            name: 'S',
            type: 'n8n-nodes-base.scheduleTrigger',
            typeVersion: 1.2,
            position: [0, 0],
            parameters: { rule: { interval: [interval] } },
          },
        ],
        connections: {},
        settings: { timezone: 'Europe/Berlin' },
      }).document.nodes[0]?.config;
    assert.deepEqual(schedule({ field: 'minutes', minutesInterval: 15 }), { mode: 'interval', intervalSeconds: 900 });
    assert.deepEqual(schedule({ field: 'seconds', secondsInterval: 30 }), { mode: 'interval', intervalSeconds: 30 });
    assert.deepEqual(schedule({ field: 'hours', hoursInterval: 2, triggerAtMinute: 15 }), {
      mode: 'cron',
      cron: '15 */2 * * *',
      timezone: 'Europe/Berlin',
    });
    assert.deepEqual(schedule({ triggerAtHour: 9 }), { mode: 'cron', cron: '0 9 * * *', timezone: 'Europe/Berlin' });
    assert.deepEqual(schedule({ field: 'weeks', triggerAtDay: [1, 5], triggerAtHour: 8, triggerAtMinute: 30 }), {
      mode: 'cron',
      cron: '30 8 * * 1,5',
      timezone: 'Europe/Berlin',
    });
    assert.deepEqual(schedule({ field: 'months', triggerAtDayOfMonth: 15, triggerAtHour: 6 }), {
      mode: 'cron',
      cron: '0 6 15 * *',
      timezone: 'Europe/Berlin',
    });
  });
});

describe('importN8nWorkflow: input it refuses, naming the field', () => {
  const base = () => loadFixture('webhook-set-http.json');
  const refused: [string, unknown, string, RegExp][] = [
    ['a JSON array', [], 'workflow', /n8n workflow export/],
    ['a text', 'hello', 'workflow', /n8n workflow export/],
    ['an object without nodes', { name: 'x' }, 'workflow', /needs "nodes" and "connections"/],
    [
      'duplicate node names',
      { ...base(), nodes: [...(base().nodes as unknown[]), (base().nodes as unknown[])[0]] },
      'nodes.3.name',
      /duplicate node name "Webhook"/,
    ],
    [
      'a connection to an unknown node',
      { ...base(), connections: { Webhook: { main: [[{ node: 'Ghost', type: 'main', index: 0 }]] } } },
      'connections.Webhook.main.0.0.node',
      /unknown node "Ghost"/,
    ],
    [
      'a connection from an unknown node',
      { ...base(), connections: { Ghost: { main: [[{ node: 'Webhook', type: 'main', index: 0 }]] } } },
      'connections.Ghost',
      /unknown node "Ghost"/,
    ],
    [
      'a node without a position',
      { ...base(), nodes: [{ name: 'A', type: 't', typeVersion: 1 }] },
      'nodes.0.position',
      /./,
    ],
    [
      'too many nodes',
      {
        nodes: Array.from({ length: MAX_WORKFLOW_NODES + 1 }, (_, index) => ({
          name: `N${index}`,
          type: 'n8n-nodes-base.noOp',
          typeVersion: 1,
          position: [0, 0],
          parameters: {},
        })),
        connections: {},
      },
      'nodes',
      /more than 500 nodes/,
    ],
    [
      'an oversized export',
      { nodes: [], connections: {}, pinData: 'x'.repeat(2_000_001) },
      'workflow',
      /largest accepted/,
    ],
  ];
  for (const [what, input, path, message] of refused) {
    it(`refuses ${what} (${path})`, () => {
      assert.throws(
        () => importN8nWorkflow(input),
        (error: unknown) =>
          error instanceof N8nWorkflowError &&
          error.issues.some((issue) => issue.path === path && message.test(issue.message)),
      );
    });
  }
});
