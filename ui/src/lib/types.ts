/**
 * THE COMMAND CONTRACT between this UI and the Tauri shell (src-tauri/).
 *
 * The Rust commands must accept and return exactly these shapes (serde camelCase). Types that
 * core already exports through ts-rs are imported from ../bindings; the ones below are not
 * (yet) generated and the shell must match them by hand — or derive ts-rs for them and
 * replace these definitions with re-exports. Every command rejects with an ErrorInfo.
 * Documented in ui/README.md ("Command contract").
 */
import type { ErrorInfo } from "../bindings/ErrorInfo";
import type { Operation } from "../bindings/Operation";
import type { Profile } from "../bindings/Profile";

export type { AuthMethods } from "../bindings/AuthMethods";
export type { Certificate } from "../bindings/Certificate";
export type { ConnectionCheck } from "../bindings/ConnectionCheck";
export type { Device } from "../bindings/Device";
export type { ErrorInfo } from "../bindings/ErrorInfo";
export type { ErrorKind } from "../bindings/ErrorKind";
export type { Field } from "../bindings/Field";
export type { NewToken } from "../bindings/NewToken";
export type { Operation } from "../bindings/Operation";
export type { Outcome } from "../bindings/Outcome";
export type { Profile } from "../bindings/Profile";
export type { ProfileDraft } from "../bindings/ProfileDraft";
export type { RegisterTokenRequest } from "../bindings/RegisterTokenRequest";
export type { SyncTokenRequest } from "../bindings/SyncTokenRequest";
export type { TokenMethod } from "../bindings/TokenMethod";
export type { TokenKind } from "../bindings/TokenKind";
export type { TokenStatus } from "../bindings/TokenStatus";
export type { UserRequest } from "../bindings/UserRequest";

/** One entry of `list_profiles`. `profile.name` is skipped by serde, so the name is here. */
export type ProfileSummary = {
  /** The profile's name (the key in profiles.toml). */
  name: string;
  profile: Profile;
  /** Whether an auth token and secret code are stored for it (never their values). */
  credentialsStored: boolean;
  /** True for the profile practice mode created (its server runs inside the app). */
  practice: boolean;
};

/** The two CENTAGATE credentials. Sent to the backend only; never returned by any command. */
export type Secrets = { authToken: string; secretCode: string };

/** One action taken since the app started, newest last. */
export type ActivityEntry = {
  /** ISO 8601 time. */
  at: string;
  profile: string;
  operation: Operation;
  username: string;
  ok: boolean;
  /** Outcome.summary on success, the error title on failure. */
  summary: string;
  error: ErrorInfo | null;
};

/** Whether the embedded practice server is running, and where. */
export type PracticeStatus = {
  running: boolean;
  /** The name of the practice profile while running. */
  profile: string | null;
  /** e.g. "http://127.0.0.1:49152". */
  origin: string | null;
};

/** The practice server's own token states, as tokendesk-sim serialises them (snake_case). */
export type PracticeTokenStatus =
  "deactivated" | "active" | "locked" | "suspended" | "pending" | "pending_locked";

export type PracticeToken = {
  serial: string;
  kind: "hotp" | "totp";
  status: PracticeTokenStatus;
  /** Wrong logins in a row; 5 lock the token. */
  failCount: number;
  digits: number;
  /** TOTP step in seconds; null for HOTP. */
  period: number | null;
};

export type PracticeUser = {
  username: string;
  /** The user account's status, e.g. "active" or "inactive". */
  status: string;
  phone: { number: string; status: string } | null;
  token: PracticeToken | null;
};

/** What a practice token's display shows now, and the codes it will show after. */
export type PracticeCodes = {
  serial: string;
  kind: "hotp" | "totp";
  current: string;
  next: string[];
  /** TOTP: seconds until `current` changes; null for HOTP. */
  secondsRemaining: number | null;
};

/**
 * The answer to one practice login with a wrong code (tokendesk-sim's LoginView; its other
 * fields may come along and are ignored). `accepted` is whether the login succeeded — false for
 * a wrong code; `message` says what happened (the failure count, the lock, or why the token
 * could not take a login). The UI shows `message`.
 */
export type LoginAttempt = { accepted: boolean; message: string };

/** Every command name of the contract. */
export type CommandName =
  | "list_profiles"
  | "save_profile"
  | "remove_profile"
  | "test_profile"
  | "list_methods"
  | "register_token"
  | "sync_token"
  | "unlock_token"
  | "activity"
  | "practice_status"
  | "practice_start"
  | "practice_stop"
  | "practice_users"
  | "practice_codes"
  | "practice_fail_login"
  | "practice_drift";
