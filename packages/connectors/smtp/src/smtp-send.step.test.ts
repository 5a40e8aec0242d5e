import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStepError, toManifest } from '@pipewright/step-sdk';
import { createTestContext, runStep, testCredential } from '@pipewright/step-sdk/testing';
import { SMTPServer } from 'smtp-server';
import { smtpCredential } from './smtp.credential.ts';
import { smtpSendStep } from './smtp-send.step.ts';

const USER = 'mailer';
const PASSWORD = 'Right-Pw-2288';

interface ReceivedMail {
  from: string;
  recipients: string[];
  raw: string;
}

/** A local SMTP sink: accepts mail for anyone, after a login with USER/PASSWORD, and records what it received. */
function startSink() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return { server, received };
}

describe('smtp.send against a local SMTP sink', () => {
  const { server, received } = startSink();
  let credential: Record<string, unknown> = {};
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.server.address();
    assert.ok(address && typeof address === 'object');
    credential = { host: '127.0.0.1', port: address.port, username: USER, password: PASSWORD };
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const send = (input: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
    runStep(smtpSendStep, input, createTestContext({ credentials: { smtp: { ...credential, ...overrides } } }));

  it('declares its credential slot', () => {
    assert.deepEqual(toManifest(smtpSendStep).credentials, { smtp: 'smtp' });
  });

  it('sends a message the server receives: envelope, headers and body', async () => {
    const output = await send({
      from: 'Pipewright <flows@example.test>',
      to: ['ada@example.test', 'grace@example.test'],
      cc: 'boss@example.test',
      subject: 'Order 42 shipped',
      text: 'Your order is on its way.',
      html: '<p>Your order is <b>on its way</b>.</p>',
    });
    assert.deepEqual(output.accepted, ['ada@example.test', 'grace@example.test', 'boss@example.test']);
    assert.deepEqual(output.rejected, []);
    assert.match(output.messageId, /^<[0-9a-f]{32}@pipewright>$/);
    const mail = received.at(-1);
    assert.ok(mail);
    assert.equal(mail.from, 'flows@example.test');
    assert.deepEqual(mail.recipients, ['ada@example.test', 'grace@example.test', 'boss@example.test']);
    assert.match(mail.raw, /^Subject: Order 42 shipped\r$/m);
    assert.match(mail.raw, /^To: ada@example\.test, grace@example\.test\r$/m);
    assert.match(mail.raw, /^Cc: boss@example\.test\r$/m);
    assert.match(mail.raw, /^From: Pipewright <flows@example\.test>\r$/m);
    assert.match(mail.raw, new RegExp(`^Message-ID: ${output.messageId}\\r$`, 'm'));
    assert.match(mail.raw, /Your order is on its way\./);
    assert.match(mail.raw, /<p>Your order is <b>on its way<\/b>\.<\/p>/);
  });

  it('gives a retried attempt the same Message-ID', async () => {
    const input = { from: 'a@example.test', to: 'b@example.test', subject: 'Once', text: 'x' };
    const first = await send(input);
    const again = await send(input);
    assert.equal(first.messageId, again.messageId);
  });

  it('needs a text or an HTML body', async () => {
    await assert.rejects(send({ from: 'a@example.test', to: 'b@example.test', subject: 's' }), /text or an HTML body/);
  });

  it('fails a wrong password without retry and without echoing it', async () => {
    await assert.rejects(
      send({ from: 'a@example.test', to: 'b@example.test', subject: 's', text: 't' }, { password: 'Fake-Pw-4411' }),
      (error: unknown) => {
        assert.ok(isStepError(error));
        assert.equal(error.retryable, false);
        assert.match(error.message, /SMTP login failed: Invalid login: 535/);
        assert.ok(!error.message.includes('Fake-Pw-4411'));
        return true;
      },
    );
  });

  it('retries when the server cannot be reached', async () => {
    await assert.rejects(
      send({ from: 'a@example.test', to: 'b@example.test', subject: 's', text: 't' }, { port: 1 }),
      (error: unknown) => {
        assert.ok(isStepError(error));
        assert.equal(error.retryable, true);
        assert.match(error.message, /SMTP send via 127\.0\.0\.1:1 failed: .*ECONNREFUSED/);
        return true;
      },
    );
  });

  it('tests a credential: login works, a wrong password does not, an unreachable server is retryable', async () => {
    await testCredential(smtpCredential, credential);
    await assert.rejects(testCredential(smtpCredential, { ...credential, password: 'nope' }), (error: unknown) => {
      assert.ok(isStepError(error) && !error.retryable);
      return true;
    });
    await assert.rejects(testCredential(smtpCredential, { ...credential, port: 1 }), (error: unknown) => {
      assert.ok(isStepError(error) && error.retryable);
      return true;
    });
  });
});
