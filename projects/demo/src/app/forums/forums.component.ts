import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { NotificationService, coalesceNotifications } from '@changefeed/angular';
import { Observable, Subject, catchError, of, skip, switchMap, tap } from 'rxjs';
import { DemoApi } from '../api/demo-api';
import { errorMessage } from '../api/error-message';
import { Container, Forum } from '../api/models';
import { AutofocusDirective } from '../autofocus.directive';
import { COALESCE_MS } from '../containers/containers.component';
import { DemoState } from '../demo-state';

/** How many forums the burst button inserts, in one transaction. */
export const BURST_SIZE = 500;

/** Forums of the selected container (or all): create, rename, move, delete, and the burst. */
@Component({
  selector: 'app-forums',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AutofocusDirective],
  templateUrl: './forums.component.html',
})
export class ForumsComponent implements OnInit {
  private readonly api = inject(DemoApi);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly refresh = new Subject<void>();
  protected readonly state = inject(DemoState);
  /** Created here: toObservable() needs an injection context, which ngOnInit is not. */
  private readonly selection$ = toObservable(this.state.selectedContainerId);
  protected readonly burstSize = BURST_SIZE;

  protected readonly forums = signal<Forum[]>([]);
  /** Newest first, so what just arrived is at the top. */
  protected readonly shown = computed(() => [...this.forums()].reverse());
  protected readonly loadError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly status = signal('');
  /** The row being renamed or moved, if any. */
  protected readonly editing = signal<{ id: number; mode: 'rename' | 'move' } | null>(null);
  protected readonly bursting = signal(false);
  protected readonly fetches = signal(0);

  protected readonly selected = computed(() => {
    const id = this.state.selectedContainerId();
    return this.state.containers().find((c) => c.id === id) ?? null;
  });
  /** Where a new forum or a burst goes: the selected container, else the first one. */
  protected readonly target = computed<Container | null>(
    () => this.selected() ?? this.state.containers()[0] ?? null,
  );
  private readonly names = computed(
    () => new Map(this.state.containers().map((c) => [c.id, c.name])),
  );

  ngOnInit(): void {
    // switchMap: a newer refetch supersedes an older one, so a slow answer never overwrites a fresh one.
    this.refresh
      .pipe(
        switchMap(() => {
          this.fetches.update((n) => n + 1);
          return this.api.forums(this.state.selectedContainerId()).pipe(
            tap(() => this.loadError.set(null)),
            catchError((error: unknown) => {
              this.loadError.set(errorMessage(error));
              return of(null);
            }),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((forums) => {
        if (forums) this.forums.set(forums);
      });

    this.update();
    this.notifications
      .filterByCollection('containers', 'forums')
      .pipe(coalesceNotifications(COALESCE_MS), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.update());
    // Another filter is another list.
    this.selection$
      .pipe(skip(1), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.update());
  }

  /** Refetches the list. Called at start and whenever containers or forums change anywhere. */
  update(): void {
    this.refresh.next();
  }

  protected containerName(id: number): string {
    return this.names().get(id) ?? `#${id}`;
  }

  protected filter(value: string): void {
    this.state.selectedContainerId.set(value === '' ? null : Number(value));
  }

  protected create(
    event: Event,
    input: HTMLInputElement,
    containerSelect: HTMLSelectElement,
  ): void {
    event.preventDefault();
    this.run(this.api.createForum(input.value, Number(containerSelect.value)), () => {
      input.value = '';
      input.focus();
    });
  }

  protected rename(event: Event, forum: Forum, input: HTMLInputElement): void {
    event.preventDefault();
    this.run(this.api.updateForum(forum.id, { name: input.value }), () => this.editing.set(null));
  }

  protected move(event: Event, forum: Forum, select: HTMLSelectElement): void {
    event.preventDefault();
    const containerId = Number(select.value);
    this.run(this.api.updateForum(forum.id, { containerId }), () => {
      this.editing.set(null);
      this.status.set(`Moved ${forum.name} to ${this.containerName(containerId)}.`);
    });
  }

  protected remove(forum: Forum): void {
    this.run(this.api.deleteForum(forum.id), () => this.status.set(`Deleted ${forum.name}.`));
  }

  protected startEditing(id: number, mode: 'rename' | 'move'): void {
    this.actionError.set(null);
    this.editing.set({ id, mode });
  }

  protected burst(): void {
    const target = this.target();
    if (!target) return;
    this.bursting.set(true);
    this.status.set('');
    this.run(
      this.api.burst(target.id, BURST_SIZE),
      () =>
        this.status.set(`Inserted ${BURST_SIZE} forums into ${target.name} in one transaction.`),
      () => this.bursting.set(false),
    );
  }

  /**
   * Runs a write. Its notification brings the new state to every window, this one included;
   * only while the socket is not open does this window refetch by itself.
   */
  private run<T>(write: Observable<T>, done: () => void, always: () => void = () => {}): void {
    this.actionError.set(null);
    write.subscribe({
      next: () => {
        always();
        done();
        if (this.notifications.state() !== 'open') this.update();
      },
      error: (error: unknown) => {
        always();
        this.actionError.set(errorMessage(error));
      },
    });
  }
}
