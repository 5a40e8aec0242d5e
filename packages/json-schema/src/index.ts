export { type CheckOptions, checkValue, copyValue, type SchemaIssue, type ValueCheck } from './check-value.ts';
export { type CompiledSchema, compileSchema } from './compile-schema.ts';
export { createSchemaAjv, SCHEMA_FORMATS, type SchemaAjvOptions } from './create-ajv.ts';
export { SCHEMA_LIMITS } from './limits.ts';
export { describeError, describeValue } from './messages.ts';
export { formatPath, type PathSegment, pointerSegments, typedSegments, valueAt } from './paths.ts';
export { patternRisk } from './pattern-risk.ts';
export { type PreparedSchema, prepareSchema, problemAt, type SchemaProblem } from './schema-guard.ts';
export { applyDefaults, closeObjects } from './schema-transforms.ts';
