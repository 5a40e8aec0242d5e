export * from './ids.ts';
export * from './document.ts';
export * from './commands.ts';
