/**
 * App-wide state (Svelte 5 runes): profiles, the chosen profile, practice status, today's
 * activity from the audit log and the Activity view's filter. Holds no secret: secrets go
 * from a form straight into api.saveProfile.
 */
import { todayFilter, todayForm, type ActivityForm } from "./activity";
import { api } from "./tauri";
import type { AuditEntry, ErrorInfo, PracticeStatus, ProfileSummary, SessionStatus } from "./types";

/** How long before a session ends the profile warns, in seconds. */
export const SESSION_WARN_SECS = 5 * 60;

/** The sign-in dialog, while open: for which profile, why (an action needed a session). */
export type SignInRequest = {
  profile: string;
  reason: string | null;
  done: (signedIn: boolean) => void;
};

const PROFILE_KEY = "tokendesk.profile";

export type View = "user" | "practice" | "activity" | "bulk";

export class AppState {
  profiles = $state<ProfileSummary[]>([]);
  profilesLoaded = $state(false);
  profilesError = $state<ErrorInfo | null>(null);
  selected = $state<string | null>(null);
  practice = $state<PracticeStatus>({
    running: false,
    profile: null,
    securidProfile: null,
    signInProfile: null,
    origin: null,
  });
  practiceBusy = $state(false);
  practiceError = $state<ErrorInfo | null>(null);
  /** Today's actions (local day) from the audit log, oldest first: the column beside the
   * user screen. Read after the first screen accepts input (see `init`), then after each
   * action. */
  today = $state<AuditEntry[]>([]);
  todayLoaded = $state(false);
  /** The Activity view's filter, kept while the person visits other screens. */
  activityForm = $state<ActivityForm>(todayForm());
  /** Counts recorded actions taken in this window: the Activity view re-reads when it moves. */
  actions = $state(0);
  view = $state<View>("user");
  /** Each signing-in profile's session, as the shell last said. */
  sessions = $state<Record<string, SessionStatus>>({});
  /** The time (ms), ticking every second while a session is shown: countdowns follow it. */
  now = $state(Date.now());
  signInRequest = $state<SignInRequest | null>(null);

  get current(): ProfileSummary | null {
    return this.profiles.find((p) => p.name === this.selected) ?? null;
  }

  select(name: string | null) {
    this.selected = name;
    if (name) localStorage.setItem(PROFILE_KEY, name);
    else localStorage.removeItem(PROFILE_KEY);
  }

  /** True for a profile whose administrator signs in (it has an Integration Key). */
  signsIn(name: string): boolean {
    return !!this.profiles.find((p) => p.name === name)?.profile.integrationKey;
  }

  /** Seconds the profile's session has left by this window's clock; null: not signed in. */
  sessionLeft(name: string): number | null {
    const s = this.sessions[name];
    if (s?.state !== "signedIn") return null;
    const left = s.expiresAtUnix - Math.floor(this.now / 1000);
    return left > 0 ? left : null;
  }

  /** Re-reads one profile's session (after a sign-in, a sign-out, a refusal). */
  async loadSession(name: string) {
    try {
      const s = await api.sessionStatus(name);
      if (s) this.sessions[name] = s;
      else delete this.sessions[name];
    } catch {
      delete this.sessions[name];
    }
  }

  async loadSessions() {
    await Promise.all(
      this.profiles.filter((p) => p.profile.integrationKey).map((p) => this.loadSession(p.name)),
    );
  }

  /** Opens the sign-in dialog for `name`: true once signed in, false when it was closed. */
  requestSignIn(name: string, reason: string | null = null): Promise<boolean> {
    this.signInRequest?.done(false);
    return new Promise((resolve) => {
      this.signInRequest = {
        profile: name,
        reason,
        done: (ok) => {
          this.signInRequest = null;
          if (ok) void this.actionDone();
          void this.loadSession(name).then(() => resolve(ok));
        },
      };
    });
  }

  /**
   * Runs an action on profile `name`. For a profile that signs in without a live session, or
   * whose session the server ended on the way (10001) or that was refused as not signed in,
   * the sign-in opens first and the action runs (again) once it succeeds. Closed instead,
   * the action's own refusal (in words) is what the caller gets.
   */
  async withSession<T>(name: string, run: () => Promise<T>): Promise<T> {
    if (!this.signsIn(name)) return run();
    const unsigned = `Not signed in to profile '${name}'`;
    if (this.sessionLeft(name) === null && !(await this.requestSignIn(name, unsigned)))
      return run();
    try {
      return await run();
    } catch (e) {
      const err = e as ErrorInfo;
      if (err.kind !== "config" && err.code !== 10001) throw e;
      await this.loadSession(name);
      if (this.sessionLeft(name) !== null) throw e;
      if (!(await this.requestSignIn(name, err.title))) throw e;
      return run();
    }
  }

  async loadProfiles() {
    try {
      this.profiles = await api.listProfiles();
      this.profilesError = null;
    } catch (e) {
      this.profilesError = e as ErrorInfo;
    }
    await this.loadSessions();
    this.profilesLoaded = true;
    const names = this.profiles.map((p) => p.name);
    if (!this.selected || !names.includes(this.selected)) {
      const remembered = localStorage.getItem(PROFILE_KEY);
      this.select(
        remembered && names.includes(remembered)
          ? remembered
          : (this.profiles.find((p) => p.practice)?.name ?? names[0] ?? null),
      );
    }
  }

  /** Reads today's entries for the column; a failure keeps what it showed (the action's own
   * result already said what happened). */
  async loadToday() {
    try {
      this.today = await api.auditEntries(todayFilter());
    } catch {
      // The column is a convenience.
    }
    this.todayLoaded = true;
  }

  /** After an action (recorded in the audit log): the column and the Activity view re-read. */
  async actionDone() {
    this.actions += 1;
    await this.loadToday();
  }

  async loadPractice() {
    try {
      this.practice = await api.practiceStatus();
    } catch (e) {
      this.practiceError = e as ErrorInfo;
    }
  }

  async setPractice(on: boolean) {
    this.practiceBusy = true;
    this.practiceError = null;
    try {
      this.practice = on ? await api.practiceStart() : await api.practiceStop();
      await this.loadProfiles();
      if (on && this.practice.profile) this.select(this.practice.profile);
    } catch (e) {
      this.practiceError = e as ErrorInfo;
    } finally {
      this.practiceBusy = false;
    }
  }

  /** What the first screen needs. The activity is not among it: the app reads it once the
   * first form accepts input (App.svelte), so the log never delays it. */
  async init() {
    await Promise.all([this.loadPractice(), this.loadProfiles()]);
  }
}

export const app = new AppState();
