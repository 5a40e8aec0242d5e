export * from './commands.ts';
export * from './diff.ts';
export * from './document.ts';
export * from './ids.ts';
export * from './pinned-data.ts';
