import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one JSON error body of the HTTP API (bot protocol §8). */
export interface ErrorEnvelope {
  error_code: string;
  message: string;
  request_id: string;
}

/**
 * A failure the client caused or may act on. Thrown anywhere in a route and
 * turned into the error envelope by the app's error handler.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** 401 for every credential failure: one opaque answer, whatever the cause. */
export function unauthorized(message = "Missing or invalid credentials"): ApiError {
  return new ApiError(401, "UNAUTHORIZED", message);
}
