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
  await withScanPage(page, browser, async (scan) => {
    await scan.goto(new URL(path, baseUrl()).toString());
    const results = await new AxeBuilder({ page: scan }).analyze();
    expect(results.violations, path).toEqual([]);
  });
}

// Scans the page as it is now (for instance the answer to a form post). Without JavaScript
// its HTML is copied into a scan page on the same origin, scripts blocked.
export async function expectNoAxeViolationsHere(page: Page, browser: Browser, jsEnabled: boolean, what: string) {
  if (jsEnabled) {
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, what).toEqual([]);
    return;
  }
  const html = await page.content();
  await withScanPage(page, browser, async (scan) => {
    await scan.goto(new URL('/robots.txt', baseUrl()).toString());
    await scan.setContent(html, { waitUntil: 'load' });
    const results = await new AxeBuilder({ page: scan }).analyze();
    expect(results.violations, what).toEqual([]);
  });
}

async function withScanPage(page: Page, browser: Browser, scan: (p: Page) => Promise<void>) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  try {
    await context.addCookies(await page.context().cookies());
    const p = await context.newPage();
    await p.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    await scan(p);
  } finally {
    await context.close();
  }
}

// Same address as `use.baseURL` in playwright.config.ts.
function baseUrl(): string {
  return `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
}
