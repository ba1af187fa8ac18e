import { Directive, ElementRef, afterNextRender, inject } from '@angular/core';

/**
 * Focuses (and selects) an input when it appears, e.g. the inline rename field. The HTML
 * `autofocus` attribute only works on page load, not for elements rendered later.
 */
@Directive({ selector: '[appAutofocus]' })
export class AutofocusDirective {
  constructor() {
    const element = inject<ElementRef<HTMLInputElement>>(ElementRef).nativeElement;
    afterNextRender(() => {
      element.focus();
      element.select?.();
    });
  }
}
