/**
 * A stateful fake of the Tauri shell, for tests only (Vitest and the e2e build): it answers
 * every command of the contract (src/lib/types.ts) the way the shell over tokendesk-core and
 * the practice server would — profiles with write-only secrets, users, tokens, practice codes,
 * locks and drift — and rejects with ErrorInfo values worded like core's.
 *
 * Special server hosts produce the transport failures: down.example.com (unreachable),
 * slow.example.com (timeout), proxy.example.com (HTTP 502), portal.example.com (not a
 * CENTAGATE answer). A profile saved with the auth token "expired" gets code 10001.
 *
 * Key and CA files are chosen in the shell's dialog: `keyFilePick` and `caFilePick` are what
 * it picks (null: cancelled), the window gets a handle and a name. A key file path ending in
 * .json is "read" (one holding "missing" or "bad-key" is not a readable key file), a CA file
 * ending in .pem (one holding "missing" is not a readable PEM file). An edit of a profile's
 * URL, admin, base path or CA file without its secret is refused as core refuses it. The practice SecurID users mirror the practice server's fixture (frank's
 * voice will not unlock: HTTP 500 with the statuses).
 *
 * The audit log: every action after its input was found valid is recorded as core records
 * it (refused input and unknown profiles are not actions), with `seedAudit` to add entries
 * another process wrote (e.g. an `unknown` one); `exportPick` is what the export's save
 * dialog answers (null: cancelled) and `exports` what was exported.
 *
 * Bulk jobs: `bulk` (./bulk.ts) answers the Bulk screen's commands, its rows sent through
 * the commands above and recorded as `bulk:<job>`; `bulk.filePick` is the CSV file the open
 * dialog picks.
 *
 * Never imported by the production entry (src/main.ts).
 */
import catalogJson from "../bindings/catalog.json";
import type { CodeEntry } from "../bindings/CodeEntry";
import * as v from "../lib/validate";
import { TOKEN_TYPE_LABEL } from "../lib/format";
import { MockBulk } from "./bulk";
import { secretAgainFor, secretAgainRule } from "../lib/profileEdit";
import type {
  Case,
  ChangeRequest,
  IdentityCheck,
  SetTokenStatusRequest,
  TokenStateView,
  UserTokenRequest,
  AuditEntry,
  AuditFilter,
  AuthMethods,
  Backend,
  ConnectionCheck,
  ErrorInfo,
  Field,
  LoginAttempt,
  LookupUserRequest,
  MethodLocks,
  Operation,
  Outcome,
  PracticeCodes,
  PracticeSecurIdUser,
  PracticeSignIn,
  PracticeStatus,
  PracticeTokenStatus,
  PracticeUser,
  Profile,
  ProfileDraft,
  ProfileSummary,
  RegisterTokenRequest,
  Secrets,
  CaFileChoice,
  ChosenFile,
  SecurIdProfileDraft,
  SecurIdUser,
  SessionStatus,
  SignedIn,
  SignedOut,
  SignInFactor,
  SignInProgress,
  SmsCodeSent,
  SyncTokenRequest,
  TokenMethod,
  TokenStatus,
  UnlockMethod,
  UnlockMethodsRequest,
  UnlockReport,
  UserRequest,
} from "../lib/types";

export const MOCK_MARKER = "tokendesk-mock-backend";

type MockToken = {
  serial: string;
  kind: "hotp" | "totp";
  status: PracticeTokenStatus;
  failCount: number;
  digits: number;
  period: number | null;
  /** HOTP: the server's next expected counter. TOTP: steps the server believes the device is ahead. */
  server: number;
  /** HOTP: the device's next counter. TOTP: steps the device's clock is ahead. */
  device: number;
  owner: string | null;
};

type MockUser = {
  username: string;
  status: "active" | "inactive";
  phones: { number: string; status: "active" | "pending" }[];
  token: string | null;
  fido: string[];
  cert: boolean;
  device: boolean;
};

type StoredProfile = {
  name: string;
  profile: Profile;
  secrets: Secrets | null;
  practice: boolean;
  /** SecurID Cloud: the API key is stored. */
  keyStored?: boolean;
  /** CENTAGATE that signs in: the app Secret Key is stored. */
  appKey?: string | null;
  /** CENTAGATE that signs in: the kept session, until when (Unix seconds). */
  session?: { expiresAtUnix: number; factor: SignInFactor } | null;
};

type MockSecurIdUser = {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  status: "Enabled" | "Disabled";
  identitySource: string;
  markDeleted: boolean;
  highRisk: boolean;
  sms: string | null;
  voice: string | null;
  locked: Set<UnlockMethod>;
  stuck: Set<UnlockMethod>;
};

const METHODS: UnlockMethod[] = ["TOKEN", "SMS", "VOICE"];
const METHOD_WORD: Record<UnlockMethod, string> = { TOKEN: "token", SMS: "SMS", VOICE: "voice" };
/** What the mock's SecurID key files hold (the practice server's public practice key). */
export const MOCK_ACCESS_ID = "5a1e2f0c-7d3b-4c8e-9f61-0b2d4e6a8c10";
export const MOCK_KEY_FILE = "/home/helpdesk/Downloads/securid-api-key.json";
/** What the mock's CA file dialog picks unless told otherwise. */
export const MOCK_CA_FILE = "/home/helpdesk/certs/private-ca.pem";

export type MockOptions = {
  /** Milliseconds since the epoch; TOTP codes follow it. */
  now?: () => number;
  /** Profiles present at start (secrets stored unless `secrets: null`). */
  profiles?: { draft: ProfileDraft; secrets: Secrets | null }[];
  /** Profiles present at start that sign in (draft with an Integration Key). */
  signingIn?: { draft: ProfileDraft; appKey: string }[];
};

const PRACTICE_NAME = "Practice";
const PRACTICE_SECURID_NAME = "Practice-SecurID";
const PRACTICE_SIGN_IN_NAME = "Practice-SignIn";
/** Every signing-in administrator's password in the mock (the practice admin's). */
export const MOCK_ADMIN_PASSWORD = "practice-password";
/** How long a mock session lasts, in seconds (the practice server's default). */
export const MOCK_SESSION_SECS = 1800;
const SMS_RESEND_SECS = 60;
const ADMIN_PHONE = "+60120009001";
const PRACTICE_ORIGIN = "http://127.0.0.1:8790";
const SECURID_PATH = "/AdminInterface/restapi/v1";

// ----------------------------------------------------------------- errors, worded like core

function inputError(bad: v.Invalid): ErrorInfo {
  const label = v.FIELD_LABELS[bad.field];
  return {
    kind: "input",
    code: null,
    title: `${label} is not valid`,
    hint: `${label}: ${bad.rule}. Nothing was sent to the server.`,
    serverMessage: null,
  };
}

function inputFor(field: Field, rule: string): ErrorInfo {
  return inputError({ ok: false, field, rule, message: "" });
}

/**
 * Both backends' catalogs as core exports them (src/bindings/catalog.json, written by the
 * shell's `export_bindings_catalog_json` test and kept fresh by `make test-bindings`): the
 * fake's server errors take their titles, hints and vendor texts from here, never a copy.
 */
export const CATALOGS = catalogJson as { centagate: CodeEntry[]; securid: CodeEntry[] };

/**
 * Core's `describe`: the words of `code` in `backend`'s catalog for `op` — the operation's
 * own meaning where the entry has one, else the general one — with the vendor's text.
 */
export function describe(
  backend: Backend,
  code: number,
  op: Operation,
): { title: string; hint: string; vendorText: string } {
  const e = CATALOGS[backend].find((x) => x.code === code);
  if (!e) throw new Error(`the mock backend used ${backend} code ${code}, which is not catalogued`);
  const m = e.perOperation.find((x) => x.operation === op) ?? e;
  return { title: m.title, hint: m.hint, vendorText: e.vendorText };
}

function serverError(code: number, op: Operation): ErrorInfo {
  const d = describe("centagate", code, op);
  return { kind: "server", code, title: d.title, hint: d.hint, serverMessage: d.vendorText };
}

function transportError(host: string, seconds: number): ErrorInfo | null {
  if (host.startsWith("down."))
    return {
      kind: "transport",
      code: null,
      title: "The server could not be reached",
      hint: `Nothing answered at ${host}. Check the profile's URL, that the server is running, and your network or VPN; then try again.`,
      serverMessage: `could not connect to ${host}: Connection refused (os error 111)`,
    };
  if (host.startsWith("slow."))
    return {
      kind: "transport",
      code: null,
      title: "The server did not answer in time",
      hint: "The server may be overloaded or the network slow. Try again; if it keeps happening, raise the profile's timeout or contact the server administrator. The action may or may not have been applied: check the user's methods before repeating it.",
      serverMessage: `no answer from ${host} within ${seconds} s`,
    };
  if (host.startsWith("proxy."))
    return {
      kind: "transport",
      code: 502,
      title: "The server answered with an HTTP error",
      hint: "HTTP 502 is not a CENTAGATE answer. Check the profile's URL and base path; if they are right, the server or a proxy in front of it is failing — try again later or contact its administrator.",
      serverMessage: "the server answered HTTP 502: <html><body>Bad Gateway</body></html>",
    };
  if (host.startsWith("portal."))
    return {
      kind: "transport",
      code: null,
      title: "The answer was not a CENTAGATE answer",
      hint: "Something answered, but not the CENTAGATE web services. Check the profile's URL and base path; a proxy or login page may be in the way.",
      serverMessage:
        "the answer is not a CENTAGATE answer: expected JSON: <!doctype html><title>Sign in</title>",
    };
  return null;
}

/** A SecurID answer in core's words; an incomplete unlock's hint starts with the statuses. */
function securidError(status: 404 | 500, op: Operation, locks?: MethodLocks): ErrorInfo {
  const d = describe("securid", status, op);
  return {
    kind: "server",
    code: status,
    title: d.title,
    hint: locks ? `Now: ${lockWords(locks)}. ${d.hint}` : d.hint,
    serverMessage: d.vendorText,
  };
}

function lockWords(l: MethodLocks): string {
  const on = { TOKEN: l.tokenLocked, SMS: l.smsLocked, VOICE: l.voiceLocked };
  return METHODS.map((m) => `${METHOD_WORD[m]} ${on[m] ? "locked" : "unlocked"}`).join(", ");
}

function configError(title: string, hint: string): ErrorInfo {
  return { kind: "config", code: null, title, hint, serverMessage: null };
}

const STORE_HINT =
  "TokenDesk keeps credentials in the operating system's credential store. On Linux that is the Secret Service: install and unlock GNOME Keyring (package gnome-keyring), KWallet or KeePassXC in your desktop session. For automation without a store, set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE in the environment.";

// ----------------------------------------------------------------- OTP codes (a stand-in)

/** A deterministic stand-in for HOTP: the same seed and counter always give the same code. */
export function fakeCode(serial: string, counter: number, digits: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${serial}:${counter}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return String(h % 10 ** digits).padStart(digits, "0");
}

// ----------------------------------------------------------------- the fake

export class MockBackend {
  private profiles = new Map<string, StoredProfile>();
  private users = new Map<string, MockUser>();
  private tokens = new Map<string, MockToken>();
  private audit: AuditEntry[] = [];
  /** What the export's save dialog answers; null: the person cancels it. */
  exportPick: string | null = "/home/helpdesk/Documents/tokendesk-audit.csv";
  /** Every export written: where, and the entries it held. */
  exports: { path: string; entries: AuditEntry[] }[] = [];
  private practice = false;
  private securidUsers = new Map<string, MockSecurIdUser>();
  /** What "Browse…" (choose_key_file) picks; null: the person cancels the dialog. */
  keyFilePick: string | null = MOCK_KEY_FILE;
  /** What "Choose…" of the CA file (choose_ca_file) picks; null: the person cancels. */
  caFilePick: string | null = MOCK_CA_FILE;
  /** Files chosen in the dialogs, by the handle the window was given. */
  private chosen = new Map<string, { field: Field; path: string }>();
  private now: () => number;
  /** False: saving secrets fails as if no OS credential store were available. */
  storeAvailable = true;
  /** Commands held until `release()`: to see loading states without timing. */
  private held = new Map<string, (() => void)[]>();
  private holding = new Set<string>();

  /** Bulk jobs (the Bulk screen): their file dialog, jobs and events. */
  readonly bulk: MockBulk;
  /** The surface actions are recorded from (`bulk:<job>` while a job's row runs). */
  private surface = "app";

  constructor(opts: MockOptions = {}) {
    this.now = opts.now ?? (() => Date.now());
    this.bulk = new MockBulk({
      backendOf: (name) => this.profile(name).profile.backend,
      test: (name) => this.testProfile(name),
      run: (cmd, args, surface) => {
        this.surface = surface;
        try {
          return structuredClone(this.dispatch(cmd, args));
        } finally {
          this.surface = "app";
        }
      },
      now: () => this.now(),
    });
    for (const p of opts.signingIn ?? []) this.store(p.draft, null, false, false, p.appKey);
    this.seedDirectory();
    this.seedSecurId();
    for (const p of opts.profiles ?? []) this.store(p.draft, p.secrets, false, false);
  }

  /** The case the running command is a step of (its `case` argument), for the audit entry. */
  private currentCase: Case | null = null;
  /** SecurID SID700 hardware tokens: serial → the user ID it is assigned to (null: spare). */
  private sidTokens = new Map<string, string | null>();

  /** Hold every later call of `command` until `release(command)`. */
  hold(command: string) {
    this.holding.add(command);
  }
  release(command: string) {
    this.holding.delete(command);
    for (const go of this.held.get(command) ?? []) go();
    this.held.delete(command);
  }

  /** The entry point mockIPC calls. Returns the answer or throws an ErrorInfo. */
  async handle(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    if (this.holding.has(cmd))
      await new Promise<void>((go) => this.held.set(cmd, [...(this.held.get(cmd) ?? []), go]));
    // Answers are copies: the UI must not share objects with the fake's state.
    this.currentCase = (args.case as Case | undefined) ?? null;
    try {
      return structuredClone(this.dispatch(cmd, args));
    } finally {
      this.currentCase = null;
    }
  }

  private dispatch(cmd: string, a: Record<string, unknown>): unknown {
    switch (cmd) {
      case "list_profiles":
        return this.listProfiles();
      case "save_profile":
        return this.store(
          a.draft as ProfileDraft,
          (a.secrets ?? null) as Secrets | null,
          a.replace as boolean,
          true,
          (a.appSecretKey ?? null) as string | null,
          (a.caFile ?? { kind: "keep" }) as CaFileChoice,
        );
      case "sign_in":
        return this.signIn(String(a.profile ?? ""), String(a.password ?? ""));
      case "sign_in_send_sms":
        return this.sendSms(String(a.profile ?? ""));
      case "sign_in_code":
        return this.signInCode(
          String(a.profile ?? ""),
          a.factor as SignInFactor,
          String(a.code ?? ""),
        );
      case "sign_in_cancel":
        this.pending.delete(String(a.profile ?? ""));
        return null;
      case "sign_out":
        return this.signOut(String(a.profile ?? ""));
      case "session_status":
        return this.sessionStatus(String(a.profile ?? ""));
      case "practice_sign_in":
        this.needPractice();
        return this.practiceSignIn();
      case "remove_profile":
        return this.removeProfile(a.name as string);
      case "test_profile":
        return this.testProfile(a.name as string);
      case "save_securid_profile":
        return this.saveSecurId(
          a.draft as SecurIdProfileDraft,
          a.replace as boolean,
          (a.keyFile ?? null) as string | null,
          (a.caFile ?? { kind: "keep" }) as CaFileChoice,
        );
      case "choose_key_file":
        return this.choose("keyFile", this.keyFilePick);
      case "choose_ca_file":
        return this.choose("caFile", this.caFilePick);
      case "securid_lookup":
        return this.securidLookup(String(a.profile ?? ""), a.request as LookupUserRequest);
      case "securid_unlock":
        return this.securidUnlock(
          String(a.profile ?? ""),
          a.request as UnlockMethodsRequest,
          (a.user as string | null) ?? null,
        );
      case "list_methods":
        return this.op("listMethods", a, (u) => this.listMethods(u));
      case "register_token":
        return this.op("register", a, (u, r) => this.register(u, r as RegisterTokenRequest));
      case "sync_token":
        return this.op("sync", a, (u, r) => this.sync(u, r as SyncTokenRequest));
      case "unlock_token":
        return this.op("unlock", a, (u) => this.unlock(u));
      case "audit_entries":
        return this.auditEntries((a.filter ?? {}) as Partial<AuditFilter>);
      case "audit_export": {
        const entries = this.auditEntries((a.filter ?? {}) as Partial<AuditFilter>);
        if (this.exportPick === null) return null;
        this.exports.push({ path: this.exportPick, entries });
        return this.exportPick;
      }
      case "audit_ticket":
        return ticketText(this.auditEntry(Number(a.id)));
      case "practice_status":
        return this.practiceStatus();
      case "practice_start":
        this.practice = true;
        this.profiles.set(PRACTICE_NAME, {
          name: PRACTICE_NAME,
          profile: profileOf(
            v.profileDraft({
              name: PRACTICE_NAME,
              url: PRACTICE_ORIGIN,
              admin: "practice-admin",
              basePath: "",
              timeout: "",
            }).value!,
          ),
          secrets: { authToken: "practice-auth-token", secretCode: "practice-secret-code" },
          practice: true,
        });
        this.profiles.set(PRACTICE_SECURID_NAME, {
          name: PRACTICE_SECURID_NAME,
          profile: securidProfileOf(PRACTICE_ORIGIN, "TokenDesk Practice", 30),
          secrets: null,
          keyStored: true,
          practice: true,
        });
        this.profiles.set(PRACTICE_SIGN_IN_NAME, {
          name: PRACTICE_SIGN_IN_NAME,
          profile: {
            ...this.profiles.get(PRACTICE_NAME)!.profile,
            integrationKey: "practice-integration-key",
          },
          secrets: null,
          appKey: "practice-app-secret-key",
          session: null,
          practice: true,
        });
        return this.practiceStatus();
      case "practice_stop":
        this.practice = false;
        this.profiles.delete(PRACTICE_NAME);
        this.profiles.delete(PRACTICE_SECURID_NAME);
        this.profiles.delete(PRACTICE_SIGN_IN_NAME);
        this.pending.delete(PRACTICE_SIGN_IN_NAME);
        this.seedSecurId();
        return this.practiceStatus();
      case "practice_users":
        this.needPractice();
        return this.practiceUsers();
      case "practice_codes":
        this.needPractice();
        return this.codes(a.serial as string);
      case "practice_fail_login":
        this.needPractice();
        return this.failLogin(a.username as string);
      case "practice_drift":
        this.needPractice();
        return this.drift(a.serial as string, a.steps as number);
      case "practice_securid_users":
        this.needPractice();
        return [...this.securidUsers.values()].map((u) => practiceView(u));
      case "practice_securid_lock":
        this.needPractice();
        return this.securidLock(a.who as string, a.method as UnlockMethod);
      case "confirm_question":
        return this.confirmQuestion(String(a.profile ?? ""), a.change as ChangeRequest);
      case "identity_checks_list":
        return IDENTITY_CHECKS;
      case "open_case":
      case "confirm_identity":
      case "close_case":
        return this.caseStep(cmd, String(a.profile ?? ""), a);
      case "unregister_token":
        return this.op("unregisterToken", a, (u, r) => this.unregister(u, r as UserTokenRequest));
      case "token_status":
        return this.op("tokenStatus", a, (u, r) => this.tokenState(u, r as UserTokenRequest));
      case "set_token_status":
        return this.op("setTokenStatus", a, (u, r) => {
          const q = r as SetTokenStatusRequest;
          return answer(`Set the ${TOKEN_TYPE_LABEL[q.kind]} of ${u.username} to ${q.status}.`);
        });
      case "unlock_user":
        return this.op("unlockUser", a, (u) =>
          answer(`Unlocked the account of ${u.username}; they can sign in again.`),
        );
      case "set_user_enabled":
        return this.op(a.enable ? "enableUser" : "disableUser", a, (u) => {
          u.status = a.enable ? "active" : "inactive";
          return answer(
            a.enable
              ? `Enabled the account of ${u.username}: it is active again.`
              : `Disabled the account of ${u.username}: it cannot sign in until enabled again.`,
          );
        });
      case "securid_set_user_enabled":
      case "securid_emergency_code":
      case "securid_methods":
      case "securid_assign_token":
      case "securid_unlock_user":
        return this.securidHelpdesk(cmd, String(a.profile ?? ""), a);
      case "ui_ready":
        return null;
      case "bulk_operations":
      case "bulk_choose_file":
      case "bulk_preview":
      case "bulk_dry_run":
      case "bulk_start":
      case "bulk_resume":
      case "bulk_cancel":
      case "bulk_unfinished":
      case "bulk_results":
      case "bulk_export":
        return this.bulk.handle(cmd, a);
      default:
        throw configError(
          "The app could not run this action",
          `Unknown command ${cmd}. This build of the interface does not match the app.`,
        );
    }
  }

  // ------------------------------------------------------------- profiles

  private summary(p: StoredProfile): ProfileSummary {
    return {
      name: p.name,
      profile: p.profile,
      credentialsStored: p.secrets !== null || p.keyStored === true || !!p.appKey,
      practice: p.practice,
    };
  }

  private listProfiles(): ProfileSummary[] {
    return [...this.profiles.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => this.summary(p));
  }

  private store(
    draft: ProfileDraft,
    secrets: Secrets | null,
    replace: boolean,
    strict: boolean,
    appKey: string | null = null,
    caChoice: CaFileChoice = { kind: "keep" },
  ): ProfileSummary {
    const checked = v.profileDraft({
      name: draft.name ?? "",
      url: draft.url ?? "",
      admin: draft.admin ?? "",
      basePath: draft.basePath ?? "",
      timeout: draft.timeoutSecs == null ? "" : String(draft.timeoutSecs),
    });
    // Seeded profiles (not strict) may name a CA file; the window never does.
    if (strict) this.refuseTypedPath(draft.caFile, "caFile");
    if (checked.first) throw inputError(checked.first);
    const n = checked.value!;
    const existing = this.profiles.get(n.name);
    const caFile = strict
      ? this.caFileOf(caChoice, replace ? existing : undefined)
      : (draft.caFile ?? null);
    if (strict && !replace && existing)
      throw configError(
        `A profile named '${n.name}' already exists`,
        "Choose another name, or remove the existing profile first.",
      );
    if (strict && replace && !existing)
      throw configError(
        `No profile named '${n.name}'`,
        "Choose a profile from the list, or add one with Add profile.",
      );
    if (existing?.practice)
      throw configError(
        "The practice profile is managed by practice mode",
        "Stop practice mode to remove it; it cannot be edited.",
      );
    if (existing && existing.profile.backend !== "centagate")
      throw configError(
        "SecurID Cloud cannot become a CENTAGATE profile; add a new profile instead",
        "Choose a profile for a server that offers this action.",
      );
    const signsIn = !!draft.integrationKey?.trim();
    if (signsIn) {
      if (appKey !== null && appKey.trim() === "") throw inputFor("appSecretKey", v.RULES.empty);
      if (strict && appKey === null && !(replace && existing?.appKey))
        throw inputFor("appSecretKey", v.RULES.empty);
      secrets = null;
    } else if (strict && replace && existing?.appKey && !secrets) {
      throw inputFor(
        "authToken",
        "must be given: the profile now signs in differently and needs an auth token and secret code",
      );
    }
    // A stored secret signs only where it was given: a new server, admin, base path or CA file
    // needs it again (core's profile_changes::save).
    if (
      strict &&
      replace &&
      existing &&
      (existing.secrets || existing.appKey) &&
      !secrets &&
      !appKey
    ) {
      const changed = secretAgainFor(existing.profile, { ...n, caFile: caFile ?? null });
      if (changed) throw inputFor(signsIn ? "appSecretKey" : "authToken", secretAgainRule(changed));
    }
    if (secrets || appKey) {
      if (!this.storeAvailable)
        throw configError(
          "No credential store is available",
          `${STORE_HINT} (Detail: no Secret Service provider on the session bus.)`,
        );
      if (secrets && secrets.authToken.trim() === "") throw inputFor("authToken", v.RULES.empty);
      if (secrets && secrets.secretCode.trim() === "") throw inputFor("secretCode", v.RULES.empty);
    }
    const authBasePath = draft.authBasePath?.trim();
    const stored: StoredProfile = {
      name: n.name,
      profile: {
        ...profileOf(n, caFile),
        ...(signsIn ? { integrationKey: draft.integrationKey!.trim() } : {}),
        ...(signsIn && authBasePath ? { authBasePath } : {}),
      },
      secrets: signsIn ? null : secrets ? { ...secrets } : (existing?.secrets ?? null),
      appKey: signsIn ? (appKey ?? existing?.appKey ?? null) : null,
      // A kept session belongs to the settings it was signed in with.
      session: null,
      practice: false,
    };
    const save = () => {
      this.profiles.set(n.name, stored);
      return this.summary(stored);
    };
    if (!strict) return save();
    const operation = !replace ? "addProfile" : secrets ? "replaceCredentials" : "editProfile";
    return this.recorded(stored, operation, n.name, profileDetails(stored), save, () => null);
  }

  /** The shell's open dialog: the pick checked at once, then kept under a handle. */
  private choose(field: "keyFile" | "caFile", pick: string | null): ChosenFile | null {
    if (pick === null) return null;
    if (field === "keyFile" && (!pick.endsWith(".json") || /missing|bad-key/.test(pick)))
      throw inputFor("keyFile", "not a readable key file");
    if (field === "caFile" && (!pick.endsWith(".pem") || pick.includes("missing")))
      throw inputFor("caFile", "not a readable PEM file");
    const handle = `file-${this.chosen.size + 1}`;
    this.chosen.set(handle, { field, path: pick });
    return { handle, name: pick.split("/").pop() ?? pick };
  }

  private chosenPath(field: Field, handle: string): string {
    const c = this.chosen.get(handle);
    if (!c || c.field !== field)
      throw inputFor(field, "must be chosen again (this app no longer holds it)");
    return c.path;
  }

  private refuseTypedPath(given: string | null | undefined, field: Field) {
    if (given && given.trim())
      throw inputFor(
        field,
        "must be chosen with its Choose button (the window does not name files)",
      );
  }

  private caFileOf(choice: CaFileChoice, existing: StoredProfile | undefined): string | null {
    switch (choice.kind) {
      case "keep":
        return existing?.profile.caFile ?? null;
      case "remove":
        return null;
      case "chosen":
        return this.chosenPath("caFile", choice.handle);
    }
  }

  private removeProfile(name: string): null {
    const p = this.profile(name);
    if (p.practice)
      throw configError(
        "The practice profile is managed by practice mode",
        "Stop practice mode to remove it.",
      );
    return this.recorded(
      p,
      "removeProfile",
      name,
      profileDetails(p),
      () => {
        this.profiles.delete(name);
        return null;
      },
      () => `Removed profile '${name}'; its stored secret was deleted.`,
    );
  }

  private profile(name: string): StoredProfile {
    const p = this.profiles.get(name);
    if (!p)
      throw configError(
        `No profile named '${name}'`,
        "Choose a profile from the list, or add one with Add profile.",
      );
    return p;
  }

  /** What talking to the profile's server does before the call itself: may throw. */
  private reach(p: StoredProfile, op: Operation) {
    if (p.practice && !this.practice)
      throw transportError("down.127.0.0.1:8790", p.profile.timeoutSecs)!;
    if (p.profile.integrationKey) return this.needSession(p);
    if (!p.secrets)
      throw configError(
        `No credentials stored for profile '${p.name}'`,
        "Store them again (Edit the profile, then Replace credentials), or set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE.",
      );
    const host = new URL(p.profile.url).host;
    const t = transportError(host, p.profile.timeoutSecs);
    if (t) throw t;
    if (p.secrets.authToken === "expired") throw serverError(10001, op);
  }

  private testProfile(name: string): ConnectionCheck {
    const p = this.profile(name);
    return this.recorded(
      p,
      "testProfile",
      name,
      {},
      () => this.testReach(p),
      (c) => c.summary,
    );
  }

  private testReach(p: StoredProfile): ConnectionCheck {
    if (p.profile.backend === "securid") {
      this.reachSecurId(p);
      return {
        code: 404,
        summary: `${p.profile.url}${p.profile.basePath} answered and accepted the API key of access ID ${p.profile.admin}.`,
      };
    }
    this.reach(p, "listMethods");
    return {
      code: this.users.has(p.profile.admin) ? 0 : 22002,
      summary: `${p.profile.url} answered and accepted the credentials of ${p.profile.admin}.`,
    };
  }

  // ------------------------------------------------------------- operations

  private op<T>(
    operation: Operation,
    a: Record<string, unknown>,
    run: (user: MockUser, request: unknown) => Outcome<T>,
  ): Outcome<T> {
    const request = a.request as UserRequest;
    const u = v.username(String(request?.username ?? ""));
    if (!u.ok) throw inputError(u);
    const p = this.profile(String(a.profile ?? ""));
    if (p.profile.backend !== "centagate")
      throw unsupported("SecurID Cloud", OPERATION_WORDS[operation]);
    // Input first (nothing is sent, credentials are not read, nothing recorded), as core does.
    precheck(operation, request);
    return this.recorded(
      p,
      operation,
      u.value,
      operationDetails(operation, request),
      () => {
        this.reach(p, operation);
        const user = this.users.get(u.value);
        if (!user) throw serverError(22002, operation);
        return run(user, { ...request, username: u.value });
      },
      (out) => out.summary,
    );
  }

  // ------------------------------------------------------------- the audit log

  /**
   * Runs an action and records it as core's recorder does: one entry, `ok` with `summary`'s
   * words, or `failed` with the error (without its hint). `failed` reads a failure out of an
   * answer that is not thrown (SecurID's partial unlock). Input refused before sending is
   * not recorded.
   */
  private recorded<T>(
    p: StoredProfile,
    operation: Operation,
    target: string,
    details: Record<string, string>,
    run: () => T,
    summary: (r: T) => string | null,
    failed: (r: T) => ErrorInfo | null = () => null,
  ): T {
    const entry: AuditEntry = {
      id: this.audit.reduce((m, e) => Math.max(m, e.id), 0) + 1,
      at: new Date(this.now()).toISOString(),
      osUser: "helpdesk",
      host: "desk-01",
      surface: this.surface,
      profile: p.name,
      server: p.profile.url,
      admin: p.profile.admin,
      operation,
      target,
      details,
      outcome: "ok",
      error: null,
      summary: null,
      durationMs: 42,
      caseId: this.currentCase?.id ?? null,
      ticket: this.currentCase?.ticket ?? null,
    };
    const fail = (e: ErrorInfo) => {
      entry.outcome = "failed";
      entry.error = { kind: e.kind, code: e.code, title: e.title, serverMessage: e.serverMessage };
    };
    try {
      const r = run();
      const f = failed(r);
      if (f) fail(f);
      else entry.summary = summary(r);
      this.audit.push(entry);
      return r;
    } catch (e) {
      const err = e as ErrorInfo;
      if (err.kind !== "input") {
        fail(err);
        this.audit.push(entry);
      }
      throw err;
    }
  }

  /**
   * Adds entries as another process (the CLI, a killed app) would have left them; the rest
   * of each entry is filled in. Returns them as stored.
   */
  seedAudit(entries: Partial<AuditEntry>[]): AuditEntry[] {
    return entries.map((x) => {
      const e: AuditEntry = {
        id: this.audit.reduce((m, y) => Math.max(m, y.id), 0) + 1,
        at: new Date(this.now()).toISOString(),
        osUser: "helpdesk",
        host: "desk-01",
        surface: "cli",
        profile: PRACTICE_NAME,
        server: PRACTICE_ORIGIN,
        admin: "practice-admin",
        operation: "unlock",
        target: "bob",
        details: {},
        outcome: "ok",
        error: null,
        summary: null,
        durationMs: null,
        caseId: null,
        ticket: null,
        ...x,
      };
      this.audit.push(e);
      return e;
    });
  }

  /** Core's `AuditLog::entries`: the filter's entries, oldest first (see `bound` in core). */
  private auditEntries(f: Partial<AuditFilter>): AuditEntry[] {
    const since = f.since == null ? null : auditBound("since", f.since, false);
    const until = f.until == null ? null : auditBound("until", f.until, true);
    const user = f.user?.trim().toLowerCase();
    const out = this.audit.filter(
      (e) =>
        (since === null || e.at >= since) &&
        (until === null || e.at <= until) &&
        (user == null || e.target.toLowerCase() === user) &&
        (f.profile == null || e.profile === f.profile) &&
        (f.operation == null || e.operation === f.operation) &&
        (f.outcome == null || e.outcome === f.outcome),
    );
    return f.limit == null ? out : out.slice(Math.max(0, out.length - f.limit));
  }

  private auditEntry(id: number): AuditEntry {
    const e = this.audit.find((x) => x.id === id);
    if (!e)
      throw configError(
        `No audit entry #${id}`,
        "The audit log does not hold this entry: the log file was replaced or restored from an older copy after the list was shown. Refresh the list and try again.",
      );
    return e;
  }

  private methodsOf(u: MockUser): AuthMethods {
    const tokens: TokenMethod[] = u.phones.map((ph) => ({
      sn: ph.number,
      kind: "sms",
      typeCode: 1,
      status: ph.status === "active" ? "active" : "pending",
      statusCode: ph.status === "active" ? 1 : 3,
      extra: {},
    }));
    if (u.token) {
      const t = this.tokens.get(u.token)!;
      const [status, statusCode] = tokenStatus(t.status);
      tokens.push({ sn: t.serial, kind: "otp", typeCode: 2, status, statusCode, extra: {} });
    }
    for (const f of u.fido)
      tokens.push({ sn: f, kind: "fido", typeCode: 5, status: "active", statusCode: 1, extra: {} });
    return {
      tokens,
      certificates: u.cert
        ? [
            {
              sn: "4F2A9C01",
              fingerprint: "3b1f5e0e0d9a4c7b8a6f2e1d0c9b8a7f6e5d4c3b",
              subjectDn: `CN=${u.username},O=TokenDesk Practice`,
              issuerDn: "CN=TokenDesk Practice CA,O=TokenDesk Practice",
              revoked: false,
              validFrom: 1767225600000,
              validTo: 1830297600000,
              extra: {},
            },
          ]
        : [],
      device: u.device
        ? {
            name: `${cap(u.username)}'s phone`,
            model: "Pixel 8",
            os: "Android 15",
            statusCode: 1,
            status: "active",
            extra: {},
          }
        : null,
      extra: {},
    };
  }

  private listMethods(u: MockUser): Outcome<AuthMethods> {
    const m = this.methodsOf(u);
    const n = m.tokens.length + m.certificates.length + (m.device ? 1 : 0);
    const summary =
      n === 0
        ? `${u.username} has no methods bound.`
        : n === 1
          ? `${u.username} has 1 method bound.`
          : `${u.username} has ${n} methods bound.`;
    return { code: 0, message: "Success", summary, object: m };
  }

  private register(u: MockUser, r: RegisterTokenRequest): Outcome<unknown> {
    if (u.status !== "active") throw serverError(22004, "register");
    if (r.token.kind === "sms") {
      const phone = (v.phone(r.token.phone) as v.Valid<string>).value;
      for (const other of this.users.values())
        if (other.phones.some((p) => p.number === phone)) throw serverError(29004, "register");
      u.phones.push({ number: phone, status: "active" });
      return done(`Registered SMS number ${phone} to ${u.username}; it is active.`);
    }
    const serial = (v.serial(r.token.serial) as v.Valid<string>).value;
    if (u.token) throw serverError(29008, "register");
    const t = this.tokens.get(serial);
    if (!t) throw serverError(29001, "register");
    if (t.owner || t.status !== "deactivated") throw serverError(29017, "register");
    t.owner = u.username;
    t.status = "active";
    u.token = serial;
    return done(`Registered hardware token ${serial} to ${u.username}; it is active.`);
  }

  private sync(u: MockUser, r: SyncTokenRequest): Outcome<unknown> {
    const [otp1, otp2] = (v.otpPair(r.otp1, r.otp2) as v.Valid<[string, string]>).value;
    if (!u.token) throw serverError(29001, "sync");
    const t = this.tokens.get(u.token)!;
    if (t.status !== "active") throw serverError(29002, "sync");
    const base = t.kind === "hotp" ? t.server : this.step(t) + t.server;
    const from = t.kind === "hotp" ? base : base - 500;
    for (let i = from; i <= base + 1000; i++) {
      if (
        fakeCode(t.serial, i, t.digits) === otp1 &&
        fakeCode(t.serial, i + 1, t.digits) === otp2
      ) {
        if (t.kind === "hotp") {
          t.server = i + 2;
          t.device = Math.max(t.device, i + 2);
        } else {
          t.server = i + 1 - this.step(t);
        }
        t.failCount = 0;
        return done(
          `Resynchronised the OTP token of ${u.username}; the next code it shows will work.`,
        );
      }
    }
    throw serverError(54002, "sync");
  }

  private unlock(u: MockUser): Outcome<unknown> {
    if (!u.token) throw serverError(29001, "unlock");
    const t = this.tokens.get(u.token)!;
    if (t.status === "locked" || t.status === "suspended") t.status = "active";
    else if (t.status === "pending_locked") t.status = "pending";
    else throw serverError(29017, "unlock");
    t.failCount = 0;
    return done(`Unlocked the OTP token of ${u.username}; it is active again.`);
  }

  // ------------------------------------------------------------- SecurID Cloud

  private saveSecurId(
    draft: SecurIdProfileDraft,
    replace: boolean,
    keyHandle: string | null,
    caChoice: CaFileChoice,
  ): ProfileSummary {
    this.refuseTypedPath(draft.keyFile, "keyFile");
    this.refuseTypedPath(draft.caFile, "caFile");
    const name = v.profileName(draft.name ?? "");
    if (!name.ok) throw inputError(name);
    if (["practice", "practice-securid"].includes(name.value.toLowerCase()))
      throw inputFor(
        "profileName",
        "Practice and Practice-SecurID are reserved for practice mode; choose another name",
      );
    const existing = this.profiles.get(name.value);
    if (!replace && existing)
      throw configError(
        `A profile named '${name.value}' already exists`,
        "Choose another name, or remove the existing profile first.",
      );
    if (replace && !existing)
      throw configError(
        `No profile named '${name.value}'`,
        "Choose a profile from the list, or add one with Add profile.",
      );
    if (existing && existing.profile.backend !== "securid")
      throw configError(
        "CENTAGATE cannot become a SecurID Cloud profile; add a new profile instead",
        "Choose a profile for a server that offers this action.",
      );
    const t = v.timeout(draft.timeoutSecs == null ? "" : String(draft.timeoutSecs));
    if (!t.ok) throw inputError(t);
    const path = keyHandle === null ? "" : this.chosenPath("keyFile", keyHandle);
    if (path === "" && !existing) throw inputFor("keyFile", v.RULES.keyFile);
    const caFile = this.caFileOf(caChoice, replace ? existing : undefined);
    if (path === "" && existing?.keyStored && (existing.profile.caFile ?? null) !== caFile)
      throw inputFor("keyFile", secretAgainRule("caFile"));
    if (path !== "") {
      if (path.includes("missing") || !path.endsWith(".json"))
        throw inputFor("keyFile", "not a readable key file");
      if (path.includes("bad-key"))
        throw configError(
          "The SecurID API key cannot be used",
          "The API key file accessKey is not an RSA private key in PEM form. Import a fresh API key file from the Cloud Administration Console.",
        );
      if (!this.storeAvailable)
        throw configError(
          "No credential store is available",
          `${STORE_HINT} (Detail: no Secret Service provider on the session bus.)`,
        );
    }
    const host = path.match(/(down|slow|proxy|portal)\./)?.[0] ?? "";
    const profile =
      path !== ""
        ? securidProfileOf(
            host ? `https://${host}example.com` : "https://tenant.access.securid.com",
            "Example Tenant",
            t.value ?? v.DEFAULT_TIMEOUT_SECS,
          )
        : { ...existing!.profile, timeoutSecs: t.value ?? v.DEFAULT_TIMEOUT_SECS };
    profile.caFile = caFile;
    const stored: StoredProfile = {
      name: name.value,
      profile,
      secrets: null,
      keyStored: true,
      practice: false,
    };
    const operation = !replace ? "addProfile" : path ? "replaceCredentials" : "editProfile";
    return this.recorded(
      stored,
      operation,
      name.value,
      profileDetails(stored),
      () => {
        this.profiles.set(name.value, stored);
        return this.summary(stored);
      },
      () => null,
    );
  }

  private reachSecurId(p: StoredProfile) {
    if (p.practice && !this.practice)
      throw transportError("down.127.0.0.1:8790", p.profile.timeoutSecs)!;
    if (!p.keyStored)
      throw configError(
        `No SecurID API key stored for profile '${p.name}'`,
        "Import the API key file again (remove the profile and add it with the key file), or set TOKENDESK_SECURID_KEY_FILE to the key file's path.",
      );
    const t = transportError(new URL(p.profile.url).host, p.profile.timeoutSecs);
    if (t) throw t;
  }

  /** Runs a SecurID operation on a profile and records it, as core does. */
  private securidOp<T>(
    profileName: string,
    operation: Operation,
    who: string,
    details: Record<string, string>,
    run: (p: StoredProfile) => T,
    failed: (r: T) => ErrorInfo | null,
    summary: (r: T) => string,
  ): T {
    const p = this.profile(profileName);
    if (p.profile.backend !== "securid") throw unsupported("CENTAGATE", OPERATION_WORDS[operation]);
    // Input refused inside `run` is not recorded (see `recorded`), as in core.
    return this.recorded(p, operation, who.trim(), details, () => run(p), summary, failed);
  }

  private findSecurId(by: "email" | "username", value: string): MockSecurIdUser | undefined {
    return [...this.securidUsers.values()].find((u) =>
      by === "email" ? u.email.toLowerCase() === value.toLowerCase() : u.username === value,
    );
  }

  private securidLookup(profile: string, r: LookupUserRequest): Outcome<SecurIdUser> {
    return this.securidOp(
      profile,
      "lookupUser",
      String(r?.value ?? ""),
      { by: r?.by === "username" ? "username" : "email" },
      (p) => {
        const c = r?.by === "username" ? v.username(r.value ?? "") : v.email(r?.value ?? "");
        if (!c.ok) throw inputError(c);
        this.reachSecurId(p);
        const u = this.findSecurId(r.by, c.value);
        if (!u) throw securidError(404, "lookupUser");
        const name = `${u.firstName} ${u.lastName}`.trim() || u.email;
        const onoff = (b: boolean) => (b ? "on" : "off");
        return {
          code: 200,
          message: null,
          summary: `Found ${name} (${u.id}), ${u.status}; SMS ${onoff(u.sms !== null)}, voice ${onoff(u.voice !== null)}.`,
          object: {
            id: u.id,
            name,
            firstName: u.firstName,
            lastName: u.lastName,
            email: u.email,
            status: u.status,
            identitySource: u.identitySource,
            markDeleted: u.markDeleted,
            highRisk: u.highRisk,
            smsOn: u.sms !== null,
            voiceOn: u.voice !== null,
            smsNumber: u.sms,
            voiceNumber: u.voice,
            extra: {},
          },
        };
      },
      () => null,
      (o) => o.summary,
    );
  }

  private securidUnlock(
    profile: string,
    r: UnlockMethodsRequest,
    user: string | null,
  ): UnlockReport {
    const who = user?.trim() || String(r?.userId ?? "");
    return this.securidOp(
      profile,
      "unlockMethods",
      who,
      {
        userId: String(r?.userId ?? ""),
        methods: METHODS.filter((m) => (r?.methods ?? []).includes(m)).join(","),
      },
      (p) => {
        const methods = METHODS.filter((m) => (r?.methods ?? []).includes(m));
        if (!/^[A-Za-z0-9._-]{1,128}$/.test(r?.userId ?? "") || [".", ".."].includes(r.userId))
          throw inputFor(
            "userId",
            "must be the ID the user lookup returned: 1 to 128 letters, digits, -, _ or .",
          );
        if (methods.length === 0) throw inputFor("methods", v.RULES.methods);
        this.reachSecurId(p);
        const u = [...this.securidUsers.values()].find((x) => x.id === r.userId);
        if (!u) throw securidError(404, "unlockMethods");
        let failedPart = false;
        for (const m of methods) {
          if (u.stuck.has(m) && u.locked.has(m)) failedPart = true;
          else u.locked.delete(m);
        }
        const locks: MethodLocks = {
          userId: u.id,
          tokenLocked: u.locked.has("TOKEN"),
          smsLocked: u.locked.has("SMS"),
          voiceLocked: u.locked.has("VOICE"),
          extra: {},
        };
        const asked = methods.map((m) => METHOD_WORD[m]).join(", ");
        if (failedPart)
          return {
            code: 500,
            summary: `Asked to unlock ${asked} for user ${u.id}, but the server failed part-way (HTTP 500). Now: ${lockWords(locks)}.`,
            requested: methods,
            locks,
            failure: securidError(500, "unlockMethods", locks),
          };
        return {
          code: 200,
          summary: `Unlocked ${asked} for user ${u.id}. Now: ${lockWords(locks)}.`,
          requested: methods,
          locks,
          failure: null,
        };
      },
      (rep) => rep.failure,
      (rep) => rep.summary,
    );
  }

  private securidLock(who: string, method: UnlockMethod): PracticeSecurIdUser {
    const w = String(who ?? "").trim();
    const u = [...this.securidUsers.values()].find(
      (x) => x.id === w || x.username === w || x.email.toLowerCase() === w.toLowerCase(),
    );
    if (!u) throw inputFor("username", `no practice user named ${w}`);
    if ((method === "SMS" && !u.sms) || (method === "VOICE" && !u.voice))
      throw inputFor("methods", `${u.email} has the ${method} method off`);
    u.locked.add(method);
    return practiceView(u);
  }

  private seedSecurId() {
    this.securidUsers.clear();
    this.sidTokens = new Map([
      ["000700000002", null],
      ["000700000003", null],
      ["000700000004", null],
    ]);
    const add = (
      username: string,
      last: string,
      o: {
        sms?: boolean;
        voice?: boolean;
        locked?: UnlockMethod[];
        stuck?: UnlockMethod[];
        status?: "Enabled" | "Disabled";
        email?: string;
        id?: string;
        source?: string;
        markDeleted?: boolean;
        highRisk?: boolean;
      } = {},
    ) => {
      const n = [...username].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
      const hex = (k: number, len: number) =>
        ((n * (k + 17)) >>> 0).toString(16).padStart(8, "0").slice(0, len);
      this.securidUsers.set(username, {
        id:
          o.id ?? `${hex(1, 8)}-${hex(2, 4)}-4${hex(3, 3)}-a${hex(4, 3)}-${hex(5, 8)}${hex(6, 4)}`,
        username,
        email: o.email ?? `${username}@example.com`,
        firstName: cap(username),
        lastName: last,
        status: o.status ?? "Enabled",
        identitySource: o.source ?? "Practice Directory",
        markDeleted: o.markDeleted ?? false,
        highRisk: o.highRisk ?? false,
        sms: o.sms === false ? null : "+60120001001",
        voice: o.voice === false ? null : "+60120001001",
        locked: new Set(o.locked ?? []),
        stuck: new Set(o.stuck ?? []),
      });
    };
    add("alice", "Archer");
    add("bob", "Baker", { locked: ["TOKEN"] });
    add("carol", "Chen", { locked: ["TOKEN", "SMS", "VOICE"] });
    add("dave", "Doyle", { voice: false, locked: ["SMS"] });
    add("erin", "Evans", { locked: ["VOICE"], highRisk: true });
    add("frank", "Fischer", { locked: ["SMS", "VOICE"], stuck: ["VOICE"] });
    add("grace", "Garcia", { sms: false, voice: false, source: "Practice LDAP" });
    add("mallory", "Moore", { sms: false, voice: false, markDeleted: true });
    add("oscar", "Ortiz", {
      email: "Oscar.Ortiz@example.com",
      id: "f10d0514-7dd1-4a13-a30e-236d0e65b56a",
    });
    add("peggy", "Parker", { voice: false, locked: ["TOKEN"], status: "Disabled" });
    add("trent", "Turner", { sms: false, voice: false, locked: ["TOKEN"] });
    this.sidTokens.set("000700000001", this.securidUsers.get("trent")!.id);
  }

  // ------------------------------------------------------------- practice

  // ------------------------------------------------------------- sign-in

  /** Sign-ins waiting for their code, by profile. */
  private pending = new Map<string, { smsSentAt: number | null }>();
  /** The last SMS code "sent" (the practice panel shows it). */
  private lastSms: { code: string; sentAt: number } | null = null;
  /** The admin's OTP step last used (a code signs in once). */
  private otpUsed = -1;

  private unix(): number {
    return Math.floor(this.now() / 1000);
  }

  /** What the practice admin's own OTP token shows now (mock: derived from the time step). */
  adminOtp(offset = 0): string {
    return fakeCode("practice-admin", Math.floor(this.unix() / 30) + offset, 6);
  }

  /** The server ends every session (as a timeout or a sign-out elsewhere would). */
  endSessions() {
    for (const p of this.profiles.values()) if (p.session) p.session = null;
    this.ended = true;
  }
  private ended = false;

  private signingIn(name: string): StoredProfile {
    const p = this.profile(name);
    if (!p.profile.integrationKey)
      throw unsupported(
        p.profile.backend === "securid" ? "SecurID Cloud" : "CENTAGATE",
        "sign in without the sign-in app's Integration Key (add the profile with one)",
      );
    return p;
  }

  /** Refuses an action of a signing-in profile without a live session, as core does. */
  private needSession(p: StoredProfile) {
    const signIn = "Sign in (the profile's Sign in button), then repeat the action.";
    if (this.ended && !p.session) {
      this.ended = false;
      throw {
        kind: "config",
        code: 10001,
        title: `The server ended the session of profile '${p.name}'`,
        hint: `It no longer accepts the session (code 10001: it timed out early or was ended elsewhere), so TokenDesk ended it too. The action was not applied. ${signIn}`,
        serverMessage: null,
      } satisfies ErrorInfo;
    }
    if (!p.session)
      throw configError(
        `Not signed in to profile '${p.name}'`,
        `This profile's administrator signs in with password and code; no session is kept for it now. Nothing was sent. ${signIn}`,
      );
    if (this.unix() >= p.session.expiresAtUnix)
      throw configError(
        `The session of profile '${p.name}' has ended`,
        `It ended at ${new Date(p.session.expiresAtUnix * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC (the server's session timeout). Nothing was sent. ${signIn}`,
      );
  }

  private signIn(name: string, password: string): SignInProgress {
    const p = this.signingIn(name);
    this.pending.delete(name);
    if (password === "") throw inputFor("password", v.RULES.empty);
    return this.recorded(
      p,
      "signIn",
      p.profile.admin,
      {},
      (): SignInProgress => {
        if (p.practice && !this.practice)
          throw transportError("down.127.0.0.1:8790", p.profile.timeoutSecs)!;
        if (password !== MOCK_ADMIN_PASSWORD) throw serverError(23001, "signIn");
        this.pending.set(name, { smsSentAt: null });
        return { state: "codeNeeded", offered: ["otp", "sms"], suggested: "otp" };
      },
      () => "Password accepted; the server asks for a second factor (OTP, SMS).",
    );
  }

  private waiting(name: string) {
    const w = this.pending.get(name);
    if (!w)
      throw inputFor(
        "password",
        "must be entered first: this sign-in was cancelled or has not started; sign in again",
      );
    return w;
  }

  private sendSms(name: string): SmsCodeSent {
    const p = this.signingIn(name);
    const w = this.waiting(name);
    return this.recorded(
      p,
      "requestSmsCode",
      p.profile.admin,
      {},
      (): SmsCodeSent => {
        const now = this.unix();
        if (w.smsSentAt !== null && now - w.smsSentAt < SMS_RESEND_SECS)
          throw serverError(23002, "requestSmsCode");
        w.smsSentAt = now;
        this.lastSms = { code: fakeCode("sms", now, 6), sentAt: now };
        return {
          phone: ADMIN_PHONE,
          validForSecs: 300,
          summary: `Sent a sign-in code by SMS to ${ADMIN_PHONE}; it is valid for 5 min.`,
        };
      },
      (s) => s.summary,
    );
  }

  private signInCode(name: string, factor: SignInFactor, code: string): SignedIn {
    const p = this.signingIn(name);
    this.waiting(name);
    const digits = code.replace(/\s/g, "");
    if (!/^[0-9]{4,10}$/.test(digits)) throw inputFor("signInCode", "must be 4 to 10 digits");
    return this.recorded(
      p,
      "secondFactor",
      p.profile.admin,
      { factor },
      (): SignedIn => {
        const step = Math.floor(this.unix() / 30);
        const ok =
          factor === "otp"
            ? digits === this.adminOtp() && step > this.otpUsed
            : this.lastSms !== null && digits === this.lastSms.code;
        if (!ok) throw serverError(23001, "secondFactor");
        if (factor === "otp") this.otpUsed = step;
        else this.lastSms = null;
        this.pending.delete(name);
        const expiresAtUnix = this.unix() + MOCK_SESSION_SECS;
        p.session = { expiresAtUnix, factor };
        this.ended = false;
        const expiresAt = new Date(expiresAtUnix * 1000).toISOString().replace(/\.\d+Z$/, "Z");
        return {
          profile: name,
          signedInAs: p.profile.admin,
          expiresAt,
          expiresAtUnix,
          secondFactor: factor,
          summary: `Signed in to '${name}' as ${p.profile.admin} until ${expiresAt.slice(0, 16).replace("T", " ")} UTC.`,
        };
      },
      (s) => s.summary,
    );
  }

  private signOut(name: string): SignedOut {
    const p = this.signingIn(name);
    this.pending.delete(name);
    if (!p.session)
      return { profile: name, wasSignedIn: false, summary: `Profile '${name}' was not signed in.` };
    return this.recorded(
      p,
      "signOut",
      p.profile.admin,
      {},
      (): SignedOut => {
        p.session = null;
        return { profile: name, wasSignedIn: true, summary: `Signed out of '${name}'.` };
      },
      (s) => s.summary,
    );
  }

  private sessionStatus(name: string): SessionStatus | null {
    const p = this.profile(name);
    if (!p.profile.integrationKey) return null;
    if (!p.session) return { state: "signedOut" };
    const expiresAt = new Date(p.session.expiresAtUnix * 1000).toISOString();
    return this.unix() < p.session.expiresAtUnix
      ? {
          state: "signedIn",
          signedInAs: p.profile.admin,
          expiresAt,
          expiresAtUnix: p.session.expiresAtUnix,
        }
      : { state: "expired", expiresAt };
  }

  private practiceSignIn(): PracticeSignIn {
    const now = this.unix();
    const sms = this.lastSms && now - this.lastSms.sentAt < 300 ? this.lastSms : null;
    return {
      profile: PRACTICE_SIGN_IN_NAME,
      admin: "practice-admin",
      password: MOCK_ADMIN_PASSWORD,
      otpCode: this.adminOtp(),
      otpNext: this.adminOtp(1),
      otpSecondsRemaining: 30 - (now % 30),
      smsCode: sms?.code ?? null,
      smsSecondsRemaining: sms ? 300 - (now - sms.sentAt) : null,
      phone: ADMIN_PHONE,
      sessions: this.profiles.get(PRACTICE_SIGN_IN_NAME)?.session ? 1 : 0,
    };
  }

  private practiceStatus(): PracticeStatus {
    return this.practice
      ? {
          running: true,
          profile: PRACTICE_NAME,
          securidProfile: PRACTICE_SECURID_NAME,
          signInProfile: PRACTICE_SIGN_IN_NAME,
          origin: PRACTICE_ORIGIN,
        }
      : {
          running: false,
          profile: null,
          securidProfile: null,
          signInProfile: null,
          origin: null,
        };
  }

  private needPractice() {
    if (!this.practice)
      throw configError(
        "Practice mode is not running",
        "Start practice mode first: it runs a practice server with sample users on this computer.",
      );
  }

  private practiceUsers(): PracticeUser[] {
    return [...this.users.values()].map((u) => {
      const t = u.token ? this.tokens.get(u.token)! : null;
      return {
        username: u.username,
        status: u.status,
        phone: u.phones[0] ? { number: u.phones[0].number, status: u.phones[0].status } : null,
        token: t
          ? {
              serial: t.serial,
              kind: t.kind,
              status: t.status,
              failCount: t.failCount,
              digits: t.digits,
              period: t.period,
            }
          : null,
      };
    });
  }

  private token(serial: string): MockToken {
    const t = this.tokens.get(serial);
    if (!t)
      throw configError(
        `No practice token ${serial}`,
        "Choose a token from the practice panel's list.",
      );
    return t;
  }

  private step(t: MockToken): number {
    return Math.floor(this.now() / 1000 / (t.period ?? 30));
  }

  private codes(serial: string): PracticeCodes {
    const t = this.token(serial);
    const at = t.kind === "hotp" ? t.device : this.step(t) + t.device;
    const next = [1, 2, 3].map((k) => fakeCode(t.serial, at + k, t.digits));
    const period = t.period ?? 30;
    return {
      serial,
      kind: t.kind,
      current: fakeCode(t.serial, at, t.digits),
      next,
      secondsRemaining:
        t.kind === "totp" ? period - (Math.floor(this.now() / 1000) % period) : null,
    };
  }

  private failLogin(username: string): LoginAttempt {
    const u = this.users.get(username);
    if (!u) throw configError(`No practice user ${username}`, "Choose a user from the list.");
    if (!u.token)
      return { accepted: false, message: `${username} has no OTP token to log in with.` };
    const t = this.tokens.get(u.token)!;
    if (t.status !== "active")
      return {
        accepted: false,
        message: `Login refused: ${t.serial} is ${t.status}. Unlock it to let ${username} sign in.`,
      };
    t.failCount += 1;
    if (t.failCount >= 5) {
      t.status = "locked";
      return {
        accepted: false,
        message: `Wrong code refused; that was failure 5 of 5, so ${t.serial} is now locked.`,
      };
    }
    return {
      accepted: false,
      message: `Wrong code refused (failure ${t.failCount} of 5 before ${t.serial} locks).`,
    };
  }

  private drift(serial: string, steps: number): null {
    const t = this.token(serial);
    if (!Number.isInteger(steps) || steps === 0)
      throw configError("Drift must be a whole number of steps", "Use, for example, 10 or -3.");
    t.device += steps;
    return null;
  }

  // ------------------------------------------------------------- the help desk

  /** Core's `ChangeRequest::question`, in its words. */
  private confirmQuestion(profile: string, c: ChangeRequest): string | null {
    const p = this.profile(profile);
    let who: string;
    let what: string;
    if (c.change === "unregisterToken") {
      who = c.username.trim();
      what = `Remove the ${TOKEN_TYPE_LABEL[c.kind]} of ${who}? They can no longer sign in with it, and it must be registered again to be used.`;
    } else if (c.change === "setTokenStatus") {
      if (c.status !== "tempDeactivated" && c.status !== "deactivated") return null;
      who = c.username.trim();
      const label = c.status === "deactivated" ? "deactivated" : "temporarily deactivated";
      const final = c.status === "deactivated" ? " (deactivated may be final on the server)" : "";
      what = `Set the ${TOKEN_TYPE_LABEL[c.kind]} of ${who} to ${label}? They cannot sign in with it until it is set valid again${final}.`;
    } else if (c.change === "disableUser") {
      who = c.who.trim();
      what = `Disable the account of ${who}? They cannot sign in at all until it is enabled again.`;
    } else {
      who = c.who.trim();
      what = `Unassign hardware token ${c.serial.trim()} from ${who}? They can no longer sign in with it.`;
    }
    const own =
      p.profile.backend === "centagate" && who.toLowerCase() === p.profile.admin.toLowerCase();
    return own
      ? `${what} This is your own admin account (${p.profile.admin}), the one this profile signs in as: you may lock yourself out of TokenDesk and the portal.`
      : what;
  }

  /** open_case, confirm_identity, close_case: recorded with the case, as core does. */
  private caseStep(cmd: string, profile: string, a: Record<string, unknown>): unknown {
    const p = this.profile(profile);
    const r = a.request as { user?: string; ticket?: string | null; checks?: string[] };
    const u = v.username(String(r?.user ?? ""));
    if (!u.ok) throw inputError(u);
    const user = u.value;
    if (cmd === "open_case") {
      const ticket = r.ticket?.trim() || null;
      if (ticket && !/^[\p{L}\p{N}\-_./#:]{1,64}$/u.test(ticket))
        throw inputFor("ticket", "must be at most 64 letters, digits and - _ . / # :");
      const stamp = new Date(this.now()).toISOString().replace(/[-:]/g, "").slice(0, 15);
      const kase: Case = {
        id: `case-${stamp.replace("T", "-")}-${(++this.caseCount).toString(16).padStart(6, "0")}`,
        ticket,
      };
      this.currentCase = kase;
      const summary = `Opened case ${kase.id}${ticket ? ` (ticket ${ticket})` : ""} for the lost or replaced token of ${user}.`;
      return this.recorded(
        p,
        "openCase",
        user,
        { flow: "lostToken" },
        () => answer(summary, kase),
        (o) => o.summary,
      );
    }
    if (cmd === "confirm_identity") {
      const missing = IDENTITY_CHECKS.filter((c) => !(r.checks ?? []).includes(c.id));
      if (missing.length > 0)
        throw inputFor(
          "identityChecks",
          `must all be ticked before anything changes; not yet: ${missing.map((m) => m.label).join("; ")}`,
        );
      const ids = IDENTITY_CHECKS.map((c) => c.id);
      return this.recorded(
        p,
        "confirmIdentity",
        user,
        { checks: ids.join(",") },
        () => answer(`Confirmed the identity of ${user} (${ids.join(", ")}).`, null),
        (o) => o.summary,
      );
    }
    const q = a.request as { finished: boolean; step: string | null };
    const id = this.currentCase?.id ?? "";
    const summary = q.finished
      ? `Case ${id} finished: every step done for ${user}.`
      : `Case ${id} stopped unfinished${q.step ? ` at step ${q.step}` : ""} for ${user}: the steps after it were not done.`;
    return this.recorded(
      p,
      "closeCase",
      user,
      { result: q.finished ? "finished" : "stopped", atStep: q.step ?? "" },
      () => answer(summary, null),
      (o) => o.summary,
    );
  }
  private caseCount = 0;

  private unregister(u: MockUser, r: UserTokenRequest): Outcome<null> {
    if (r.kind === "mobile" && u.device) u.device = false;
    else if (r.kind === "sms" && u.phones.length > 0) u.phones = [];
    else throw serverError(36000, "unregisterToken");
    return answer(`Removed the ${TOKEN_TYPE_LABEL[r.kind]} of ${u.username}.`);
  }

  private tokenState(u: MockUser, r: UserTokenRequest): Outcome<TokenStateView> {
    const has = (r.kind === "mobile" && u.device) || (r.kind === "sms" && u.phones.length > 0);
    const summary = has
      ? `The ${TOKEN_TYPE_LABEL[r.kind]} of ${u.username} is valid.`
      : `${u.username} has no ${TOKEN_TYPE_LABEL[r.kind]}.`;
    return answer(summary, { username: u.username, kind: r.kind, status: has ? "valid" : "none" });
  }

  /** The SecurID help-desk commands: the user found by `who`, then the action, recorded. */
  private securidHelpdesk(cmd: string, profile: string, a: Record<string, unknown>): unknown {
    const who = a.who as LookupUserRequest;
    const op: Operation =
      cmd === "securid_set_user_enabled"
        ? a.enable
          ? "enableUser"
          : "disableUser"
        : cmd === "securid_emergency_code"
          ? "emergencyCode"
          : cmd === "securid_methods"
            ? "listMethods"
            : cmd === "securid_unlock_user"
              ? "unlockMethods"
              : a.assign
                ? "register"
                : "unregisterToken";
    const serial = String((a.request as { serial?: string } | undefined)?.serial ?? "").trim();
    const details: Record<string, string> = cmd === "securid_assign_token" ? { serial } : {};
    return this.securidOp(
      profile,
      op,
      String(who?.value ?? ""),
      details,
      (p) => {
        const c = who?.by === "username" ? v.username(who.value ?? "") : v.email(who?.value ?? "");
        if (!c.ok) throw inputError(c);
        if (cmd === "securid_assign_token") {
          const s = v.serial(serial);
          if (!s.ok) throw inputError(s);
        }
        this.reachSecurId(p);
        const u = this.findSecurId(who.by, c.value);
        if (!u) throw securidError(404, op);
        const user = this.securidLookup(profile, who).object;
        this.audit.pop(); // the lookup above is part of this action, not one of its own
        const name = user.name;
        switch (cmd) {
          case "securid_set_user_enabled":
            u.status = a.enable ? "Enabled" : "Disabled";
            return answer(
              a.enable
                ? `Enabled ${name} (${u.id}): they can sign in again.`
                : `Disabled ${name} (${u.id}): they cannot sign in until enabled again.`,
              { ...user, status: u.status },
            );
          case "securid_emergency_code": {
            const r = a.request as { unit?: string; value?: number; oneTime?: boolean };
            const expires = new Date(this.now() + 4 * 3600_000)
              .toISOString()
              .replace(/\.\d+Z$/, "Z");
            const code = fakeCode("emergency", Math.floor(this.now() / 1000), 8);
            return answer(
              `Issued an emergency tokencode to ${name} (${u.id}), valid until ${expires} (${r?.oneTime ? "one-time" : "reusable until it expires"}). Give it to the user by a channel you trust; it is not shown again.`,
              {
                user,
                code: {
                  code,
                  id: null,
                  expiresAt: expires,
                  offlineExpiresAt: null,
                  oneTime: !!r?.oneTime,
                },
              },
            );
          }
          case "securid_methods": {
            const authenticators = [...this.sidTokens]
              .filter(([, owner]) => owner === u.id)
              .map(([sn]) => ({
                group: "hardware",
                name: `SID700 ${sn}`,
                deviceType: "SID700 hardware token",
                serial: sn,
                status: "Enabled",
                registered: null,
                extra: {},
              }));
            const n = authenticators.length + (user.smsOn ? 1 : 0) + (user.voiceOn ? 1 : 0);
            return answer(`${name} has ${n} method${n === 1 ? "" : "s"} bound.`, {
              user,
              authenticators,
            });
          }
          case "securid_unlock_user":
            u.locked.clear();
            return answer(
              `Unlocked token, SMS, voice for user ${u.id}. Now: token unlocked, SMS unlocked, voice unlocked.`,
              {
                userId: u.id,
                tokenLocked: false,
                smsLocked: false,
                voiceLocked: false,
              },
            );
          default: {
            const owner = this.sidTokens.get(serial);
            if (owner === undefined) throw securidError(404, op);
            if (a.assign ? owner !== null : owner !== u.id)
              throw {
                ...securidError(404, op),
                code: 409,
                title: "The server refused the change (HTTP 409)",
              };
            this.sidTokens.set(serial, a.assign ? u.id : null);
            return answer(
              a.assign
                ? `Assigned hardware token ${serial} to ${name} (${u.id}).`
                : `Unassigned hardware token ${serial} from ${name} (${u.id}); it can be assigned again.`,
              {
                serial,
                status: "Enabled",
                state: null,
                userId: a.assign ? u.id : null,
                name: null,
                expiryDate: null,
                extra: {},
              },
            );
          }
        }
      },
      () => null,
      (o) => (o as Outcome<unknown>).summary,
    );
  }

  // ------------------------------------------------------------- the demo directory

  private seedDirectory() {
    const user = (username: string, extra: Partial<MockUser> = {}) =>
      this.users.set(username, {
        username,
        status: "active",
        phones: [],
        token: null,
        fido: [],
        cert: false,
        device: false,
        ...extra,
      });
    const token = (
      serial: string,
      kind: "hotp" | "totp",
      status: PracticeTokenStatus,
      extra: Partial<MockToken> = {},
    ) =>
      this.tokens.set(serial, {
        serial,
        kind,
        status,
        failCount: 0,
        digits: 6,
        period: kind === "totp" ? 30 : null,
        server: kind === "hotp" ? 10 : 0,
        device: kind === "hotp" ? 10 : 0,
        owner: null,
        ...extra,
      });
    const bind = (username: string, serial: string) => {
      this.users.get(username)!.token = serial;
      this.tokens.get(serial)!.owner = username;
    };
    user("alice", { phones: [{ number: "+60120001001", status: "active" }] });
    user("bob", { phones: [{ number: "+60120001002", status: "active" }] });
    user("carol");
    user("dave");
    user("erin");
    user("frank");
    user("grace");
    user("heidi", { phones: [{ number: "+60120001008", status: "pending" }] });
    user("ivan");
    user("judy");
    user("mallory");
    user("oscar", {
      phones: [{ number: "+60120001012", status: "active" }],
      fido: ["FIDO-5001"],
      cert: true,
      device: true,
    });
    user("peggy", { status: "inactive", phones: [{ number: "+60120001013", status: "active" }] });
    user("uma", { device: true });
    token("HW-2001", "hotp", "active", { server: 12, device: 12 });
    token("HW-2002", "hotp", "locked", { server: 40, device: 40, failCount: 5 });
    token("HW-2003", "totp", "suspended");
    token("HW-2004", "totp", "active", { device: 20 });
    token("HW-2005", "hotp", "active", { server: 7, device: 157 });
    token("HW-2006", "hotp", "pending");
    token("HW-2007", "totp", "pending_locked", { failCount: 5 });
    token("HW-2008", "hotp", "deactivated");
    token("HW-2009", "totp", "active", { digits: 8 });
    bind("bob", "HW-2001");
    bind("carol", "HW-2002");
    bind("dave", "HW-2003");
    bind("erin", "HW-2004");
    bind("frank", "HW-2005");
    bind("ivan", "HW-2006");
    bind("judy", "HW-2007");
    bind("mallory", "HW-2008");
    bind("oscar", "HW-2009");
    for (let i = 1; i <= 5; i++)
      token(`HW-100${i}`, "hotp", "deactivated", i === 5 ? { digits: 8 } : {});
    for (let i = 6; i <= 9; i++)
      token(`HW-100${i}`, "totp", "deactivated", i === 9 ? { period: 60 } : {});
    token("HW-1010", "totp", "deactivated", { digits: 8 });
    token("HW-9001", "hotp", "suspended");
  }
}

function precheck(op: Operation, request: unknown) {
  if (op === "register") {
    const r = request as RegisterTokenRequest;
    const c =
      r.token?.kind === "sms"
        ? v.phone(r.token.phone ?? "")
        : v.serial((r.token as { serial?: string })?.serial ?? "");
    if (!c.ok) throw inputError(c);
  } else if (op === "sync") {
    const r = request as SyncTokenRequest;
    const c = v.otpPair(r.otp1 ?? "", r.otp2 ?? "");
    if (!c.ok) throw inputError(c);
  }
}

function tokenStatus(s: PracticeTokenStatus): [TokenStatus, number] {
  switch (s) {
    case "active":
      return ["active", 1];
    case "locked":
    case "suspended":
      return ["activeLocked", 2];
    case "pending":
      return ["pending", 3];
    case "pending_locked":
      return ["pendingLocked", 4];
    default:
      return ["inactive", 0];
  }
}

function profileOf(n: v.NormalisedProfile, caFile?: string | null): Profile {
  return {
    backend: "centagate",
    url: n.url,
    admin: n.admin,
    basePath: n.basePath,
    caFile: caFile && caFile.trim() ? caFile.trim() : null,
    timeoutSecs: n.timeoutSecs,
    connectTimeoutSecs: n.connectTimeoutSecs,
  };
}

function done(summary: string): Outcome<unknown> {
  return { code: 0, message: "Success", summary, object: null };
}

function cap(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function securidProfileOf(origin: string, customerName: string, timeoutSecs: number): Profile {
  return {
    backend: "securid",
    url: origin,
    admin: MOCK_ACCESS_ID,
    basePath: SECURID_PATH,
    caFile: null,
    timeoutSecs,
    connectTimeoutSecs: Math.min(v.DEFAULT_CONNECT_TIMEOUT_SECS, timeoutSecs),
    customerName,
  };
}

const OPERATION_WORDS: Record<Operation, string> = {
  register: "register",
  sync: "resync",
  unlock: "unlock",
  listMethods: "list methods",
  lookupUser: "look up a user",
  unlockMethods: "unlock tokencodes",
  testProfile: "test the connection",
  addProfile: "add a profile",
  editProfile: "edit a profile",
  removeProfile: "remove a profile",
  replaceCredentials: "replace credentials",
  signIn: "sign in",
  secondFactor: "confirm the sign-in with a code",
  requestSmsCode: "send a sign-in code by SMS",
  signOut: "sign out",
  unregisterToken: "unregister a token",
  tokenStatus: "check a token's status",
  setTokenStatus: "set a token's status",
  unlockUser: "unlock a user account",
  enableUser: "enable a user",
  disableUser: "disable a user",
  searchUsers: "search users",
  emergencyCode: "issue an emergency tokencode",
  lookupToken: "look up a hardware token",
  openCase: "open a case",
  confirmIdentity: "confirm the user's identity",
  closeCase: "close a case",
};

function unsupported(backend: string, action: string): ErrorInfo {
  return configError(
    `${backend} cannot ${action}`,
    "Choose a profile for a server that offers this action.",
  );
}

function practiceView(u: MockSecurIdUser): PracticeSecurIdUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    name: `${u.firstName} ${u.lastName}`.trim(),
    status: u.status,
    smsOn: u.sms !== null,
    voiceOn: u.voice !== null,
    tokenLocked: u.locked.has("TOKEN"),
    smsLocked: u.locked.has("SMS"),
    voiceLocked: u.locked.has("VOICE"),
    stuck: METHODS.filter((m) => u.stuck.has(m)),
  };
}

/** What core records of a profile change (profile_changes.rs). */
function profileDetails(p: StoredProfile): Record<string, string> {
  return {
    backend: p.profile.backend === "securid" ? "SecurID Cloud" : "CENTAGATE",
    basePath: p.profile.basePath,
  };
}

/** The non-secret parameters core records of an operation (never a code). */
function operationDetails(op: Operation, request: unknown): Record<string, string> {
  if (op !== "register") return {};
  const t = (request as RegisterTokenRequest).token;
  return t.kind === "sms"
    ? { kind: "sms", phone: (v.phone(t.phone) as v.Valid<string>).value }
    : { kind: "otp", serial: (v.serial(t.serial) as v.Valid<string>).value };
}

/** Core's `bound`: a date (its start, or its end when `end`) or an RFC 3339 time, as UTC. */
function auditBound(field: "since" | "until", raw: string, end: boolean): string {
  const t = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const d = new Date(`${t}T${end ? "23:59:59.999" : "00:00:00.000"}Z`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(t)) {
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  throw inputFor(field, v.RULES.auditTime);
}

/** Core's `AuditEntry::ticket_text`: one fact a line, nothing secret. */
export function ticketText(e: AuditEntry): string {
  const lines = [
    `TokenDesk audit entry #${e.id}`,
    `When:      ${e.at}`,
    `Who:       ${e.osUser} on ${e.host} (${e.surface})`,
    `Server:    ${e.server} (profile ${e.profile}, admin ${e.admin})`,
    `Action:    ${e.operation} ${e.target}`,
  ];
  const details = Object.entries(e.details).map(([k, x]) => `${k}=${x}`);
  if (details.length) lines.push(`Details:   ${details.join(", ")}`);
  const words = { ok: "ok", failed: "failed", unknown: "unknown", inProgress: "in progress" };
  lines.push(`Outcome:   ${words[e.outcome]}`);
  if (e.summary) lines.push(`Result:    ${e.summary}`);
  if (e.error) {
    lines.push(
      `Error:     ${e.error.title}${e.error.code !== null ? ` (code ${e.error.code})` : ""}`,
    );
    if (e.error.serverMessage) lines.push(`Server said: ${e.error.serverMessage}`);
  }
  if (e.outcome === "unknown")
    lines.push("Note:      no answer was recorded; the server may or may not have applied it.");
  if (e.durationMs !== null) lines.push(`Took:      ${e.durationMs} ms`);
  return lines.join("\n");
}

/** Core's `identity_checks`. */
const IDENTITY_CHECKS: IdentityCheck[] = [
  {
    id: "callback",
    label: "I called the user back on the number in the company directory, not one they gave me",
  },
  {
    id: "personal",
    label: "The user answered a question only they can (employee number, manager's name)",
  },
  {
    id: "request",
    label: "The request came from the user or their manager, and this case is about that user",
  },
];

/** A help-desk success: code 0, the words and the object. */
function answer<T = null>(summary: string, object: T = null as T): Outcome<T> {
  return { code: 0, message: null, summary, object };
}
