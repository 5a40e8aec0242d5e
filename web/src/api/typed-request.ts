import { apiRequest } from './request.ts';
import type { ApiPath, MethodOf, PathParams, RequestBody, SuccessBody } from './route-types.ts';

type CallOptions<P extends ApiPath, M extends MethodOf<P>> = (keyof PathParams<P> extends never
  ? { params?: undefined }
  : { params: PathParams<P> }) &
  (RequestBody<P, M> extends undefined ? { body?: undefined } : { body: RequestBody<P, M> }) & {
    query?: Record<string, string | number | boolean | undefined>;
  };

/**
 * Calls one operation of the API contract: `callApi('get', '/api/flows/{id}', { params: { id } })` answers a
 * `FlowDetail`, typed from the route table.  Path parameters are encoded; undefined query values are left out.
 */
export function callApi<P extends ApiPath, M extends MethodOf<P>>(
  method: M,
  path: P,
  ...[options]: keyof PathParams<P> extends never
    ? RequestBody<P, M> extends undefined
      ? [options?: CallOptions<P, M>]
      : [options: CallOptions<P, M>]
    : [options: CallOptions<P, M>]
): Promise<SuccessBody<P, M>> {
  return apiRequest<SuccessBody<P, M>>(
    method.toUpperCase(),
    toUrl(path, options?.params as Record<string, string | number> | undefined, options?.query),
    options?.body,
  );
}

/** `/api/flows/{id}` with `{ id: 'a b' }` → `/flows/a%20b` (the request function adds `/api`). */
export function toUrl(
  template: string,
  params: Record<string, string | number> | undefined,
  query: Record<string, string | number | boolean | undefined> | undefined,
): string {
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`path parameter ${name} is missing for ${template}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
  const suffix = search.size > 0 ? `?${search.toString()}` : '';
  return `${path.replace(/^\/api(?=\/)/, '')}${suffix}`;
}
