/**
 * App-wide state (Svelte 5 runes): profiles, the chosen profile, practice status, session
 * activity. Holds no secret: secrets go from a form straight into api.saveProfile.
 */
import { api } from "./tauri";
import type { ActivityEntry, ErrorInfo, PracticeStatus, ProfileSummary } from "./types";

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
    origin: null,
  });
  practiceBusy = $state(false);
  practiceError = $state<ErrorInfo | null>(null);
  activity = $state<ActivityEntry[]>([]);
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

  async loadActivity() {
    try {
      this.activity = await api.activity();
    } catch {
      // The list is a convenience; an operation's own result already said what happened.
    }
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

  async init() {
    await Promise.all([this.loadPractice(), this.loadProfiles(), this.loadActivity()]);
  }
}

export const app = new AppState();
