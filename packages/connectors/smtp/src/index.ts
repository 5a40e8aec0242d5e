export { smtpCredential } from './smtp.credential.ts';
export { smtpSendStep } from './smtp-send.step.ts';
