export { mqttCredential } from './mqtt.credential.ts';
export { mqttTrigger } from './mqtt.trigger.ts';
export { mqttPublishStep } from './mqtt-publish.step.ts';
