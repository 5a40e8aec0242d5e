import { defineCredential, z } from '@pipewright/step-sdk';

/**
 * The greeting service's API key.  An admin stores it once in Pipewright (encrypted); builders pick it in the node;
 * the step reads it with `readCredential` at run time.  It never appears in a run's history or output.
 */
export const apiKeyCredential = defineCredential({
  type: '__PREFIX__.apiKey',
  version: 1,
  title: '__TITLE__ API key',
  description: 'The key the greeting service gave you.',
  fields: z.object({ apiKey: z.string().min(1) }),
  secretFields: ['apiKey'],
  ui: { apiKey: { label: 'API key' } },
});
