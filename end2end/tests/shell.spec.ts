import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from '../support/axe';

// The page frame every requester sees: neutral title, quick exit, strict headers, and —
// with JavaScript — hydration that the Content-Security-Policy allows.

test('start page is neutral, has a quick exit and strict headers', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Help desk');
  const exit = page.getByRole('link', { name: 'Leave this site' });
  await expect(exit).toBeVisible();
  await expect(exit).toHaveAttribute('rel', /noreferrer/);
  const headers = response!.headers();
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-store');
});

test('quick exit is reachable by keyboard first', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Leave this site' })).toBeFocused();
});

test('unknown address answers 404 with a way back', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to the start page' })).toHaveAttribute('href', '/');
});

test('pages have no accessibility violations', async ({ page, browser }, info) => {
  for (const path of ['/', '/no/such/page']) {
    await expectNoAxeViolations(page, browser, path, info.project.use.javaScriptEnabled !== false);
  }
});

test('with JavaScript the app hydrates under the page policy', async ({ page }, info) => {
  test.skip(info.project.name !== 'js', 'hydration needs JavaScript');
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.status() === 200);
  await page.goto('/');
  await wasm;
  await page.waitForLoadState('networkidle');
  expect(problems).toEqual([]);
});
