/**
 * How large a schema and a value may be. Schemas come from step packages (a manifest may say anything) and values
 * from requests, so both are measured before Ajv sees them: the code Ajv generates grows with the schema, and its
 * recursion with the value.
 */
export const SCHEMA_LIMITS = {
  /** The schema as JSON text, in UTF-16 code units (what `JSON.stringify(schema).length` counts). */
  maxSchemaChars: 256 * 1024,
  /** Objects and arrays nested inside the schema (the schema itself is depth 1). */
  maxSchemaDepth: 64,
  /** Objects and arrays nested inside a value. */
  maxValueDepth: 64,
  /** A `pattern` or `patternProperties` key, in characters. */
  maxPatternChars: 512,
  /** Issues reported for one value (the rest of a huge bad value costs nothing to read). */
  maxIssues: 50,
  /** Longest schema-derived text quoted in a message (a pattern, an allowed value). */
  maxQuotedChars: 120,
  /** Compiled schemas kept by schema text. */
  cachedSchemas: 256,
  /** Compiles one Ajv instance makes before a fresh one replaces it (an instance keeps what it compiled). */
  compilesPerInstance: 1000,
} as const;
