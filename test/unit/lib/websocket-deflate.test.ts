/**
 * The `permessage-deflate` answer (RFC 7692) to what real clients offer and to offers that
 * must be skipped.
 */
import { describe, expect, it } from "vitest";
import { deflateAnswer } from "../../../src/lib/websocket-deflate.ts";

describe("deflateAnswer", () => {
  it("answers the offers of ws, browsers and Python websockets with 4 kB windows", () => {
    // ws, Chrome, Firefox and Python websockets all offer client_max_window_bits bare.
    expect(deflateAnswer("permessage-deflate; client_max_window_bits")).toBe(
      "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
    );
    // Without client_max_window_bits the answer may not name it (§7.1.2.2).
    expect(deflateAnswer("permessage-deflate")).toBe(
      "permessage-deflate; server_max_window_bits=12",
    );
    expect(deflateAnswer("Permessage-Deflate; Client_Max_Window_Bits=15")).toBe(
      "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
    );
    // A client's cap on our window below ours is kept; one above it is lowered.
    expect(deflateAnswer("permessage-deflate; server_max_window_bits=10")).toBe(
      "permessage-deflate; server_max_window_bits=10",
    );
    expect(deflateAnswer("permessage-deflate; server_max_window_bits=15")).toBe(
      "permessage-deflate; server_max_window_bits=12",
    );
    expect(deflateAnswer("permessage-deflate; client_max_window_bits=9")).toBe(
      "permessage-deflate; server_max_window_bits=12; client_max_window_bits=9",
    );
  });

  it("accepts server_no_context_takeover only by answering it", () => {
    expect(
      deflateAnswer("permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
    ).toBe("permessage-deflate; server_no_context_takeover; server_max_window_bits=12");
  });

  it("has no answer without an offer of permessage-deflate", () => {
    expect(deflateAnswer(null)).toBeNull();
    expect(deflateAnswer("")).toBeNull();
    expect(deflateAnswer("x-webkit-deflate-frame")).toBeNull();
  });

  it("answers the first permessage-deflate offer or none", () => {
    expect(deflateAnswer("x-webkit-deflate-frame, permessage-deflate")).toBe(
      "permessage-deflate; server_max_window_bits=12",
    );
    for (const offer of [
      // The runtime settles on the first offer, so a fallback after it is not answered.
      "permessage-deflate; server_max_window_bits=8, permessage-deflate",
      // zlib's raw deflate cannot keep to an 8-bit window.
      "permessage-deflate; server_max_window_bits=8",
      "permessage-deflate; client_max_window_bits=8",
      "permessage-deflate; server_max_window_bits",
      "permessage-deflate; server_max_window_bits=16",
      "permessage-deflate; server_max_window_bits=09",
      // The runtime refuses the quoted form whatever the answer says.
      'permessage-deflate; server_max_window_bits="15"',
      "permessage-deflate; client_max_window_bits=abc",
      "permessage-deflate; server_no_context_takeover=1",
      "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
      "permessage-deflate; unknown_parameter",
    ]) {
      expect(deflateAnswer(offer), offer).toBeNull();
    }
  });
});
