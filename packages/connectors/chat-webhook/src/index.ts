export { chatSendMessageStep } from './chat-send-message.step.ts';
export { chatWebhookCredential } from './chat-webhook.credential.ts';
