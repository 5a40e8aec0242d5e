import validator from '@rjsf/validator-ajv8';

/**
 * The one validator our schema forms use (rjsf needs one even where we do not validate in the browser: the
 * inspector shows the compiler's errors, the server checks credential values).
 */
export const schemaValidator = validator;
