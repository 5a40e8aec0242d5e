import {
  abortable,
  connectorError,
  errorMessage,
  isTransientNetworkError,
  lazyModule,
} from '@pipewright/connectors-common';
import { isStepError, type StepError } from '@pipewright/step-sdk';
import type { Transporter } from 'nodemailer';

/** nodemailer, loaded by the first send: a server or worker that sends no e-mail does not carry it. */
const loadNodemailer = lazyModule(async () => (await import('nodemailer')).default);

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  username?: string | undefined;
  password: string;
}

const TIMEOUT_MS = 15_000;

/**
 * Opens one SMTP session for `work` and always closes it (pooling comes later).  nodemailer takes no signal: on
 * abort the step stops waiting at once, and the session ends by its own socket timeout.
 */
export async function withSmtpTransport<T>(
  settings: SmtpSettings,
  signal: AbortSignal,
  work: (transport: Transporter) => Promise<T>,
): Promise<T> {
  const { createTransport } = await loadNodemailer();
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.username ? { auth: { user: settings.username, pass: settings.password } } : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    return await abortable(signal, 'SMTP', work(transport), () => transport.close());
  } catch (error) {
    throw toSmtpStepError(error, settings);
  } finally {
    transport.close();
  }
}

/** nodemailer's codes for failures worth a retry: the connection, DNS lookups, socket timeouts. */
const RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

export function toSmtpStepError(error: unknown, settings: SmtpSettings): StepError {
  if (isStepError(error)) return error;
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  const responseCode: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'responseCode') : undefined;
  // A server reply decides when there is one: 4xx is "try again later", 5xx is final (bad login, unknown recipient).
  const retryable =
    typeof responseCode === 'number'
      ? responseCode >= 400 && responseCode < 500
      : isTransientNetworkError(error) || (typeof code === 'string' && RETRYABLE_CODES.has(code));
  const prefix = code === 'EAUTH' ? 'SMTP login failed' : `SMTP send via ${settings.host}:${settings.port} failed`;
  return connectorError(`${prefix}: ${errorMessage(error)}`, {
    retryable,
    secrets: settings.password ? [settings.password] : [],
    details: {
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof responseCode === 'number' ? { responseCode } : {}),
    },
  });
}
