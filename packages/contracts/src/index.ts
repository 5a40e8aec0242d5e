export { formatPath, type PathSegment } from '@pipewright/json-schema/paths';
export {
  type CompileContractResult,
  type CompiledContract,
  type ContractVerdict,
  type ContractViolation,
  checkContractSchema,
  compileContract,
} from './compile-contract.ts';
export { inferSchema, type JsonSchema } from './infer-schema.ts';
export { CONTRACT_LIMITS } from './limits.ts';
export { type ContractProblem, JSON_SCHEMA_2020 } from './schema-checks.ts';
export { CONTRACT_FORMATS } from './shared-ajv.ts';

/** What a webhook does with a delivery whose body breaks its contract. */
export const CONTRACT_MODES = ['off', 'reject', 'flag'] as const;
export type ContractMode = (typeof CONTRACT_MODES)[number];
