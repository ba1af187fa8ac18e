// Karma for the SDK's specs: Debian's Chromium, headless, with the flags this sandbox needs
// (no sandbox as root; no background networking, which the closed network would refuse).
const path = require('node:path');

process.env.CHROME_BIN = process.env.CHROME_BIN || '/usr/bin/chromium';

module.exports = function (config) {
  config.set({
    basePath: '',
    // The scripted WebSocket server the integration specs steer (integration/scripted-server.cjs),
    // and a real @changefeed/server in a child process (integration/real-server.cjs).
    frameworks: ['jasmine', 'changefeed-scripted-server', 'changefeed-real-server'],
    beforeMiddleware: ['changefeed-control', 'changefeed-real-server'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
      require('./integration/scripted-server.cjs'),
      require('./integration/real-server.cjs'),
    ],
    client: {
      jasmine: { random: true },
      clearContext: false,
    },
    jasmineHtmlReporter: { suppressAll: true },
    coverageReporter: {
      dir: path.join(__dirname, '../../coverage/angular'),
      subdir: '.',
      reporters: [{ type: 'html' }, { type: 'text-summary' }],
    },
    reporters: ['progress'],
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
    browserNoActivityTimeout: 120000,
    restartOnFileChange: false,
  });
};
