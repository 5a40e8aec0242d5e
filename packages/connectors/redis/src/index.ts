export { redisCredential } from './redis.credential.ts';
export { redisCommandStep } from './redis-command.step.ts';
