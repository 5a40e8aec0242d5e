import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UntranslatableError } from './js-expression.ts';
import { type ExpressionScope, joinPath, translateJs } from './to-jsonata.ts';

/** `$json` is the previous step's output as-is; node `HTTP` keeps its n8n item under `body`. */
const scope: ExpressionScope = {
  current: () => (path) => joinPath('input', path),
  node: (name) => {
    if (name === 'Webhook') return (path) => joinPath('trigger', path);
    if (name === 'HTTP') return (path) => joinPath('steps.http', ['body', ...path]);
    throw new UntranslatableError(`the node "${name}" is not in the imported flow`);
  },
};

describe('translateJs: n8n JavaScript expressions → JSONata', () => {
  const cases: [string, string][] = [
    ['$json.name', 'input.name'],
    ['$json["first name"]', 'input.`first name`'],
    ["$json['items'][0].sku", 'input.items[0].sku'],
    ['$json', 'input'],
    ['$input.item.json.total', 'input.total'],
    ['$input.first().json.total', 'input.total'],
    ["$('Webhook').item.json.body.email", 'trigger.body.email'],
    ["$('HTTP').first().json.id", 'steps.http.body.id'],
    ["$('HTTP').last().json.id", 'steps.http.body.id'],
    ['$node["HTTP"].json.id', 'steps.http.body.id'],
    ['$node.HTTP.json.id', 'steps.http.body.id'],
    ['$json.qty * 10 + 1', 'input.qty * 10 + 1'],
    ["$json.first + ' ' + $json.last", 'input.first & " " & input.last'],
    ["'Order ' + $json.id", '"Order " & input.id'],
    ['$json.total > 100 && $json.country === "DE"', '(input.total > 100 and input.country = "DE")'],
    ['$json.a !== null', 'input.a != null'],
    ["$json.name || 'anonymous'", '(input.name ? input.name : "anonymous")'],
    ["$json.vip ? 'gold' : 'standard'", '(input.vip ? "gold" : "standard")'],
    ['!$json.done', '$not(input.done)'],
    ['-$json.delta', '-(input.delta)'],
    ['$json.name.toUpperCase()', '$uppercase(input.name)'],
    ['$json.email.toLowerCase().trim()', '$trim($lowercase(input.email))'],
    ["$json.tags.includes('vip')", '$contains(input.tags, "vip")'],
    ["$json.sku.split('-')[0]", '$split(input.sku, "-")[0]'],
    ['Math.round($json.price * 100) / 100', '$round(input.price * 100) / 100'],
    ['String($json.id)', '$string(input.id)'],
    ['JSON.stringify($json)', '$string(input)'],
    ['parseInt($json.count)', '$floor($number(input.count))'],
    ['[$json.a, $json.b]', '[input.a, input.b]'],
    ['true', 'true'],
    ['42', '42'],
  ];
  for (const [source, expected] of cases) {
    it(`${source} → ${expected}`, () => assert.equal(translateJs(source, scope), expected));
  }

  const refused: [string, RegExp][] = [
    ['$now.toISO()', /luxon/],
    ["$now.minus({ days: 1 }).toFormat('yyyy')", /luxon/],
    ['DateTime.now()', /luxon/],
    ['$workflow.name', /\$workflow/],
    ['$execution.resumeUrl', /\$execution/],
    ["$items('HTTP')", /\$items\(\)/],
    ["$items('HTTP').map(i => i.json.id)", /\$items\(\)/],
    ['$jmespath($json, "a[*].b")', /JMESPath/],
    ['$env.API_KEY', /environment/],
    ["$('Nope').item.json.x", /not in the imported flow/],
    ["$('HTTP').all()", /one value per step/],
    ['$json.items.length', /\.length/],
    ['$json.items.map(i => i.id)', /arrow functions/],
    ['`Hi $' + '{$json.name}`', /template literals/],
    ['$json.name.padStart(3)', /padStart/],
    ['$json[$json.key]', /computed property/],
    ['$json.a; $json.b', /";"/],
    // Hostile sizes are reported, never parsed into a stack overflow or a long stall.
    [`${'('.repeat(500)}$json.a${')'.repeat(500)}`, /nested deeper than 64/],
    [`${'!'.repeat(1000)}$json.a`, /nested deeper than 64/],
    [`$json.a${' + 1'.repeat(2000)}`, /longer than 4000 characters/],
  ];
  for (const [source, why] of refused) {
    it(`refuses ${source.length > 60 ? `${source.slice(0, 40)}… (${source.length} characters)` : source}`, () => {
      assert.throws(
        () => translateJs(source, scope),
        (error: unknown) => error instanceof UntranslatableError && why.test(error.message),
      );
    });
  }
});
