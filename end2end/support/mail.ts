import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const python = process.env.EMBASSY_DESK_TEST_PYTHON ?? path.join(root, '.ci/tools/python/bin/python');

export type Mail = { to: string; subject: string; body: string; raw: string };

// The e-mails the e2e server's SMTP server (aiosmtpd, see ../../.ci/e2e-server) accepted,
// decoded by Python's `email` package.
export function mails(): Mail[] {
  const dir = `${process.env.E2E_DATA_DIR}.mail/new`;
  if (!fs.existsSync(dir)) return [];
  const script = [
    'import email, email.header, sys, json',
    'm = email.message_from_binary_file(open(sys.argv[1], "rb"))',
    'subject = str(email.header.make_header(email.header.decode_header(m["Subject"] or "")))',
    'print(json.dumps({"to": m["To"], "subject": subject, "body": m.get_payload(decode=True).decode(m.get_content_charset() or "utf-8")}))',
  ].join('\n');
  return fs.readdirSync(dir).map((name) => {
    const file = path.join(dir, name);
    const decoded = JSON.parse(execFileSync(python, ['-c', script, file]).toString());
    return { ...decoded, raw: fs.readFileSync(file, 'utf8') };
  });
}

// Whether the e2e server sends e-mail (aiosmtpd was there when it started).
export function serverSendsMail(): boolean {
  return fs.existsSync(python);
}
