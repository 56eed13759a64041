// What the e2e build exposes to Playwright (src/e2e/entry.ts).
interface Window {
  __tokendeskMock: {
    backend: import("../src/mock/backend").MockBackend;
    exchanges: import("../src/mock/install").Exchange[];
    marker: string;
  };
}
