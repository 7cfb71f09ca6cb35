import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The embassy's side, through the server's own command line (the desk UI comes later):
// a volunteer's message to the requester of `reference`.
export function embassyReplies(reference: string, text: string) {
  const root = path.resolve(__dirname, '../..');
  execFileSync(path.join(root, 'target/release/embassy-desk'), ['reply', '--reference', reference], {
    cwd: root,
    input: text,
    env: { ...process.env, EMBASSY_DESK_DATA_DIR: process.env.E2E_DATA_DIR!, EMBASSY_DESK_LOG: 'warn' },
  });
}
