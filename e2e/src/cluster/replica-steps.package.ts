/**
 * A step package whose one step says which worker replica ran it: the package the step-package scenario publishes
 * and runs with `pipewright-step worker`, twice (PIPEWRIGHT_REPLICA names each replica).
 */
import { defineStep, defineStepPackage, z } from '@pipewright/step-sdk';

export const REPLICA_PACKAGE = { name: 'replica-steps', version: '1.0.0' };

const whichReplica = defineStep({
  type: 'replica-steps.whichReplica',
  version: 1,
  kind: 'action',
  title: 'Which replica',
  description: 'Answers the name of the package worker replica that ran it',
  input: z.object({ label: z.string() }),
  output: z.object({ label: z.string(), replica: z.string(), pid: z.number() }),
  async run(input) {
    return { label: input.label, replica: process.env.PIPEWRIGHT_REPLICA ?? 'unnamed', pid: process.pid };
  },
});

export default defineStepPackage({ steps: [whichReplica] });
