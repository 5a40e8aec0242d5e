{
  "name": "__NAME__",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "description": "Pipewright steps: __PREFIX__.*",
  "exports": {
    ".": "./src/index.ts"
  },
  "engines": {
    "node": ">=24"
  },
  "scripts": {
    "test": "node --test \"src/**/*.test.ts\"",
    "typecheck": "tsc -p tsconfig.json",
    "build": "pipewright-step build",
    "publish": "pipewright-step publish",
    "worker": "pipewright-step worker",
    "dev": "pipewright-step dev"
  },
  "dependencies": {
    "@pipewright/step-sdk": "link:__SDK_PATH__"
  },
  "devDependencies": {
    "@pipewright/step-worker": "link:__WORKER_PATH__",
    "@types/node": "24.19.2",
    "typescript": "5.9.3"
  }
}
