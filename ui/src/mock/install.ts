/** Installs a MockBackend behind Tauri's mockIPC. Tests only. */
import { mockIPC } from "@tauri-apps/api/mocks";
import { MockBackend, type MockOptions } from "./backend";

export type Exchange = { cmd: string; args: unknown; ok: boolean; answer: unknown };

export function installMock(opts: MockOptions = {}) {
  const backend = new MockBackend(opts);
  /** Every answer the webview received, for the "no secret crosses IPC" check. */
  const exchanges: Exchange[] = [];
  mockIPC(
    async (cmd, args) => {
      try {
        const answer = await backend.handle(cmd, (args ?? {}) as Record<string, unknown>);
        exchanges.push({ cmd, args, ok: true, answer });
        return answer;
      } catch (e) {
        exchanges.push({ cmd, args, ok: false, answer: e });
        throw e;
      }
    },
    // listen/emit work in the mock too (the shell's rate-limit-wait event).
    { shouldMockEvents: true },
  );
  return { backend, exchanges };
}
