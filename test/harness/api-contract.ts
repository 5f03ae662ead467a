/**
 * Checks real HTTP answers against the OpenAPI document the Worker serves: the operation
 * (or, for an unknown route, the shared `NotFound`), the status, the media type, the body
 * against the response's JSON Schema and the documented headers. A test helper that sends
 * a request calls `check` on the answer, so an undocumented status, an error code the
 * operation does not list or a body of another shape fails that test.
 *
 * Runs in Node and in workerd alike: `@cfworker/json-schema` needs no code generation.
 */
import { dereference, type Schema, validate } from "@cfworker/json-schema";

/** What the checker reads of a document (an OpenAPI 3.1 object). */
export interface ApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, ResponseObject> };
}

interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject | { $ref: string }>;
}

interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Schema }>;
}

/** One answer as the checker sees it. */
export interface Answer {
  status: number;
  headers: Headers;
  /** The body as text (`""` when empty). */
  body: string;
}

const BASE = "https://botgate.invalid/openapi.json";
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

interface Template {
  path: string;
  pattern: RegExp;
  /** Literal segments: the more, the more specific (a static segment beats a parameter). */
  literals: number;
}

export class ApiContract {
  readonly document: ApiDocument;
  readonly #lookup: Record<string, Schema | boolean>;
  readonly #templates: Template[];

  constructor(document: ApiDocument) {
    // A private copy: dereferencing marks every schema object with its URI.
    this.document = structuredClone(document);
    this.#lookup = dereference({ ...(this.document as object), $id: BASE } as Schema);
    this.#templates = Object.keys(this.document.paths).map((path) => {
      const segments = path.split("/");
      const source = segments
        .map((s) => (/^\{[^}]+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      return {
        path,
        pattern: new RegExp(`^${source}$`),
        literals: segments.filter((s) => !s.startsWith("{")).length,
      };
    });
  }

  /** The document's path template that serves `pathname`, the most specific first. */
  template(pathname: string): string | null {
    const matches = this.#templates.filter((t) => t.pattern.test(pathname));
    matches.sort((a, b) => b.literals - a.literals);
    return matches[0]?.path ?? null;
  }

  /** Throws an `Error` naming the mismatch unless `answer` is what the document says. */
  check(method: string, url: string, answer: Answer): void {
    const pathname = new URL(url, BASE).pathname;
    const verb = method.toLowerCase() === "head" ? "get" : method.toLowerCase();
    const where = `${method.toUpperCase()} ${pathname} → ${answer.status}`;
    const template = this.template(pathname);
    const operation = template ? this.document.paths[template]?.[verb] : undefined;
    if (!template || !operation || !METHODS.includes(verb)) {
      // No route: the 404, or the 401 a credential-guarded prefix answers before routing.
      const shared = { 404: "NotFound", 401: "Unauthorized" }[answer.status];
      const response = shared ? this.document.components?.responses?.[shared] : undefined;
      if (!response) {
        throw new Error(`${where}: no operation in the document serves this method and path`);
      }
      this.#checkResponse(where, `#/components/responses/${shared}`, response, answer, method);
      return;
    }
    const documented = operation.responses[String(answer.status)] ?? operation.responses.default;
    if (!documented) {
      const listed = Object.keys(operation.responses).join(", ");
      throw new Error(`${where}: ${operation.operationId} documents only ${listed}`);
    }
    const pointer = `#/paths/${pointerSegment(template)}/${verb}/responses/${answer.status}`;
    const [response, at] = this.#resolve(documented, pointer);
    this.#checkResponse(where, at, response, answer, method);
  }

  #resolve(response: ResponseObject | { $ref: string }, pointer: string): [ResponseObject, string] {
    if (!("$ref" in response)) return [response, pointer];
    const name = response.$ref.replace("#/components/responses/", "");
    const shared = this.document.components?.responses?.[name];
    if (!shared) throw new Error(`the document has no ${response.$ref}`);
    return [shared, response.$ref];
  }

  #checkResponse(
    where: string,
    pointer: string,
    response: ResponseObject,
    answer: Answer,
    method: string,
  ): void {
    for (const header of Object.keys(response.headers ?? {})) {
      if (!answer.headers.has(header)) throw new Error(`${where}: no ${header} header`);
    }
    if (answer.status === 101 || method.toUpperCase() === "HEAD") return;
    const media = Object.keys(response.content ?? {});
    if (media.length === 0) {
      if (answer.body !== "") throw new Error(`${where}: documented without a body, got one`);
      return;
    }
    const type = answer.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
    const content = response.content?.[type];
    if (!content) throw new Error(`${where}: content-type "${type}", documented ${media}`);
    if (!content.schema) return;
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new Error(`${where}: the body is not JSON: ${answer.body.slice(0, 200)}`);
    }
    const result = validate(body, content.schema, "2020-12", this.#lookup, false);
    if (!result.valid) {
      const errors = result.errors
        .filter((e) => e.keyword !== "properties" && e.keyword !== "$ref")
        .slice(0, 5)
        .map((e) => `${e.instanceLocation}: ${e.error}`);
      throw new Error(
        `${where}: the body does not match ${pointer}:\n  ${errors.join("\n  ")}\n  body: ${answer.body.slice(0, 500)}`,
      );
    }
  }
}

/** A path template as a JSON pointer segment. */
function pointerSegment(path: string): string {
  return path.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Reads a response's body for the checker without consuming it (none for an upgrade). */
export async function answerOf(response: Response): Promise<Answer> {
  const body = response.status === 101 ? "" : await response.clone().text();
  return { status: response.status, headers: response.headers, body };
}
