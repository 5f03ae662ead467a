/**
 * The `permessage-deflate` answer (RFC 7692) every botgate socket gives a client that offers
 * compression: compression as offered, with 4 kB windows — `server_max_window_bits=12`, and
 * `client_max_window_bits=12` when the offer has that parameter (a server may only answer it
 * then, §7.1.2.2), or the smaller windows the offer asks for.
 *
 * Why: the runtime keeps a socket's zlib state for the socket's lifetime once the socket has
 * sent a frame, and with the default 32 kB windows that is over a third of what an idle
 * channel socket costs (docs/benchmarks.md, "Issue 18, third pass"); 4 kB windows hold
 * ~120 kB less a socket and still compress a match's frames 8.7× (13× at full windows, 2.4×
 * at 512 bytes; Python `websockets`' docs give 11-bit windows as memory-saving settings). The
 * runtime takes a `Sec-WebSocket-Extensions` header on the 101 as the negotiated answer;
 * with none it answers the offer itself, with full windows.
 *
 * The first `permessage-deflate` offer is answered (the runtime settles on that one whatever
 * the 101 names); it has no answer if it is malformed (an unknown or repeated parameter, a
 * bad or quoted value) or asks for windows under 9 bits (zlib's raw deflate cannot honour 8).
 * With no answer the 101 carries no header and the runtime answers the offer as it would
 * without us.
 *
 * Written here rather than taken from a library: the negotiators that exist (`ws`'s
 * `PerMessageDeflate`) come with their own zlib streams, and the runtime does the compression.
 */

/** The window of both directions at most, in bits (2^12 = 4 kB). */
export const DEFLATE_WINDOW_BITS = 12;
/** zlib's raw deflate cannot keep to an 8-bit window: an offer asking for one is not answered. */
const MIN_WINDOW_BITS = 9;

/** The `Sec-WebSocket-Extensions` to answer `offers` with, or null for none. */
export function deflateAnswer(offers: string | null): string | null {
  if (!offers) return null;
  for (const offer of offers.split(",")) {
    const [name = "", ...params] = offer.split(";").map((part) => part.trim());
    // The runtime settles on the first permessage-deflate offer: that one is answered or none.
    if (name.toLowerCase() === "permessage-deflate") return answerOffer(params);
  }
  return null;
}

function answerOffer(params: string[]): string | null {
  const seen = new Set<string>();
  const answer = ["permessage-deflate"];
  let serverBits = DEFLATE_WINDOW_BITS;
  let clientBits: number | null = null;
  for (const param of params) {
    const at = param.indexOf("=");
    const key = (at < 0 ? param : param.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? undefined : param.slice(at + 1).trim();
    if (seen.has(key)) return null;
    seen.add(key);
    switch (key) {
      case "server_no_context_takeover":
        if (value !== undefined) return null;
        // An offer with it is accepted only by answering it (§7.1.1.1).
        answer.push(key);
        break;
      case "client_no_context_takeover":
        // A hint about the client's own compressor; the answer may leave it out (§7.1.1.2).
        if (value !== undefined) return null;
        break;
      case "server_max_window_bits": {
        // The client's cap on our window: answered with it or a smaller one (§7.1.2.1).
        const bits = windowBits(value);
        if (bits === null) return null;
        serverBits = Math.min(serverBits, bits);
        break;
      }
      case "client_max_window_bits": {
        const bits = value === undefined ? DEFLATE_WINDOW_BITS : windowBits(value);
        if (bits === null) return null;
        clientBits = Math.min(DEFLATE_WINDOW_BITS, bits);
        break;
      }
      default:
        return null;
    }
  }
  if (serverBits < MIN_WINDOW_BITS || (clientBits !== null && clientBits < MIN_WINDOW_BITS)) {
    return null;
  }
  answer.push(`server_max_window_bits=${serverBits}`);
  if (clientBits !== null) answer.push(`client_max_window_bits=${clientBits}`);
  return answer.join("; ");
}

/**
 * A window-bits value (8–15, §7.1.2), or null. The quoted form RFC 6455's grammar allows is
 * refused: the runtime refuses such an offer whatever the 101 says.
 */
function windowBits(value: string | undefined): number | null {
  if (value === undefined) return null;
  return /^(?:[89]|1[0-5])$/.test(value) ? Number(value) : null;
}
