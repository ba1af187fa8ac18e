import { Injectable, signal } from '@angular/core';
import { Container } from './api/models';

/**
 * What the two views share: the containers list (fetched by ContainersComponent, shown as move
 * targets by ForumsComponent) and which container the forums view is filtered to.
 */
@Injectable({ providedIn: 'root' })
export class DemoState {
  readonly containers = signal<Container[]>([]);
  /** `null`: all containers. */
  readonly selectedContainerId = signal<number | null>(null);
}
