export { rabbitmqCredential } from './rabbitmq.credential.ts';
export { rabbitmqTrigger } from './rabbitmq.trigger.ts';
export { rabbitmqPublishStep } from './rabbitmq-publish.step.ts';
