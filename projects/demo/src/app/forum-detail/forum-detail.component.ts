import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal } from '@angular/core';
import { liveResource } from '@changefeed/angular';
import { catchError, of, throwError } from 'rxjs';
import { DemoApi } from '../api/demo-api';
import { Forum } from '../api/models';
import { DemoState } from '../demo-state';

/**
 * The selected forum, built on liveResource(): it follows that one row (per-row interest), so a
 * rename or move anywhere shows here, and a delete elsewhere shows as "deleted". Compare
 * ForumsComponent, which follows its collections with the classic update() pattern.
 */
@Component({
  selector: 'app-forum-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './forum-detail.component.html',
})
export class ForumDetailComponent {
  private readonly api = inject(DemoApi);
  protected readonly state = inject(DemoState);

  protected readonly forum = liveResource({
    params: () => this.state.selectedForumId(),
    on: (id) => ({ collection: 'forums', ids: [id] }),
    // 404: deleted, here or elsewhere; `null` says so, any other failure is the resource's error.
    loader: ({ params: id }) =>
      this.api
        .forum(id)
        .pipe(
          catchError((error: unknown) =>
            error instanceof HttpErrorResponse && error.status === 404
              ? of(null)
              : throwError(() => error),
          ),
        ),
    // A reload that finds the row as it was is no change.
    equal: (a: Forum | null, b: Forum | null) =>
      a === b ||
      (!!a && !!b && a.id === b.id && a.name === b.name && a.containerId === b.containerId),
  });

  /** When this window last saw the forum change (its value only changes when the row did). */
  protected readonly changedAt = linkedSignal({
    source: () => (this.forum.hasValue() ? this.forum.value() : undefined),
    computation: () => new Date(),
  });
  protected readonly containerName = computed(() => {
    const forum = this.forum.hasValue() ? this.forum.value() : null;
    if (!forum) return '';
    return (
      this.state.containers().find((c) => c.id === forum.containerId)?.name ??
      `#${forum.containerId}`
    );
  });

  protected time(at: Date): string {
    return at.toLocaleTimeString('en-GB');
  }
}
