// The headless Chromium every Karma run here uses: Debian's /usr/bin/chromium (CHROME_BIN
// overrides), with the flags this sandbox needs: no sandbox as root, no GPU, no shared-memory
// /dev/shm, and no background networking, whose connections the closed network refuses.
process.env.CHROME_BIN = process.env.CHROME_BIN || '/usr/bin/chromium';

module.exports = {
  customLaunchers: {
    ChromeHeadlessCI: {
      base: 'ChromeHeadless',
      flags: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  browsers: ['ChromeHeadlessCI'],
  // Progress redraws one line per spec; CI logs read better with dots.
  reporters: [process.env.CI ? 'dots' : 'progress'],
};
