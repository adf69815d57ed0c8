/** Problems of API v1 that are about the HTTP request itself rather than the clinic's rules. */
import { DomainError } from "~/utils/errors.server";
import { formatBytes } from "~/utils/body-limit.server";
import { problemType } from "~/utils/problem.server";

/** A request the server cannot read at all: malformed JSON, a wrong content type or method, a body too large. */
export class ApiRequestError extends DomainError {
  constructor(
    readonly status: 400 | 405 | 413 | 415,
    readonly problemType: string,
    readonly title: string,
    detail: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {
    super(detail);
  }
  override headers() {
    return this.extraHeaders;
  }
}

export const badRequest = (detail: string) => new ApiRequestError(400, problemType("bad-request"), "Bad request", detail);

/** 413, the same document the server sends when it refuses a body where the request enters. */
export class BodyTooLargeProblem extends ApiRequestError {
  constructor(readonly maxBytes: number) {
    super(413, problemType("payload-too-large"), "Request body too large", `The body may be at most ${formatBytes(maxBytes)}.`);
  }
  override extensions() {
    return { maxBytes: this.maxBytes };
  }
}
