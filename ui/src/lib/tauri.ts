/**
 * The one typed wrapper over the Tauri commands. Components call these functions, never
 * `invoke` directly. Every function rejects with an ErrorInfo: what the shell rejects with is
 * passed on when it has that shape, anything else (a panic message, a missing command) is
 * turned into one so the UI always has title, hint and detail to show.
 */
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AuditEntry,
  AuditFilter,
  AuthMethods,
  BulkDryRun,
  BulkEnd,
  BulkOperation,
  BulkOperationInfo,
  BulkPreview,
  BulkProgress,
  BulkResults,
  CaFileChoice,
  ChosenFile,
  CommandName,
  ConnectionCheck,
  ErrorInfo,
  JobStatus,
  LoginAttempt,
  LookupUserRequest,
  Outcome,
  PracticeCodes,
  PracticeSecurIdUser,
  PracticeSignIn,
  PracticeStatus,
  PracticeUser,
  ProfileDraft,
  ProfileSummary,
  RateLimitNotice,
  RegisterTokenRequest,
  Secrets,
  SecurIdProfileDraft,
  SecurIdUser,
  SessionStatus,
  SignedIn,
  SignedOut,
  SignInFactor,
  SignInProgress,
  SmsCodeSent,
  SyncTokenRequest,
  UnlockMethod,
  UnlockMethodsRequest,
  UnlockReport,
  UserRequest,
} from "./types";
import type * as H from "./types";

const KINDS = new Set(["input", "server", "transport", "config"]);

/** True when `e` has the stable error shape {kind, code, title, hint, serverMessage}. */
export function isErrorInfo(e: unknown): e is ErrorInfo {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.kind === "string" &&
    KINDS.has(o.kind) &&
    (o.code === null || typeof o.code === "number") &&
    typeof o.title === "string" &&
    typeof o.hint === "string" &&
    (o.serverMessage === null || typeof o.serverMessage === "string")
  );
}

/** Any rejection as an ErrorInfo. */
export function toErrorInfo(e: unknown, command: string): ErrorInfo {
  if (isErrorInfo(e)) return e;
  const detail =
    typeof e === "string" ? e : e instanceof Error ? e.message : safeJson(e) || String(e);
  return {
    kind: "config",
    code: null,
    title: "The app could not run this action",
    hint: `TokenDesk's own backend failed on "${command}". Restart TokenDesk; if it keeps happening, report it with these details.`,
    serverMessage: detail,
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
}

declare global {
  interface Window {
    /**
     * Set only by the end-to-end canary test (e2e-app/canary.test.mjs): it is then handed
     * every answer the webview receives, to prove no secret is among them.
     */
    __tokendeskIpcLog?: { command: string; ok?: unknown; error?: unknown }[];
  }
}

async function call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    const ok = await invoke<T>(command, args);
    window.__tokendeskIpcLog?.push({ command, ok });
    return ok;
  } catch (error) {
    window.__tokendeskIpcLog?.push({ command, error });
    throw toErrorInfo(error, command);
  }
}

export const api = {
  listProfiles: () => call<ProfileSummary[]>("list_profiles"),
  /**
   * A CENTAGATE profile: `secrets` (auth token and secret code) for one used directly, or
   * `appSecretKey` for one that signs in (its draft has an Integration Key); null on edit
   * keeps the stored one (refused when the URL, base path, admin or CA file changed). The CA
   * file is `caFile` (a chooseCaFile handle, or keep / remove); the draft names no file.
   */
  saveProfile: (
    draft: ProfileDraft,
    secrets: Secrets | null,
    replace: boolean,
    appSecretKey: string | null = null,
    caFile: CaFileChoice = { kind: "keep" },
  ) => call<ProfileSummary>("save_profile", { draft, secrets, appSecretKey, replace, caFile }),
  removeProfile: (name: string) => call<void>("remove_profile", { name }),
  testProfile: (name: string) => call<ConnectionCheck>("test_profile", { name }),
  /**
   * SecurID Cloud: the backend reads the key file chosen under `keyFile` (a chooseKeyFile
   * handle); none on edit keeps the stored key (refused when the CA file changed).
   */
  saveSecurIdProfile: (
    draft: SecurIdProfileDraft,
    replace: boolean,
    keyFile: string | null = null,
    caFile: CaFileChoice = { kind: "keep" },
  ) => call<ProfileSummary>("save_securid_profile", { draft, replace, keyFile, caFile }),
  /**
   * The system's open dialog (opened by the shell) for an API key file: its handle and name,
   * or null when cancelled. The window never holds the path.
   */
  chooseKeyFile: () => call<ChosenFile | null>("choose_key_file"),
  /** The same for a CA certificate file (PEM). */
  chooseCaFile: () => call<ChosenFile | null>("choose_ca_file"),

  listMethods: (profile: string, request: UserRequest) =>
    call<Outcome<AuthMethods>>("list_methods", { profile, request }),
  registerToken: (profile: string, request: RegisterTokenRequest) =>
    call<Outcome<unknown>>("register_token", { profile, request }),
  syncToken: (profile: string, request: SyncTokenRequest) =>
    call<Outcome<unknown>>("sync_token", { profile, request }),
  unlockToken: (profile: string, request: UserRequest) =>
    call<Outcome<unknown>>("unlock_token", { profile, request }),

  /** Sign-in, step 1: the administrator's password. Signed in, or a code is needed. */
  signIn: (profile: string, password: string) =>
    call<SignInProgress>("sign_in", { profile, password }),
  /** Asks the server to text the administrator a code (the code never comes back here). */
  signInSendSms: (profile: string) => call<SmsCodeSent>("sign_in_send_sms", { profile }),
  /** Sign-in, step 2: the OTP or SMS code. A wrong code keeps the sign-in waiting. */
  signInCode: (profile: string, factor: SignInFactor, code: string) =>
    call<SignedIn>("sign_in_code", { profile, factor, code }),
  signInCancel: (profile: string) => call<void>("sign_in_cancel", { profile }),
  signOut: (profile: string) => call<SignedOut>("sign_out", { profile }),
  /** Signed in until when; null for a profile that does not sign in. */
  sessionStatus: (profile: string) => call<SessionStatus | null>("session_status", { profile }),

  securidLookup: (profile: string, request: LookupUserRequest) =>
    call<Outcome<SecurIdUser>>("securid_lookup", { profile, request }),
  /** Resolves with a report also when the server failed part-way (HTTP 500): see `failure`. */
  securidUnlock: (profile: string, request: UnlockMethodsRequest, user: string | null) =>
    call<UnlockReport>("securid_unlock", { profile, request, user }),

  /** The audit log's actions that `filter` picks, oldest first. */
  auditEntries: (filter: AuditFilter) => call<AuditEntry[]>("audit_entries", { filter }),
  /**
   * Writes the entries `filter` picks as CSV to a file the person chooses in the system's
   * save dialog (opened by the shell): the path written, or null when cancelled.
   */
  auditExport: (filter: AuditFilter) => call<string | null>("audit_export", { filter }),
  /** One audit entry as plain text for a help-desk ticket (core's wording). */
  auditTicket: (id: number) => call<string>("audit_ticket", { id }),

  practiceStatus: () => call<PracticeStatus>("practice_status"),
  practiceStart: () => call<PracticeStatus>("practice_start"),
  practiceStop: () => call<PracticeStatus>("practice_stop"),
  practiceUsers: () => call<PracticeUser[]>("practice_users"),
  practiceCodes: (serial: string) => call<PracticeCodes>("practice_codes", { serial }),
  practiceFailLogin: (username: string) => call<LoginAttempt>("practice_fail_login", { username }),
  practiceDrift: (serial: string, steps: number) => call<void>("practice_drift", { serial, steps }),
  /** The practice admin's password, OTP code and last SMS code (practice data only). */
  practiceSignIn: () => call<PracticeSignIn>("practice_sign_in"),
  practiceSecurIdUsers: () => call<PracticeSecurIdUser[]>("practice_securid_users"),
  practiceSecurIdLock: (who: string, method: UnlockMethod) =>
    call<PracticeSecurIdUser>("practice_securid_lock", { who, method }),

  /**
   * Calls `onWait` each time a SecurID call waits out a 429 before retrying (the shell's
   * "rate-limit-wait" event). Resolves to the function that stops listening; if listening
   * fails, only the notices are lost.
   */
  onRateLimitWait: (onWait: (notice: RateLimitNotice) => void) =>
    listen<RateLimitNotice>("rate-limit-wait", (e) => onWait(e.payload)).catch(
      () => () => undefined,
    ),

  // Help desk. `kase`: the guided flow's case, so the action is recorded as its step.
  /** The confirm dialog's question for a change (core's words); null: it needs none. */
  confirmQuestion: (profile: string, change: H.ChangeRequest) =>
    call<string | null>("confirm_question", { profile, change }),
  identityChecks: () => call<H.IdentityCheck[]>("identity_checks_list"),
  openCase: (profile: string, request: H.OpenCaseRequest) =>
    call<Outcome<H.Case>>("open_case", { profile, request }),
  confirmIdentity: (profile: string, kase: H.Case, request: H.ConfirmIdentityRequest) =>
    call<Outcome<null>>("confirm_identity", { profile, case: kase, request }),
  closeCase: (profile: string, kase: H.Case, request: H.CloseCaseRequest) =>
    call<Outcome<null>>("close_case", { profile, case: kase, request }),
  unregisterToken: (profile: string, request: H.UserTokenRequest, kase?: H.Case) =>
    call<Outcome<unknown>>("unregister_token", { profile, request, case: kase }),
  tokenStatus: (profile: string, request: H.UserTokenRequest, kase?: H.Case) =>
    call<Outcome<H.TokenStateView>>("token_status", { profile, request, case: kase }),
  setTokenStatus: (profile: string, request: H.SetTokenStatusRequest, kase?: H.Case) =>
    call<Outcome<unknown>>("set_token_status", { profile, request, case: kase }),
  unlockUser: (profile: string, request: UserRequest, kase?: H.Case) =>
    call<Outcome<unknown>>("unlock_user", { profile, request, case: kase }),
  setUserEnabled: (profile: string, request: UserRequest, enable: boolean, kase?: H.Case) =>
    call<Outcome<unknown>>("set_user_enabled", { profile, request, enable, case: kase }),
  /** CENTAGATE list methods / register as a step of a case. */
  listMethodsIn: (profile: string, request: UserRequest, kase: H.Case) =>
    call<Outcome<AuthMethods>>("list_methods", { profile, request, case: kase }),
  registerTokenIn: (profile: string, request: RegisterTokenRequest, kase: H.Case) =>
    call<Outcome<unknown>>("register_token", { profile, request, case: kase }),
  securidSetUserEnabled: (
    profile: string,
    who: LookupUserRequest,
    enable: boolean,
    kase?: H.Case,
  ) => call<Outcome<SecurIdUser>>("securid_set_user_enabled", { profile, who, enable, case: kase }),
  /** The code is in the answer for its one display only: never store or log it. */
  securidEmergencyCode: (
    profile: string,
    who: LookupUserRequest,
    request: H.EmergencyCodeRequest,
    kase?: H.Case,
  ) => call<Outcome<H.IssuedCode>>("securid_emergency_code", { profile, who, request, case: kase }),
  securidMethods: (profile: string, who: LookupUserRequest, kase?: H.Case) =>
    call<Outcome<H.SecurIdMethods>>("securid_methods", { profile, who, case: kase }),
  /** Assigns (`assign`) or unassigns a SID700 hardware token. */
  securidAssignToken: (
    profile: string,
    who: LookupUserRequest,
    request: H.HardwareTokenRequest,
    assign: boolean,
    kase?: H.Case,
  ) =>
    call<Outcome<H.HardwareToken>>("securid_assign_token", {
      profile,
      who,
      request,
      assign,
      case: kase,
    }),
  securidUnlockUser: (
    profile: string,
    who: LookupUserRequest,
    methods: UnlockMethod[],
    kase?: H.Case,
  ) => call<Outcome<H.MethodLocks>>("securid_unlock_user", { profile, who, methods, case: kase }),
  /** Bulk jobs: the operations the profile's server does in bulk, with their columns. */
  bulkOperations: (profile: string) => call<BulkOperationInfo[]>("bulk_operations", { profile }),
  /** The system's open dialog (opened by the shell): a handle and the file's name, or null. */
  bulkChooseFile: () => call<ChosenFile | null>("bulk_choose_file"),
  /** Every row checked and the first rows; nothing is sent. */
  bulkPreview: (profile: string, file: string, operation: BulkOperation) =>
    call<BulkPreview>("bulk_preview", { profile, file, operation }),
  /** Every row checked and the profile's read-only connection test; nothing else is sent. */
  bulkDryRun: (profile: string, file: string, operation: BulkOperation) =>
    call<BulkDryRun>("bulk_dry_run", { profile, file, operation }),
  /** Records the job and starts it: its id at once; progress and the end come as events. */
  bulkStart: (
    profile: string,
    file: string,
    operation: BulkOperation,
    skipInvalid: boolean,
    concurrency: number,
  ) => call<string>("bulk_start", { profile, file, operation, skipInvalid, concurrency }),
  bulkResume: (job: string, retryUnknown: boolean) =>
    call<string>("bulk_resume", { job, retryUnknown }),
  /** Stops taking rows (those in flight are waited for); false when it is not running here. */
  bulkCancel: (job: string) => call<boolean>("bulk_cancel", { job }),
  /** Jobs that can be resumed (not done, run by no process now), newest first. */
  bulkUnfinished: () => call<JobStatus[]>("bulk_unfinished"),
  bulkResults: (job: string) => call<BulkResults>("bulk_results", { job }),
  /** The results CSV to a file chosen in the save dialog: the path, or null when cancelled. */
  bulkExport: (job: string) => call<string | null>("bulk_export", { job }),
  /** A running job's progress ("bulk-progress") and end ("bulk-end") events. */
  onBulkProgress: (f: (p: BulkProgress) => void) =>
    listen<BulkProgress>("bulk-progress", (e) => f(e.payload)).catch(() => () => undefined),
  onBulkEnd: (f: (end: BulkEnd) => void) =>
    listen<BulkEnd>("bulk-end", (e) => f(e.payload)).catch(() => () => undefined),

  /**
   * The first screen accepts input: the shell logs "interactive after N ms (page M ms)", the
   * start-up yardstick of scripts/perf-app.sh (M: since this page's navigation began). Never
   * fails: a lost mark must not bother the person.
   */
  uiReady: () =>
    invoke<void>("ui_ready" satisfies CommandName, { page: Math.round(performance.now()) }).catch(
      () => undefined,
    ),
};

export type Api = typeof api;
