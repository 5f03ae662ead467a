/**
 * The HTTP API from the console (history and records): same origin, the signed-in token as
 * `Authorization: Bearer`, errors as the API's envelope.
 */
import { storedToken } from "./session.ts";

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function apiGet<T>(path: string): Promise<T> {
  const token = storedToken();
  const response = await fetch(path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json().catch(() => null)) as
    | (T & { error_code?: string; message?: string })
    | null;
  if (!response.ok || body === null) {
    throw new ApiProblem(
      response.status,
      body?.error_code ?? "HTTP_ERROR",
      body?.message ?? `HTTP ${response.status}`,
    );
  }
  return body;
}
