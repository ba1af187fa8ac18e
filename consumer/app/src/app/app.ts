import { Component } from '@angular/core';
import { Forums } from './forums';

/** The fresh app's root, written by the consumer test: the README's component and nothing else. */
@Component({ selector: 'app-root', imports: [Forums], template: '<app-forums />' })
export class App {}
