# __NAME__

Pipewright steps (`__PREFIX__.*`), written with `@pipewright/step-sdk`.

| File | What it is |
| --- | --- |
| `src/greet.step.ts` | The `__PREFIX__.greet` step: input/output zod schemas, UI hints, `run(input, ctx)` |
| `src/api-key.credential.ts` | The `__PREFIX__.apiKey` credential type the step's `api` slot uses |
| `src/greet.step.test.ts` | Tests with the SDK's `testing` entry: fake HTTP, fake credentials |
| `src/index.ts` | `defineStepPackage({ steps, credentialTypes })`: what gets published |

## Develop

```sh
pnpm install
pnpm test                     # node --test, no server needed
export PIPEWRIGHT_URL=http://localhost:8080 PIPEWRIGHT_TOKEN=pw_…   # a developer's API token
export TEMPORAL_ADDRESS=127.0.0.1:7233
pnpm dev                      # publishes <version>-dev.<hash> and runs the worker; again on every save
```

Open the editor: the steps are in the palette under **__NAME__**, with a *live* badge while a worker runs.

## Release

```sh
pnpm typecheck && pnpm build  # checks the package, writes dist/pipewright-manifest.json
pnpm run publish              # registers __NAME__@<version> (a version is immutable: bump it to change it)
pnpm worker                   # serves the steps on the package's own task queue (run it where your workers run)
```

Runs that reach a step of this package while no worker runs wait, and go on when one starts.

## Changing a step's input or output

Bump the step's `version` and add `migrate(oldConfig, fromVersion)` returning the new config.  Flows keep the
version they were built with; the editor offers "Upgrade to vN" on their nodes and runs your `migrate`.
