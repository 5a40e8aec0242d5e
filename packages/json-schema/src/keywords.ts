/**
 * JSON Schema 2020-12 keywords whose value holds subschemas: a map of name → schema, an array of schemas, or one
 * schema.  Walkers of a schema (this package's guard, contracts' checks) descend through these.  No Ajv here: the web
 * bundle imports it through contracts.
 */
export const SCHEMA_MAPS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
export const SCHEMA_LISTS: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
export const SCHEMA_VALUES: ReadonlySet<string> = new Set([
  'not',
  'if',
  'then',
  'else',
  'contains',
  'items',
  'additionalProperties',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
