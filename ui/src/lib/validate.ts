/**
 * The input rules of crates/core/src/validate.rs and ProfileDraft::validate
 * (crates/core/src/profiles.rs), for inline validation as the person types. Same rules, same
 * field names, same rule texts, same normalised values: validation-vectors.json pins both
 * sides (Vitest here; crates/core should read the same file).
 */
import type { Field } from "./types";

export type Invalid = { ok: false; field: Field; rule: string; message: string };
export type Valid<T> = { ok: true; value: T };
export type Checked<T> = Valid<T> | Invalid;

/** The field's name as a person reads it (Field::label). */
export const FIELD_LABELS: Record<Field, string> = {
  username: "Username",
  phone: "Phone number",
  serial: "Token serial",
  otp1: "First code",
  otp2: "Second code",
  profileName: "Profile name",
  url: "Server URL",
  adminUsername: "Admin username",
  basePath: "Base path",
  timeout: "Timeout",
  authToken: "Auth token",
  secretCode: "Secret code",
  caFile: "CA certificate file",
  keyFile: "API key file",
  email: "Email address",
  userId: "User ID",
  methods: "Methods to unlock",
  since: "Since",
  until: "Until",
  integrationKey: "Integration Key",
  appSecretKey: "App Secret Key",
  authBasePath: "Auth base path",
  password: "Password",
  signInCode: "Sign-in code",
  tokenKind: "Token kind",
  tokenStatus: "Token status",
  pageSize: "Page size",
  validity: "Validity",
  tokenName: "Token name",
  csvFile: "CSV file",
  bulkOperation: "Bulk operation",
  concurrency: "Concurrency",
  ticket: "Ticket number",
  caseId: "Case id",
  identityChecks: "Identity checks",
};

export const RULES = {
  empty: "must not be empty",
  usernameLength: "must be at most 128 characters",
  control: "must not contain control characters (tabs, line breaks)",
  phone:
    "must be 7 to 15 digits, optionally starting with +; spaces, dashes and brackets are allowed",
  serial: "must be 1 to 64 letters, digits, - or _",
  otp: "must be 6 to 8 digits",
  otpSameLength: "must have as many digits as the first code",
  otpDiffer: "must differ from the first code: ask for the next code the token shows",
  profileName: "must be 1 to 64 letters, digits, -, _ or .",
  urlParse: "must be a full address such as https://mfa.example.com",
  urlHttp:
    "must use https:// — plain http:// is allowed only for this computer (localhost, 127.0.0.1, [::1])",
  urlScheme: "must be an https:// address with a host name",
  urlUserinfo: "must not contain a user name or password",
  urlQuery: "must not contain ? or #",
  basePath: "must start with / and contain no spaces, ? or #",
  timeout: "must be between 1 and 600 seconds",
  adminSegment: "must not be . or .. (it cannot be sent as a URL path segment)",
  email: "must look like name@example.com (one @, no spaces)",
  keyFile: "must be given: the .json API key file from the Cloud Administration Console",
  methods: "choose at least one of token, SMS and voice",
  auditTime: "must be a date (2026-11-29) or an RFC 3339 time (2026-11-29T14:00:00Z)",
} as const;

export const MAX_USERNAME_CHARS = 128;
export const DEFAULT_BASE_PATH = "/CentagateWS/webresources";
export const DEFAULT_TIMEOUT_SECS = 30;
export const DEFAULT_CONNECT_TIMEOUT_SECS = 10;
export const MAX_TIMEOUT_SECS = 600;

function invalid(field: Field, rule: string): Invalid {
  return { ok: false, field, rule, message: `${FIELD_LABELS[field]}: ${rule}` };
}

// Rust's char::is_whitespace (Unicode White_Space). JS's \s differs (it has U+FEFF, lacks U+0085).
const WS =
  "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, "gu");
const ANY_WS = new RegExp(`[${WS}]`, "gu");
const HAS_WS = new RegExp(`[${WS}]`, "u");

/** str::trim. */
export function rustTrim(s: string): string {
  return s.replace(TRIM, "");
}

const chars = (s: string) => [...s].length;
const isControl = (c: string) => /^\p{Cc}$/u.test(c);
const isAlphanumeric = (c: string) => /^[\p{Alphabetic}\p{N}]$/u.test(c);

/** A username (of a user or an admin): trimmed, 1–128 characters, no control characters. */
export function username(raw: string, field: Field = "username"): Checked<string> {
  const v = rustTrim(raw);
  if (v === "") return invalid(field, RULES.empty);
  if (chars(v) > MAX_USERNAME_CHARS) return invalid(field, RULES.usernameLength);
  if ([...v].some(isControl)) return invalid(field, RULES.control);
  return { ok: true, value: v };
}

/**
 * An email address to look a SecurID user up by, as core checks it: trimmed, at most 254
 * characters, one @ with a local part of 1–64 characters and a dotted domain, no spaces or
 * control characters. The server has the last word.
 */
export function email(raw: string): Checked<string> {
  const v = rustTrim(raw);
  if (v === "") return invalid("email", RULES.empty);
  if (chars(v) > 254 || HAS_WS.test(v) || [...v].some(isControl))
    return invalid("email", RULES.email);
  const at = v.indexOf("@");
  if (at < 0) return invalid("email", RULES.email);
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  const domainOk =
    domain !== "" &&
    !domain.includes("@") &&
    domain.includes(".") &&
    !domain.startsWith(".") &&
    !domain.endsWith(".") &&
    !domain.includes("..");
  if (local === "" || chars(local) > 64 || !domainOk) return invalid("email", RULES.email);
  return { ok: true, value: v };
}

/** The admin a profile signs for: a username that can also be a URL path segment. */
export function adminUsername(raw: string): Checked<string> {
  const c = username(raw, "adminUsername");
  if (c.ok && (c.value === "." || c.value === ".."))
    return invalid("adminUsername", RULES.adminSegment);
  return c;
}

/** An SMS number: optional leading +, separators removed, then 7–15 digits. */
export function phone(raw: string): Checked<string> {
  const v = rustTrim(raw);
  const plus = v.startsWith("+") ? "+" : "";
  const rest = plus ? v.slice(1) : v;
  const digits = rest.replace(/[ \-()]/g, "");
  if (!/^[0-9]{7,15}$/.test(digits)) return invalid("phone", RULES.phone);
  return { ok: true, value: plus + digits };
}

/** A hardware token serial: 1–64 ASCII letters, digits, - and _. */
export function serial(raw: string): Checked<string> {
  const v = rustTrim(raw);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) return invalid("serial", RULES.serial);
  return { ok: true, value: v };
}

/** One OTP code, whitespace removed: 6–8 digits. */
export function otp(raw: string, field: "otp1" | "otp2"): Checked<string> {
  const v = raw.replace(ANY_WS, "");
  if (!/^[0-9]{6,8}$/.test(v)) return invalid(field, RULES.otp);
  return { ok: true, value: v };
}

/** Two consecutive OTP codes: each 6–8 digits, the same length, not equal. */
export function otpPair(otp1: string, otp2: string): Checked<[string, string]> {
  const a = otp(otp1, "otp1");
  if (!a.ok) return a;
  const b = otp(otp2, "otp2");
  if (!b.ok) return b;
  if (a.value.length !== b.value.length) return invalid("otp2", RULES.otpSameLength);
  if (a.value === b.value) return invalid("otp2", RULES.otpDiffer);
  return { ok: true, value: [a.value, b.value] };
}

/** A profile name: 1–64 letters, digits, -, _ and . (safe as a file key and store entry). */
export function profileName(raw: string): Checked<string> {
  const v = rustTrim(raw);
  const cs = [...v];
  if (cs.length < 1 || cs.length > 64 || !cs.every((c) => isAlphanumeric(c) || "-_.".includes(c)))
    return invalid("profileName", RULES.profileName);
  return { ok: true, value: v };
}

function isLoopback(u: URL): boolean {
  const h = u.hostname.toLowerCase();
  if (h === "localhost") return true;
  if (h === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The server URL: returns the origin (scheme, host, port) and the path it carried. */
export function serverUrl(raw: string): Checked<{ origin: string; path: string }> {
  const v = rustTrim(raw);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return invalid("url", RULES.urlParse);
  }
  const scheme = u.protocol.replace(/:$/, "");
  if (scheme === "https" && u.hostname !== "") {
    // accepted
  } else if (scheme === "http" && isLoopback(u)) {
    // accepted: this computer only
  } else if (scheme === "http") {
    return invalid("url", RULES.urlHttp);
  } else {
    return invalid("url", RULES.urlScheme);
  }
  if (u.username !== "" || u.password !== "") return invalid("url", RULES.urlUserinfo);
  if (u.search !== "" || u.hash !== "" || /[?#]/.test(v)) return invalid("url", RULES.urlQuery);
  return { ok: true, value: { origin: u.origin, path: u.pathname.replace(/\/+$/, "") } };
}

/** A web-services base path. */
export function basePath(raw: string): Checked<string> {
  const p = rustTrim(raw).replace(/\/+$/, "");
  const bad = new RegExp(`[${WS}?#\\\\]|\\p{Cc}`, "u");
  if (!p.startsWith("/") || bad.test(p)) return invalid("basePath", RULES.basePath);
  return { ok: true, value: p };
}

/** A timeout in whole seconds, 1–600; empty means the default. */
export function timeout(raw: string): Checked<number | null> {
  const v = rustTrim(raw);
  if (v === "") return { ok: true, value: null };
  if (!/^[0-9]+$/.test(v)) return invalid("timeout", RULES.timeout);
  const n = Number(v);
  if (n < 1 || n > MAX_TIMEOUT_SECS) return invalid("timeout", RULES.timeout);
  return { ok: true, value: n };
}

/** The profile form, as the person typed it (the CA file is chosen in a dialog: lib/profileEdit.ts). */
export type ProfileForm = {
  name: string;
  url: string;
  admin: string;
  basePath: string;
  timeout: string;
};

/** What ProfileDraft::validate builds (minus the CA file, which only the backend can check). */
export type NormalisedProfile = {
  name: string;
  url: string;
  admin: string;
  basePath: string;
  timeoutSecs: number;
  connectTimeoutSecs: number;
};

/** Every field's first problem, for showing all of them at once beside their fields. */
export type ProfileErrors = Partial<Record<Field, Invalid>>;

/**
 * Checks the whole profile form. `first` is the error ProfileDraft::validate would return (it
 * stops at the first, in the order name, url, base path, admin, timeout); `errors` holds every
 * field's problem for inline display.
 */
export function profileDraft(form: ProfileForm): {
  errors: ProfileErrors;
  first: Invalid | null;
  value: NormalisedProfile | null;
} {
  const errors: ProfileErrors = {};
  const order: Invalid[] = [];
  const note = <T>(c: Checked<T>): T | undefined => {
    if (c.ok) return c.value;
    if (!errors[c.field]) errors[c.field] = c;
    order.push(c);
    return undefined;
  };
  const name = note(profileName(form.name));
  const url = note(serverUrl(form.url));
  const bp = rustTrim(form.basePath) !== "" ? note(basePath(form.basePath)) : undefined;
  const admin = note(adminUsername(form.admin));
  const t = note(timeout(form.timeout));
  const first = order[0] ?? null;
  if (first || name === undefined || url === undefined || admin === undefined || t === undefined)
    return { errors, first, value: null };
  const timeoutSecs = t ?? DEFAULT_TIMEOUT_SECS;
  return {
    errors,
    first: null,
    value: {
      name,
      url: url.origin,
      admin,
      basePath: bp ?? (url.path !== "" ? url.path : DEFAULT_BASE_PATH),
      timeoutSecs,
      connectTimeoutSecs: Math.min(DEFAULT_CONNECT_TIMEOUT_SECS, timeoutSecs),
    },
  };
}

/** A secret field: required when set or replaced. No rule beyond non-empty in core. */
export function secret(
  raw: string,
  field: "authToken" | "secretCode" | "appSecretKey" | "integrationKey" | "password" | "signInCode",
): Checked<string> {
  if (raw.trim() === "") return invalid(field, RULES.empty);
  return { ok: true, value: raw };
}
