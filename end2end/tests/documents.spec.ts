import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectNoAxeViolationsHere } from '../support/axe';
import { cli, invitationPath, join } from '../support/desk';

// Documents, with JavaScript on ("js") and off ("no-js"): a requester attaches a phone photo
// (GPS in its Exif) and a PDF with an author to the intake form, and is told what was
// removed; sends one more from the follow-up page; a lead downloads the photo, which has no
// location any more, and replies with a filled form attached, which the requester downloads.
// The lead reaches the case with the find box, typing the reference as the requester reads it.

const fixtures = path.resolve(__dirname, '../../tests/fixtures/documents');
const fixture = (name: string) => path.join(fixtures, name);

function contains(bytes: Buffer, text: string) {
  return bytes.includes(Buffer.from(text, 'latin1'));
}

// Clicks a download link and returns the bytes that arrived.
async function download(page: Page, name: string): Promise<Buffer> {
  const link = page.locator('table.documents a.download', { hasText: name });
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(file.suggestedFilename()).toBe(name);
  return readFileSync((await file.path())!);
}

test('documents travel both ways without their metadata', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const js = info.project.use.javaScriptEnabled !== false;
  const embassy = js ? { code: 'lv', country: 'LV' } : { code: 'fr', country: 'FR' };
  cli(['add-embassy', embassy.code]);
  const requester = await (await browser.newContext({ javaScriptEnabled: js, acceptDownloads: true })).newPage();

  const { reference, code } = await test.step('a requester sends a photo and a letter with the form', async () => {
    await requester.goto('/?lang=en');
    await requester.locator('#categories-documents').check();
    await requester.locator('#document_kind').selectOption('passport_expired');
    await requester.locator('#country').selectOption(embassy.country);
    await requester.locator('#city').fill('Amsterdam');
    await requester.locator('#description').fill('My passport expires; here is its photo and the consulate letter.');
    await requester.locator('#name').fill('Hanna');
    await requester.locator('#contact_channel-site').check();
    await requester.locator('#consent').check();
    await requester.locator('input#documents').setInputFiles([fixture('photo-gps.jpg'), fixture('letter.pdf')]);
    await requester.getByRole('button', { name: 'Send my request' }).click();
    await expect(requester.locator('#receipt-reference')).toBeVisible();
    await expect(requester.locator('#removed-title')).toBeVisible();
    await expect(requester.locator('section.removed')).toContainText('GPS');
    await expectNoAxeViolationsHere(requester, browser, js, 'receipt with removed metadata');
    return {
      reference: (await requester.locator('#receipt-reference').textContent())!.trim(),
      code: (await requester.locator('#receipt-code').textContent())!.trim(),
    };
  });

  await test.step('from the follow-up page, one more document', async () => {
    await requester.goto('/follow-up');
    await requester.locator('#reference').fill(reference);
    await requester.locator('#code').fill(code);
    await requester.locator('button.primary').click();
    await expect(requester).toHaveURL(/\/follow-up\/case$/);
    await requester.locator('input#documents').setInputFiles(fixture('note.txt'));
    await requester.locator('form[action="/follow-up/documents"] button[type=submit]').click();
    await expect(requester).toHaveURL(/documents=1/);
    await expect(requester.locator('table.documents tbody tr')).toHaveCount(3);
    await expectNoAxeViolationsHere(requester, browser, js, 'follow-up page with documents');
  });

  const lead = await (await browser.newContext({ javaScriptEnabled: js, acceptDownloads: true })).newPage();
  await test.step('a lead opens the case and downloads the photo: no location, no camera', async () => {
    await join(lead, invitationPath('lead', embassy.code), `docs-${Math.random().toString(36).slice(2, 8)}`);
    // The requester reads their reference out: the lead types it as heard.
    await lead.locator('#find-reference').fill(reference.toLowerCase().replace('-', ' '));
    await lead.locator('#find-form button[type=submit]').click();
    await expect(lead).toHaveURL(/\/desk\/cases\/[0-9a-f-]{36}$/);
    await expect(lead.locator('table.documents tbody tr')).toHaveCount(3);
    await expectNoAxeViolationsHere(lead, browser, js, 'case page with documents');
    const photo = await download(lead, 'photo-gps.jpg');
    expect(photo.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(contains(photo, 'Exif\0\0')).toBe(false);
    expect(contains(photo, 'SentinelCam')).toBe(false);
    const letter = await download(lead, 'letter.pdf');
    expect(contains(letter, '%PDF-')).toBe(true);
    expect(contains(letter, 'PDF-SENTINEL-AUTHOR')).toBe(false);
  });

  await test.step('the lead replies with a filled form attached', async () => {
    await lead.locator('#reply-body').fill('Please print, sign and bring this form.');
    await lead.locator('#reply-form input[type=file]').setInputFiles(fixture('scan.png'));
    await lead.locator('#reply-form button[type=submit]').click();
    await expect(lead).toHaveURL(/saved=reply/);
    await expect(lead.locator('table.documents tbody tr')).toHaveCount(4);
  });

  await test.step('the requester downloads the form from the desk', async () => {
    await requester.reload();
    await expect(requester.locator('#thread')).toContainText('Please print, sign and bring this form.');
    const row = requester.locator('table.documents tbody tr', { hasText: 'scan.png' });
    await expect(row).toContainText('the desk');
    const form = await download(requester, 'scan.png');
    expect(form.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(contains(form, 'PNG-SENTINEL-AUTHOR')).toBe(false);
  });
});
