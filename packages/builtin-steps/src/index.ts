import { chatSendMessageStep, chatWebhookCredential } from '@pipewright/connector-chat-webhook';
import { mqttCredential, mqttPublishStep, mqttTrigger } from '@pipewright/connector-mqtt';
import { mysqlCredential, mysqlQueryStep } from '@pipewright/connector-mysql';
import { natsCredential, natsPublishStep, natsTrigger } from '@pipewright/connector-nats';
import { postgresCredential, postgresQueryStep } from '@pipewright/connector-postgres';
import { rabbitmqCredential, rabbitmqPublishStep, rabbitmqTrigger } from '@pipewright/connector-rabbitmq';
import { redisCommandStep, redisCredential } from '@pipewright/connector-redis';
import { smtpCredential, smtpSendStep } from '@pipewright/connector-smtp';
import { type AnyCredentialTypeDefinition, type AnyStepDefinition, genericCredentialTypes } from '@pipewright/step-sdk';
import { codeSteps } from '@pipewright/steps-code';
import { builtinSteps as coreSteps } from '@pipewright/steps-core';

/**
 * Every step type that ships with Pipewright — the one list the server's catalog and the core worker's registry
 * both use, so the palette never offers a step no worker can run.  Each comes from its own package, written with
 * the same SDK a third party uses.
 */
export const builtinStepDefinitions: AnyStepDefinition[] = [
  ...coreSteps,
  ...codeSteps,
  postgresQueryStep,
  mysqlQueryStep,
  redisCommandStep,
  rabbitmqPublishStep,
  mqttPublishStep,
  natsPublishStep,
  rabbitmqTrigger,
  mqttTrigger,
  natsTrigger,
  smtpSendStep,
  chatSendMessageStep,
];

/** Credential types the built-in steps declare, plus the generic ones (API key, basic auth, bearer, OAuth2, DB). */
export const builtinCredentialTypes: AnyCredentialTypeDefinition[] = [
  ...genericCredentialTypes,
  postgresCredential,
  mysqlCredential,
  redisCredential,
  rabbitmqCredential,
  mqttCredential,
  natsCredential,
  smtpCredential,
  chatWebhookCredential,
];
