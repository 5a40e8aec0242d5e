// What the server needs to manage polling triggers, without importing the worker itself.
export * from './contract.ts';
export { deletePollSchedule, upsertPollSchedule } from './poll-schedule.ts';
