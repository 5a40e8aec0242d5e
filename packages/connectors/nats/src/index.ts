export { natsCredential } from './nats.credential.ts';
export { natsTrigger } from './nats.trigger.ts';
export { natsPublishStep } from './nats-publish.step.ts';
