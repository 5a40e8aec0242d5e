import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { linearRegExp } from './linear-regexp.ts';

/**
 * Formats a contract may name. `regex` is left out (it would run a sender's string as a backtracking RegExp), and
 * so is `duration` (its full-mode pattern backtracks); "fast" mode checks shape, not calendar validity.
 */
export const CONTRACT_FORMATS = [
  'date',
  'time',
  'date-time',
  'uri',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
] as const;

/**
 * The one Ajv configuration every contract compiles with (JSON Schema 2020-12). Contracts keep this instance
 * rather than the shared validator of `@pipewright/json-schema` (whose `createSchemaAjv` builds the same base
 * configuration) because four things differ: patterns run on RE2 (`code.regExp` is fixed per instance, and `re2js`
 * is this package's dependency), unknown keywords are refused rather than ignored, validation stops at the first
 * error, and `uri`/`url` keep ajv-formats' RFC 3986 shape. And the web bundle imports this package at runtime
 * (the inspector's schema check): building through `createSchemaAjv` would add its code to the editor's bundle.
 * The options:
 * - `strictSchema`: an unknown keyword (a typo such as `requried`) is refused when the flow is published, not
 *   silently ignored; type strictness stays off so a schema need not repeat `type: "object"` beside `properties`;
 * - `allErrors: false`: validation stops at the first failure, so a huge body of bad items costs one error;
 * - `addUsedSchema: false` and no `loadSchema`: nothing a schema says is registered on the shared instance (no
 *   schema of one workspace can be referenced by another's) and no `$ref` is fetched;
 * - `logger: false`: a user's schema never writes to the server's log;
 * - patterns run on RE2 (linear-regexp.ts).
 */
export function createContractAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    strictSchema: true,
    strictNumbers: true,
    allErrors: false,
    addUsedSchema: false,
    validateFormats: true,
    logger: false,
    messages: true,
    code: { regExp: linearRegExp },
  });
  // ajv-formats is CommonJS: imported from ESM, its plugin is the module's `default` (set on module.exports too).
  addFormats.default(ajv, { mode: 'fast', formats: [...CONTRACT_FORMATS] });
  return ajv;
}

/**
 * Compiles an instance keeps values from (patterns, generated names) for as long as it lives: it is replaced after
 * this many, so a long-lived server compiling workspaces' contracts does not grow without bound.
 */
const COMPILES_PER_INSTANCE = 1000;
let shared = createContractAjv();
let compiles = 0;

/** The shared instance to compile the next contract with (a fresh one every COMPILES_PER_INSTANCE). */
export function contractAjv(): Ajv2020 {
  compiles += 1;
  if (compiles > COMPILES_PER_INSTANCE) {
    shared = createContractAjv();
    compiles = 1;
  }
  return shared;
}
