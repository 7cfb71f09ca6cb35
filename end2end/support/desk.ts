import { execFileSync } from 'node:child_process';
import { Page, expect } from '@playwright/test';
import crypto from 'node:crypto';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

// Runs the server's own command line against the e2e server's data dir.
export function cli(args: string[], input?: string): string {
  return execFileSync(path.join(root, 'target/release/embassy-desk'), args, {
    cwd: root,
    input,
    env: { ...process.env, EMBASSY_DESK_DATA_DIR: process.env.E2E_DATA_DIR!, EMBASSY_DESK_LOG: 'warn' },
  }).toString();
}

// A message from the embassy to the requester of `reference` (the operator's `reply`).
export function embassyReplies(reference: string, text: string) {
  cli(['reply', '--reference', reference], text);
}

// A one-time invitation link printed by `embassy-desk invite`, as a path on this site.
export function invitationPath(role: string, embassy?: string, queues?: string): string {
  const args = ['invite', '--role', role];
  if (embassy) args.push('--embassy', embassy);
  if (queues) args.push('--queues', queues);
  const link = cli(args).trim();
  return new URL(link).pathname;
}

// The TOTP code (RFC 6238, SHA-1, 6 digits, 30 s) an authenticator app shows for a base32
// secret, `offset` steps from now.
export function totp(base32: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + offset));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

// The password people join with in these tests.
export const PASSWORD = 'a calm and long passphrase 7';

// Joins by an invitation link and enrols the second factor; returns its secret (as an
// authenticator app would read it). Ends on the queue page.
export async function join(page: Page, path: string, login: string): Promise<string> {
  await page.goto(path);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#password_again').fill(PASSWORD);
  await page.locator('#join-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/desk\/second-factor$/);
  const secret = (await page.locator('#totp-secret').textContent())!;
  await page.locator('#code').fill(totp(secret));
  await page.locator('#code-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/desk$/);
  return secret;
}
