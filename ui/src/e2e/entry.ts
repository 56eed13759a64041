/**
 * Entry of the e2e build only (`vite build --mode e2e`): a stateful fake backend behind
 * mockIPC, reachable from Playwright as window.__tokendeskMock, then the real app.
 */
import { installMock } from "../mock/install";
import { MOCK_MARKER } from "../mock/backend";

const mock = installMock();
(window as unknown as Record<string, unknown>).__tokendeskMock = { ...mock, marker: MOCK_MARKER };
await import("../main");
