/**
 * The worker tests' way into the Worker: `exports.default.fetch`, with every answer checked
 * against the OpenAPI document the Worker serves (`test/harness/api-contract.ts`).
 */
import { exports } from "cloudflare:workers";
import { ApiContract, type ApiDocument, answerOf } from "../harness/api-contract";

let contract: Promise<ApiContract> | undefined;

/** The served document, fetched once per test file. */
export function apiContract(): Promise<ApiContract> {
  contract ??= exports.default
    .fetch("http://botgate.test/openapi.json")
    .then((response) => response.json())
    .then((document) => new ApiContract(document as ApiDocument));
  return contract;
}

/** `exports.default.fetch(url, init)`; throws if the answer is not what the document says. */
export async function fetchChecked(url: string, init?: RequestInit): Promise<Response> {
  const response = await exports.default.fetch(url, init);
  (await apiContract()).check(init?.method ?? "GET", url, await answerOf(response));
  return response;
}
