import { mergeApplicationConfig, provideZoneChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';

// The consumer test's zone.js build: the README's config on zone change detection instead of the
// zoneless default (angular.json configuration `zone`, which also loads the zone.js polyfill).
bootstrapApplication(
  App,
  mergeApplicationConfig(appConfig, { providers: [provideZoneChangeDetection()] }),
).catch((err) => console.error(err));
