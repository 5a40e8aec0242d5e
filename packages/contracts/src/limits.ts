/**
 * How large a contract may be. A schema is hostile input (a builder may paste anything, and it runs on the server
 * for every delivery), so its size and nesting are capped before Ajv sees it; the compiled code grows with both.
 */
export const CONTRACT_LIMITS = {
  /** The schema as JSON text, in UTF-16 code units (what `JSON.stringify(schema).length` counts). */
  maxSchemaChars: 64 * 1024,
  /** Objects and arrays nested inside the schema (the schema itself is depth 1). */
  maxSchemaDepth: 32,
  /**
   * A `pattern` or `patternProperties` key, in characters. RE2 matches in time linear in the input but also in the
   * size of the compiled program, which counted repetition (`[a-z]{0,1000}`) multiplies: the three limits below
   * keep both compiling and matching cheap (a program of 1,000 instructions checks 1 MB in tens of milliseconds).
   */
  maxPatternChars: 512,
  /** The sum of the upper bounds of a pattern's counted repetitions (`{n}`, `{n,m}`), checked before compiling. */
  maxPatternRepetition: 1000,
  /** Instructions RE2 compiles a pattern into. */
  maxPatternInstructions: 1000,
  /**
   * `uniqueItems: true` compares every pair of items unless they are scalars (Ajv's quadratic loop): such an array
   * must declare `maxItems` of at most this, so a long array cannot hold the server.
   */
  maxUniqueItems: 1000,
  /** Violations kept for a flagged delivery (the validator stops at the first one, so today this is 1). */
  maxViolations: 10,
  /** Samples an inference reads; more are ignored. */
  maxSamples: 50,
  /** Nesting an inferred schema describes; deeper values are described as anything (`{}`). */
  maxInferredDepth: 12,
  /** Properties an inferred object describes, the first by name; more are left open. */
  maxInferredProperties: 200,
} as const;
