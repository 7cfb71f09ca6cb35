import { defineConfig } from '@playwright/test';

// The release binary on a fresh data dir (see ../.ci/e2e-server), driven by the
// system Chromium. Every spec runs twice: with JavaScript ("js") and without ("no-js"),
// as in Tor Browser at its "Safest" level.
const port = Number(process.env.E2E_PORT ?? 3100);
// The server's data dir, shared with specs that run the `reply` command.
process.env.E2E_DATA_DIR ??= `/tmp/embassy-desk-e2e-${port}`;
// The key file lives outside the data dir, as in production.
process.env.EMBASSY_DESK_KEY_FILE ??= `${process.env.E2E_DATA_DIR}.keyring`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  // Shared, noisy machines: a page may take a few seconds under load.
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // A click or a page load that hangs fails where it hangs, with its own call log,
    // instead of running a long flow into the test's timeout.
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: '../.ci/e2e-server',
    url: `http://127.0.0.1:${port}/api/health`,
    env: { E2E_PORT: String(port), E2E_DATA_DIR: process.env.E2E_DATA_DIR!, EMBASSY_DESK_KEY_FILE: process.env.EMBASSY_DESK_KEY_FILE! },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
