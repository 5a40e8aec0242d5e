export * from './envelope.ts';
export * from './keyring.ts';
export * from './master-keys.ts';
