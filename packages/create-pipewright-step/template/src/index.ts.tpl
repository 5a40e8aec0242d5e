import { defineStepPackage } from '@pipewright/step-sdk';
import { apiKeyCredential } from './api-key.credential.ts';
import { greetStep } from './greet.step.ts';

/** The package: every step and credential type it publishes.  Name and version come from package.json. */
export default defineStepPackage({
  steps: [greetStep],
  credentialTypes: [apiKeyCredential],
});
