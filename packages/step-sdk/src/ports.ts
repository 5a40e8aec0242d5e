/** The ports a step's `run` receives.  The worker passes real ones; tests pass fakes (see `./testing`). */

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Already-encoded body. */
  body?: string;
  timeoutMs?: number;
  /**
   * Asks the port to parse a JSON response body as it arrives, so a large body is never held as text as well as its
   * value: `'if-json-content-type'` when the response's content-type names JSON, `'always'` whatever it says.  A port
   * may ignore this: read `json` when it is present (`'json' in response`), otherwise parse `body` yourself.
   */
  parseJson?: 'if-json-content-type' | 'always';
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The raw body text; steps parse it.  Empty when the port parsed it (`json`). */
  body: string;
  /**
   * The parsed body, present only when the request asked (`parseJson`) and the body was JSON; an empty body is
   * `null`.  A body that is not JSON comes back as `body` text when it is small (up to 1 MB) — the step decides
   * what that means — and fails the request when it is larger.
   */
  json?: unknown;
}

export interface HttpPort {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface StepLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface StepRunInfo {
  workflowId: string;
  nodeId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Stable across retries of the same node in the same run: pass it to APIs that deduplicate requests. */
  idempotencyKey: string;
}

export interface CredentialsPort {
  /** Resolves a credential slot declared by the step. */
  get(slot: string): Promise<Record<string, unknown>>;
  /**
   * For OAuth2 credentials: the service rejected the access token `get` returned (HTTP 401), so get a new one with
   * the refresh token and return the new values.  When another activity refreshed meanwhile, its token is returned
   * without a second refresh (refresh tokens may be single-use).  Other credential types return `get`'s values.
   */
  refresh(slot: string): Promise<Record<string, unknown>>;
  /** Whether the node chose a credential for this slot: for optional slots (absent on older ports: assume yes). */
  has?(slot: string): boolean;
}

export interface StepContext {
  http: HttpPort;
  log: StepLogger;
  signal: AbortSignal;
  run: StepRunInfo;
  credentials: CredentialsPort;
}
