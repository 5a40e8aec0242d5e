export {
  base64decode,
  base64encode,
  DEFAULT_EXPRESSION_LIMITS,
  ExpressionLimitError,
  type ExpressionLimits,
} from './limits.ts';
export { LinearRegExp, RegexSyntaxError, regexProblem } from './linear-regexp.ts';
export * from './references.ts';
export * from './template.ts';
