import { describe, expect, it } from "vitest";
import { AppState } from "../src/lib/state.svelte";
import { installMock } from "../src/mock/install";
import { applyTheme, loadTheme } from "../src/lib/theme";

const draft = (name: string) => ({
  name,
  url: "https://mfa.example.com",
  admin: "helpdesk",
  basePath: null,
  caFile: null,
  timeoutSecs: null,
});
const secrets = { authToken: "t", secretCode: "s" };

describe("app state", () => {
  it("selects the remembered profile, else the first", async () => {
    installMock({
      profiles: [
        { draft: draft("a"), secrets },
        { draft: draft("b"), secrets },
      ],
    });
    const s = new AppState();
    await s.init();
    expect(s.selected).toBe("a");
    s.select("b");
    const again = new AppState();
    await again.init();
    expect(again.selected).toBe("b");
    expect(again.current?.profile.url).toBe("https://mfa.example.com");
  });

  it("selects the practice profile when practice starts, and drops it when it stops", async () => {
    installMock({ profiles: [{ draft: draft("prod"), secrets }] });
    const s = new AppState();
    await s.init();
    await s.setPractice(true);
    expect(s.practice.running).toBe(true);
    expect(s.selected).toBe("Practice");
    expect(s.profiles.map((p) => [p.name, p.practice])).toEqual([
      ["Practice", true],
      ["Practice-SecurID", true],
      ["Practice-SignIn", true],
      ["prod", false],
    ]);
    await s.setPractice(false);
    expect(s.selected).toBe("prod");
  });

  it("keeps only the theme choice in localStorage, never anything else", async () => {
    installMock({
      profiles: [{ draft: draft("prod"), secrets: { authToken: "CANARY", secretCode: "CANARY" } }],
    });
    const s = new AppState();
    await s.init();
    applyTheme("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(loadTheme()).toBe("dark");
    applyTheme("system");
    expect(document.documentElement.dataset.theme).toBe("light"); // the test DOM's OS is light
    expect(Object.keys(localStorage).sort()).toEqual(["tokendesk.profile"]);
    expect(JSON.stringify({ ...localStorage })).not.toContain("CANARY");
  });
});
