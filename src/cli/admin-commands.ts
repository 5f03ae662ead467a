/**
 * Admin commands over the HTTP API: `bots list|create`, `tokens issue|list|rotate|revoke`
 * (a bot named by its id or its name), `channels create`. Tables for people, `--json` for
 * scripts.
 */
import { devVarsAdminToken, request, secret, UsageError } from "./config.ts";
import { table } from "./format.ts";

export interface AdminFlags {
  json: boolean;
  visibility: string | undefined;
  topic: string | undefined;
  out: (line: string) => void;
}

interface BotRow {
  id: string;
  name: string;
  kind: string;
  house_strategy: string | null;
  active: boolean;
  created_at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A bot's id from its id or its exact name (names are unique). */
async function botId(url: string, admin: string, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const { bots } = await request<{ bots: BotRow[] }>(url, "GET", "/api/bots", admin);
  const bot = bots.find((b) => b.name === idOrName);
  if (!bot) throw new UsageError(`no bot named ${idOrName} (botgate bots list shows them)`);
  return bot.id;
}

export async function adminCommand(
  url: string,
  group: string,
  verb: string | undefined,
  arg: string | undefined,
  flags: AdminFlags,
): Promise<void> {
  const { out } = flags;
  const admin = secret("BOTGATE_ADMIN_TOKEN", devVarsAdminToken);
  const need = (what: string) => {
    if (!arg)
      throw new UsageError(`botgate ${group} ${verb ?? ""} needs ${what}`.replace("  ", " "));
    return arg;
  };
  /** `--json`: the server's answer as it is; else `human`'s lines. */
  const show = (value: unknown, human: () => string) =>
    out(flags.json ? JSON.stringify(value, null, 2) : human());
  const tokenId = () => encodeURIComponent(need("a token id"));
  switch (`${group} ${verb}`) {
    case "bots list": {
      const answer = await request<{ bots: BotRow[] }>(url, "GET", "/api/bots", admin);
      return show(answer, () =>
        table(
          ["ID", "NAME", "KIND", "ACTIVE", "CREATED"],
          answer.bots.map((b) => [
            b.id,
            b.name,
            b.house_strategy ? `${b.kind} (${b.house_strategy})` : b.kind,
            b.active ? "yes" : "no",
            b.created_at,
          ]),
        ),
      );
    }
    case "bots create": {
      const bot = await request<BotRow>(url, "POST", "/api/bots", admin, { name: need("a name") });
      return show(bot, () => `Created bot ${bot.name}: ${bot.id}`);
    }
    case "tokens issue": {
      const id = await botId(url, admin, need("a bot id or name"));
      const issued = await request<{ token: string; token_id: string }>(
        url,
        "POST",
        `/api/external-api/bots/${id}/tokens`,
        admin,
      );
      return show(
        issued,
        () => `Issued token ${issued.token_id} for bot ${id} (shown once):\n${issued.token}`,
      );
    }
    case "tokens list": {
      const id = await botId(url, admin, need("a bot id or name"));
      const answer = await request<{
        tokens: Array<{ token_id: string; created_at: string; last_used_at: string | null }>;
      }>(url, "GET", `/api/external-api/bots/${id}/tokens`, admin);
      return show(answer, () =>
        table(
          ["TOKEN ID", "CREATED", "LAST USED"],
          answer.tokens.map((t) => [t.token_id, t.created_at, t.last_used_at]),
        ),
      );
    }
    case "tokens rotate": {
      const rotated = await request<{ token: string; token_id: string }>(
        url,
        "POST",
        `/api/external-api/tokens/${tokenId()}/rotate`,
        admin,
      );
      return show(rotated, () => `Rotated ${rotated.token_id} (shown once):\n${rotated.token}`);
    }
    case "tokens revoke":
      await request(url, "DELETE", `/api/external-api/tokens/${tokenId()}`, admin);
      return out("revoked");
    case "channels create": {
      const body = {
        name: need("a channel name"),
        visibility: flags.visibility ?? "public",
        ...(flags.topic === undefined ? {} : { topic: flags.topic }),
      };
      const created = await request(url, "POST", "/api/admin/channels", admin, body);
      return show(created, () => `Created channel ${body.name} (${body.visibility}).`);
    }
    default:
      throw new UsageError(`unknown command: ${group} ${verb ?? ""}`.trim());
  }
}
