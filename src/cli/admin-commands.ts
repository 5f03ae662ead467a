import { devVarsAdminToken, request, secret, UsageError } from "./config.ts";

/** Admin commands over the HTTP API: `bots list|create`, `tokens issue|list|rotate|revoke`. */
export async function adminCommand(
  url: string,
  group: string,
  verb: string | undefined,
  arg: string | undefined,
  out: (line: string) => void,
): Promise<void> {
  const admin = secret("BOTGATE_ADMIN_TOKEN", devVarsAdminToken);
  const need = (what: string) => {
    if (!arg) throw new UsageError(`botgate ${group} ${verb} needs ${what}`);
    return encodeURIComponent(arg);
  };
  const print = (value: unknown) => out(JSON.stringify(value, null, 2));
  switch (`${group} ${verb}`) {
    case "bots list":
      return print(await request(url, "GET", "/api/bots", admin));
    case "bots create":
      return print(await request(url, "POST", "/api/bots", admin, { name: arg ?? need("a name") }));
    case "tokens issue":
      return print(
        await request(url, "POST", `/api/external-api/bots/${need("a bot id")}/tokens`, admin),
      );
    case "tokens list":
      return print(
        await request(url, "GET", `/api/external-api/bots/${need("a bot id")}/tokens`, admin),
      );
    case "tokens rotate":
      return print(
        await request(url, "POST", `/api/external-api/tokens/${need("a token id")}/rotate`, admin),
      );
    case "tokens revoke":
      await request(url, "DELETE", `/api/external-api/tokens/${need("a token id")}`, admin);
      return out("revoked");
    default:
      throw new UsageError(`unknown command: ${group} ${verb ?? ""}`);
  }
}
