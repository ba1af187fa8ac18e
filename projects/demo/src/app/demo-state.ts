import { Injectable, signal } from '@angular/core';
import { Container } from './api/models';

/**
 * What the views share: the containers list (fetched by ContainersComponent, shown as move
 * targets by ForumsComponent), which container the forums view is filtered to, and which forum
 * the detail panel shows.
 */
@Injectable({ providedIn: 'root' })
export class DemoState {
  readonly containers = signal<Container[]>([]);
  /** `null`: all containers. */
  readonly selectedContainerId = signal<number | null>(null);
  /** The forum ForumDetailComponent shows; `undefined`: none. */
  readonly selectedForumId = signal<number | undefined>(undefined);
}
