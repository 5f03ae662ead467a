/**
 * `npm run openapi:types`: regenerates `examples/botgate-api.ts`, the TypeScript types of the
 * HTTP API, from the document the real Worker serves (`GET /openapi.json`), with
 * openapi-typescript. `examples/http-api.ts` is written against them, `npm run check` type-
 * checks it, and `test/e2e/openapi.test.ts` fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { startGateway } from "../test/harness/gateway.ts";

export const API_TYPES_PATH = fileURLToPath(new URL("../examples/botgate-api.ts", import.meta.url));

const HEADER = `// The HTTP API's types, generated from GET /openapi.json by \`npm run openapi:types\`
// (openapi-typescript). Do not edit: change the route() specs in src/ and regenerate.

`;

/** The file's text for a document. */
export async function renderApiTypes(document: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(document as OpenAPI3));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const gateway = await startGateway();
  try {
    const document = await (await gateway.fetch("/openapi.json")).json();
    writeFileSync(API_TYPES_PATH, await renderApiTypes(document));
    console.log(`wrote ${API_TYPES_PATH}`);
  } finally {
    await gateway.close();
  }
}
