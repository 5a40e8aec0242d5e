export { canonicalJson } from './canonical-json.ts';
export {
  type CatalogLookup,
  type CompileOptions,
  compileFlow,
  PLATFORM_RETRY,
  PLATFORM_TIMEOUT_MS,
} from './compile.ts';
export * from './plan.ts';
