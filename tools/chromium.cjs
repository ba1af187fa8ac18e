// The one headless Chromium setup every browser run here shares (Karma, e2e, benchmarks):
// Debian's /usr/bin/chromium, never a downloaded browser, with the flags this sandbox needs —
// no sandbox as root, no GPU, no /dev/shm, and no background networking, whose connections the
// closed network refuses (many at a time).
const executablePath = process.env.CHROME_BIN || '/usr/bin/chromium';

const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

module.exports = { executablePath, flags };
