/** Words and small helpers for what the screens show. */
import type {
  AuditOutcome,
  Backend,
  ErrorInfo,
  MethodLocks,
  Operation,
  TokenKind,
  TokenStatus,
  TokenType,
  UnlockMethod,
} from "./types";

/** Core's words for a CENTAGATE token kind of the unregister / status calls (`TokenType::label`). */
export const TOKEN_TYPE_LABEL: Record<TokenType, string> = {
  mobile: "mobile token",
  sms: "SMS token",
  cr: "challenge-response token",
  pki: "PKI token",
};

/** The kinds of server a profile can be for. */
export const BACKEND_LABEL: Record<Backend, string> = {
  centagate: "CENTAGATE",
  securid: "SecurID Cloud",
};

/** SecurID's lockable methods, in the order the server reports them. */
export const UNLOCK_METHODS: UnlockMethod[] = ["TOKEN", "SMS", "VOICE"];

export const METHOD_LABEL: Record<UnlockMethod, string> = {
  TOKEN: "Token",
  SMS: "SMS",
  VOICE: "Voice",
};

/** What each method is, for the person choosing what to unlock. */
export const METHOD_HINT: Record<UnlockMethod, string> = {
  TOKEN: "Authenticate app or hardware tokencode",
  SMS: "tokencode by text message",
  VOICE: "tokencode by phone call",
};

export function methodLocked(
  l: Pick<MethodLocks, "tokenLocked" | "smsLocked" | "voiceLocked">,
  m: UnlockMethod,
): boolean {
  return m === "TOKEN" ? l.tokenLocked : m === "SMS" ? l.smsLocked : l.voiceLocked;
}

export const KIND_LABEL: Record<TokenKind, string> = {
  sms: "SMS",
  otp: "OTP token",
  fido: "FIDO key",
  unknown: "Unknown",
};

/** Badge text and tone for a token status. */
export const STATUS_BADGE: Record<TokenStatus, { text: string; tone: string }> = {
  active: { text: "active", tone: "ok" },
  activeLocked: { text: "locked", tone: "bad" },
  pending: { text: "pending", tone: "warn" },
  pendingLocked: { text: "pending, locked", tone: "bad" },
  inactive: { text: "inactive", tone: "muted" },
  unknown: { text: "unknown", tone: "muted" },
};

export const OPERATION_LABEL: Record<Operation, string> = {
  register: "Register",
  sync: "Resync",
  unlock: "Unlock",
  listMethods: "Find user",
  lookupUser: "Look up user",
  unlockMethods: "Unlock tokencodes",
  testProfile: "Test connection",
  addProfile: "Add profile",
  editProfile: "Edit profile",
  removeProfile: "Remove profile",
  replaceCredentials: "Replace credentials",
  signIn: "Sign in",
  secondFactor: "Sign-in code",
  requestSmsCode: "Send SMS code",
  signOut: "Sign out",
  unregisterToken: "Unregister token",
  tokenStatus: "Token status",
  setTokenStatus: "Set token status",
  unlockUser: "Unlock account",
  enableUser: "Enable user",
  disableUser: "Disable user",
  searchUsers: "Search users",
  emergencyCode: "Emergency tokencode",
  lookupToken: "Look up hardware token",
  openCase: "Open case",
  confirmIdentity: "Confirm identity",
  closeCase: "Close case",
};

/**
 * An audit entry's operation in words; an operation this build does not know (written by a
 * newer TokenDesk) as it is recorded.
 */
export function operationLabel(operation: string): string {
  return Object.hasOwn(OPERATION_LABEL, operation)
    ? OPERATION_LABEL[operation as Operation]
    : operation;
}

/** Badge text and tone of an audit outcome: `unknown` stands out (the server may or may not
 * have applied it), `inProgress` is still waiting for its answer. */
export const OUTCOME_BADGE: Record<AuditOutcome, { text: string; tone: string }> = {
  ok: { text: "done", tone: "ok" },
  failed: { text: "failed", tone: "bad" },
  unknown: { text: "unknown", tone: "warn" },
  inProgress: { text: "in progress", tone: "muted" },
};

export const ERROR_KIND_LABEL: Record<ErrorInfo["kind"], string> = {
  input: "Not sent: invalid input",
  server: "The server refused",
  transport: "Connection problem",
  config: "Setup problem",
};

export function isLocked(s: TokenStatus): boolean {
  return s === "activeLocked" || s === "pendingLocked";
}

/** The text "Copy details" puts on the clipboard, for a ticket. */
export function errorDetails(
  e: ErrorInfo,
  context: { action?: string; profile?: string | null; username?: string; at?: Date } = {},
): string {
  const lines = [
    `TokenDesk: ${e.title}`,
    context.action ? `Action: ${context.action}` : null,
    context.username ? `User: ${context.username}` : null,
    context.profile ? `Profile: ${context.profile}` : null,
    `Kind: ${e.kind} (${ERROR_KIND_LABEL[e.kind]})`,
    `Code: ${e.code ?? "none"}`,
    `Server message: ${e.serverMessage ?? "none"}`,
    `What to do: ${e.hint}`,
    `Time: ${(context.at ?? new Date()).toISOString()}`,
  ];
  return lines.filter((l) => l !== null).join("\n");
}

/** "14:03:07" for a time today (local), "29 Nov 2026, 14:03:07" for another day. */
export function whenOf(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (d.toDateString() === now.toDateString()) return timeOf(iso);
  const day = d.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" });
  return `${day}, ${timeOf(iso)}`;
}

export function timeOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
}

/** Splits "123456 654321" (or "123456-654321", two lines, …) into two codes, else null. */
export function splitCodePair(text: string): [string, string] | null {
  const groups = text.match(/\d+/g);
  if (!groups) return null;
  if (groups.length === 2 && groups.every((g) => g.length >= 6 && g.length <= 8))
    return [groups[0], groups[1]];
  const joined = groups.join("");
  if (groups.length === 1 && (joined.length === 12 || joined.length === 16)) {
    const h = joined.length / 2;
    return [joined.slice(0, h), joined.slice(h)];
  }
  return null;
}

/** A Unix time as the local clock shows it, hours and minutes ("14:32"). */
export function localTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** Seconds as a countdown: "4:05", "29:59". */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
