import { Browser, Page, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// axe runs inside the page, which JavaScript-off pages cannot do. For the "no-js" project
// the same page is loaded in a context where page scripts are blocked (so it stays as the
// server rendered it) while axe itself can still be injected.
export async function expectNoAxeViolations(page: Page, browser: Browser, path: string, jsEnabled: boolean) {
  if (jsEnabled) {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, path).toEqual([]);
    return;
  }
  const context = await browser.newContext({ javaScriptEnabled: true });
  try {
    const scan = await context.newPage();
    await scan.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    await scan.goto(new URL(path, baseUrl()).toString());
    const results = await new AxeBuilder({ page: scan }).analyze();
    expect(results.violations, path).toEqual([]);
  } finally {
    await context.close();
  }
}

// Same address as `use.baseURL` in playwright.config.ts.
function baseUrl(): string {
  return `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
}
