/**
 * App-wide state (Svelte 5 runes): profiles, the chosen profile, practice status, today's
 * activity from the audit log and the Activity view's filter. Holds no secret: secrets go
 * from a form straight into api.saveProfile.
 */
import { todayFilter, todayForm, type ActivityForm } from "./activity";
import { api } from "./tauri";
import type { AuditEntry, ErrorInfo, PracticeStatus, ProfileSummary } from "./types";

const PROFILE_KEY = "tokendesk.profile";

export type View = "user" | "practice" | "activity";

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

  get current(): ProfileSummary | null {
    return this.profiles.find((p) => p.name === this.selected) ?? null;
  }

  select(name: string | null) {
    this.selected = name;
    if (name) localStorage.setItem(PROFILE_KEY, name);
    else localStorage.removeItem(PROFILE_KEY);
  }

  async loadProfiles() {
    try {
      this.profiles = await api.listProfiles();
      this.profilesError = null;
    } catch (e) {
      this.profilesError = e as ErrorInfo;
    }
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
