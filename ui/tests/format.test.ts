import { describe, expect, it } from "vitest";
import { errorDetails, isLocked, splitCodePair, STATUS_BADGE } from "../src/lib/format";

describe("splitting a pasted code pair", () => {
  it.each([
    ["123456 654321", ["123456", "654321"]],
    ["  123456\n654321 ", ["123456", "654321"]],
    ["123456-654321", ["123456", "654321"]],
    ["12345678 87654321", ["12345678", "87654321"]],
    ["123456654321", ["123456", "654321"]],
  ])("%j", (text, want) => expect(splitCodePair(text)).toEqual(want));
  it.each(["123456", "12345 654321", "abc", "", "1 2 3"])("%j is not a pair", (text) =>
    expect(splitCodePair(text)).toBeNull(),
  );
});

describe("words", () => {
  it("badges every token status; locked ones are bad", () => {
    expect(STATUS_BADGE.activeLocked).toEqual({ text: "locked", tone: "bad" });
    expect(STATUS_BADGE.pending.tone).toBe("warn");
    expect(isLocked("pendingLocked")).toBe(true);
    expect(isLocked("active")).toBe(false);
  });
  it("writes ticket details with every field", () => {
    const text = errorDetails(
      {
        kind: "server",
        code: 54002,
        title: "The two codes did not match the token",
        hint: "Ask again.",
        serverMessage: "Sync OTP failed",
      },
      { action: "Resync", profile: "prod", username: "erin", at: new Date("2026-01-02T03:04:05Z") },
    );
    expect(text).toBe(
      [
        "TokenDesk: The two codes did not match the token",
        "Action: Resync",
        "User: erin",
        "Profile: prod",
        "Kind: server (The server refused)",
        "Code: 54002",
        "Server message: Sync OTP failed",
        "What to do: Ask again.",
        "Time: 2026-01-02T03:04:05.000Z",
      ].join("\n"),
    );
  });
});
