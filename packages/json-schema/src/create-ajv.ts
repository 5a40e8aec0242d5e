import { Ajv2020 } from 'ajv/dist/2020.js';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import addFormats, { type FormatName } from 'ajv-formats';

/**
 * Formats ajv-formats checks ("fast" mode: shape, not calendar validity). `regex` is left out (it would run a
 * value as a backtracking RegExp), and so is `duration` (its pattern backtracks); `uri` and `url` are the loose
 * check below. Any other format (zod emits `includes`, `cidrv4`, …) is ignored, as JSON Schema allows.
 */
export const SCHEMA_FORMATS: readonly FormatName[] = [
  'date',
  'time',
  'date-time',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
  'uri',
  'url',
];

/** `scheme://` and no whitespace: the step's own schema decides which schemes it accepts when it runs. */
const FULL_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;

export interface SchemaAjvOptions {
  /** Report every failure (forms, credentials) or stop at the first (a webhook body checked per delivery). */
  allErrors?: boolean;
  /** Refuse unknown keywords and formats when compiling (a contract a builder types) or ignore them (manifests). */
  strictSchema?: boolean;
  /** Formats to check; default SCHEMA_FORMATS. */
  formats?: readonly FormatName[];
  /** `uri` and `url` as `scheme://…` without spaces (default), or ajv-formats' RFC 3986 shape (`mailto:x` passes). */
  fullUrls?: boolean;
  /** Ajv's `code.regExp`, e.g. a linear-time engine (RE2); default the platform's RegExp. */
  regExp?: RegExpEngine;
}

/**
 * The one Ajv configuration (JSON Schema 2020-12) every validator in Pipewright builds on:
 * - `strict: false`, `strictSchema` per caller: a manifest's extra keywords (`x-ui`, zod's `includes` format) are
 *   ignored, as JSON Schema says, rather than refusing a whole step package;
 * - `strictNumbers`: NaN and Infinity are not numbers (JSON has neither);
 * - `ownProperties`: only a value's own keys count (an inherited `constructor` is never a given field);
 * - `addUsedSchema: false`, no `loadSchema`: nothing a schema says is registered on a shared instance and no `$ref`
 *   is ever fetched;
 * - `logger: false`: a package's schema never writes to the server's log.
 *
 * @example
 * const ajv = createSchemaAjv({ allErrors: true });
 * ajv.compile({ type: 'string', format: 'uri' })('https://example.com'); // → true
 */
export function createSchemaAjv(options: SchemaAjvOptions = {}): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    strictSchema: options.strictSchema ?? false,
    strictNumbers: true,
    allErrors: options.allErrors ?? true,
    ownProperties: true,
    addUsedSchema: false,
    validateFormats: true,
    logger: false,
    messages: true,
    ...(options.regExp ? { code: { regExp: options.regExp } } : {}),
  });
  const formats = options.formats ?? SCHEMA_FORMATS;
  const fullUrls = options.fullUrls ?? true;
  const known = fullUrls ? formats.filter((format) => format !== 'uri' && format !== 'url') : formats;
  // ajv-formats is CommonJS: imported from ESM, its plugin is the module's `default` (set on module.exports too).
  addFormats.default(ajv, { mode: 'fast', formats: [...known] });
  if (fullUrls) for (const format of formats) if (format === 'uri' || format === 'url') ajv.addFormat(format, FULL_URL);
  return ajv;
}
